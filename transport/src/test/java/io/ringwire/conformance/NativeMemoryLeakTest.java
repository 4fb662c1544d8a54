package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.TransportUnderTest;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * A group that served traffic and shut down gives back all its native memory: the direct
 * buffers it allocated (receive and event buffers, outbound chunks, iovecs) and the mappings it
 * made (io_uring's rings and provided buffers).
 */
@Timeout(60)
class NativeMemoryLeakTest {
    /** A leak grows the counts on every run; the JVM's own growth stops well before this many. */
    private static final int MAX_RUNS = 6;

    /**
     * The process's mappings also change with the JVM's own threads (a virtual-thread carrier, a
     * JIT compiler thread started on demand: a stack and its guard page each), whose number
     * depends on the machine's load and on which tests ran before. So one run with equal counts
     * before and after passes; a leak differs on every run, and fails after {@link #MAX_RUNS}.
     */
    @ConformanceTest
    void shutdownReleasesDirectBuffersAndMappings(TransportUnderTest transport) throws Exception {
        runOnce(transport); // warm-up: JDK-internal direct buffers and classes settle first
        long directBefore = directMemoryUsed();
        long mappingsBefore = mappings();
        for (int run = 1; ; run++) {
            runOnce(transport);
            long direct = directMemoryUsed();
            long mappings = mappings();
            if (direct == directBefore && mappings == mappingsBefore) {
                return;
            }
            if (run == MAX_RUNS) {
                assertEquals(directBefore, direct, "direct memory after a group's whole life, " + run + " runs in a row");
                assertEquals(mappingsBefore, mappings, "memory mappings after a group's whole life, " + run + " runs in a row");
            }
            directBefore = direct;
            mappingsBefore = mappings;
        }
    }

    /** Two loops, 20 connections echoing enough to queue outbound chunks, then shutdown. */
    private static void runOnce(TransportUnderTest transport) throws Exception {
        byte[] payload = new byte[256 * 1024];
        try (EventLoopGroup group = transport.newGroup(2)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(),
                    () -> (c, data, offset, length) -> c.writeAndFlush(data, offset, length));
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    Socket s = Peers.connect(server.localAddress());
                    sockets.add(s);
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            s.getOutputStream().write(payload);
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    Peers.readExactly(s, payload.length);
                    writer.join();
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            server.close();
        }
    }

    private static long directMemoryUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct buffer pool bean");
    }

    private static long mappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).size();
    }
}

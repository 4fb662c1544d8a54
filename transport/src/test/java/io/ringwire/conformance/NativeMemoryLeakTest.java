package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.TransportUnderTest;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * A group that served traffic and shut down gives back all its native memory: the direct
 * buffers it allocated (receive and event buffers, outbound chunks, iovecs) and the mappings it
 * made (io_uring's rings and provided buffers). Both ways to end: closing the server and the
 * group, and the group's graceful shutdown with a connection forced at the drain deadline while
 * outbound chunks are still queued.
 */
@Timeout(60)
class NativeMemoryLeakTest {
    /** A leak grows the counts on every run; the JVM's own growth stops well before this many. */
    private static final int MAX_RUNS = 8;
    /** Runs in a row that must match the baseline: one lucky run must not hide an intermittent leak. */
    private static final int MATCHES_NEEDED = 2;

    /**
     * The process's mappings also change with the JVM's own threads (a virtual-thread carrier, a
     * JIT compiler thread started on demand: a stack and its guard page each), whose number
     * depends on the machine's load and on which tests ran before. So {@link #MATCHES_NEEDED} runs
     * in a row with equal counts before and after pass; a leak differs on every run it happens in,
     * and fails after {@link #MAX_RUNS}.
     */
    @ConformanceTest
    void shutdownReleasesDirectBuffersAndMappings(TransportUnderTest transport) throws Exception {
        assertNothingRetained(transport, false);
    }

    @ConformanceTest
    void gracefulShutdownWithAForcedDrainReleasesEverything(TransportUnderTest transport) throws Exception {
        assertNothingRetained(transport, true);
    }

    private static void assertNothingRetained(TransportUnderTest transport, boolean graceful) throws Exception {
        runOnce(transport, graceful); // warm-up: JDK-internal direct buffers and classes settle first
        long directBefore = directMemoryUsed();
        long mappingsBefore = mappings();
        int matches = 0;
        for (int run = 1; ; run++) {
            runOnce(transport, graceful);
            long direct = directMemoryUsed();
            long mappings = mappings();
            if (direct == directBefore && mappings == mappingsBefore) {
                if (++matches == MATCHES_NEEDED) {
                    return;
                }
                continue;
            }
            matches = 0;
            if (run >= MAX_RUNS) {
                assertEquals(directBefore, direct, "direct memory after a group's whole life, " + run + " runs in a row");
                assertEquals(mappingsBefore, mappings, "memory mappings after a group's whole life, " + run + " runs in a row");
            }
            directBefore = direct;
            mappingsBefore = mappings;
        }
    }

    /**
     * Two loops, 20 connections echoing enough to queue outbound chunks, then the end: a closed
     * server, or (graceful) a second server whose one connection holds an echo of 2 MiB its peer
     * never reads, queued in outbound chunks and forced when the group's graceful shutdown
     * reaches its deadline.
     */
    private static void runOnce(TransportUnderTest transport, boolean graceful) throws Exception {
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
                if (graceful) {
                    RecordingServer recorded = new RecordingServer(
                            () -> (c, data, offset, length) -> c.writeAndFlush(data, offset, length), false);
                    Server small = group.listen(Loopback.v4AnyPort(), GracefulShutdownTest.smallSendBuffer(), recorded);
                    Socket stuck = Peers.connect(small.localAddress(), 4096);
                    sockets.add(stuck);
                    stuck.getOutputStream().write(new byte[2 * 1024 * 1024]);
                    RecordingHandler h = recorded.next();
                    Await.until("the echo to be queued", () -> h.connection().pendingOutboundBytes() > 1024 * 1024);
                    assertFalse(group.shutdownGracefully(Duration.ofMillis(100)), "the unread echo was forced");
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

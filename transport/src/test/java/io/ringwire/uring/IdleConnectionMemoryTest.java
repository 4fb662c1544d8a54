package io.ringwire.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringwire.Backend;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.internal.ResourceLimits;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.EchoHandler;
import io.ringwire.testutil.Loopback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an idle connection costs. On io_uring it should hold no outbound chunk (the queue gives
 * its last chunk back when it empties) and no receive buffer (those belong to the loop's provided
 * ring, lent only while a recv completion is being handled).
 *
 * <p>The second test only reports: the growth of VmRSS per idle connection, io_uring against
 * epoll. RSS moves with the Java heap and the allocator, so the figure is a rough guide and
 * nothing is asserted on it.
 */
@Timeout(60)
class IdleConnectionMemoryTest {
    private static final int IDLE = 1000;
    private static final int MEASURED = 2000;

    @BeforeAll
    static void requireIoUringAndDescriptors() throws IOException {
        UringTestSupport.assumeIoUring();
        // Both ends of every connection live in this process.
        ResourceLimits.Limit nofile = ResourceLimits.get(ResourceLimits.RLIMIT_NOFILE);
        assumeTrue(nofile.isUnlimited() || nofile.soft() >= 2L * MEASURED + 1000,
                () -> "RLIMIT_NOFILE " + nofile.soft() + " is too low for " + MEASURED + " loopback connections");
    }

    /** Opens {@code n} blocking client channels; with {@code echo}, each round-trips one byte first. */
    private static List<SocketChannel> openClients(InetSocketAddress address, int n, boolean echo) throws IOException {
        List<SocketChannel> clients = new ArrayList<>(n);
        ByteBuffer one = ByteBuffer.allocate(1);
        try {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open(address);
                clients.add(ch);
                if (echo) {
                    ch.write(one.clear().put(0, (byte) i));
                    one.clear();
                    while (one.hasRemaining()) {
                        if (ch.read(one) < 0) {
                            throw new IOException("EOF instead of the echo on client " + i);
                        }
                    }
                    assertEquals((byte) i, one.get(0), "echo of client " + i);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            closeAll(clients);
            throw e;
        }
        return clients;
    }

    private static void closeAll(List<SocketChannel> clients) {
        for (SocketChannel ch : clients) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing a socket: nothing to recover.
            }
        }
    }

    @Test
    void idleConnectionsHoldNoOutboundChunk() throws Exception {
        try (EventLoopGroup group = UringTestSupport.group("idle", 1, Map.of())) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            List<SocketChannel> silent = openClients(server.localAddress(), IDLE / 2, false);
            List<SocketChannel> echoed = openClients(server.localAddress(), IDLE / 2, true);
            try {
                Await.until(IDLE + " connections on the server", () -> server.connectionCount() == IDLE);
                assertEquals(IDLE, server.connectionCount());
                assertEquals(0, UringTestSupport.chunksOutstanding(group),
                        "outbound chunks held by " + IDLE + " idle connections (half of them echoed a byte)");
                UringEventLoop loop = (UringEventLoop) group.loops().get(0);
                int handles = UringTestSupport.onLoop(loop, () -> loop.handles.size());
                assertEquals(IDLE + 1, handles, "one handle per connection, plus the listener");
            } finally {
                closeAll(silent);
                closeAll(echoed);
            }
            Await.until("the server to release every connection", () -> server.connectionCount() == 0);
            assertEquals(0, UringTestSupport.chunksOutstanding(group), "outbound chunks after every connection closed");
        }
    }

    /** VmRSS of this process in KiB, after a GC so that garbage weighs less on the figure. */
    private static long rssKib() {
        System.gc();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }

    /** Bytes of direct ByteBuffers the JVM holds: the outbound chunks and iovec arrays are such buffers. */
    private static long directBytes() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct buffer pool bean");
    }

    /** Growth per connection, in bytes, of VmRSS and of direct buffer memory. */
    private record Growth(double rss, double direct) {
    }

    /** The growth from opening {@code n} idle connections to a new server of {@code backend}. */
    private static Growth growthPerConnection(Backend backend, int n, boolean echo) throws IOException {
        EventLoopGroup group = backend == Backend.IO_URING
                ? UringTestSupport.group("rss", 1, Map.of())
                : EventLoopGroup.builder().backend(backend).name("rss").build();
        try (group) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            long rssBefore = rssKib();
            long directBefore = directBytes();
            List<SocketChannel> clients = openClients(server.localAddress(), n, echo);
            try {
                Await.until(n + " connections on the server", () -> server.connectionCount() == n);
                long rssAfter = rssKib();
                long directAfter = directBytes();
                return new Growth((rssAfter - rssBefore) * 1024.0 / n, (directAfter - directBefore) / (double) n);
            } finally {
                closeAll(clients);
                Await.until("the server to release every connection", () -> server.connectionCount() == 0);
            }
        }
    }

    /**
     * Report only; it fails only if the connections do not all arrive. The clients live in this
     * process too, so each RSS figure includes one client channel; that share is the same for both
     * backends, so their difference is the server's. The Java heap's share hardly shows once the
     * heap has grown in the warm-up: RSS here mostly tracks native memory.
     */
    @Test
    void reportRssPerIdleConnection() throws Exception {
        // Warm-up: classes, JIT, heap growth and the allocator's arenas, so the first measured run is not charged for them.
        growthPerConnection(Backend.EPOLL, MEASURED / 4, true);
        growthPerConnection(Backend.IO_URING, MEASURED / 4, true);
        StringBuilder report = new StringBuilder("IdleConnectionMemoryTest: growth per idle connection, "
                + MEASURED + " connections, client side included (VmRSS / direct buffers), three rounds:");
        for (boolean echo : new boolean[] {false, true}) {
            for (int round = 1; round <= 3; round++) {
                Growth uring = growthPerConnection(Backend.IO_URING, MEASURED, echo);
                Growth epoll = growthPerConnection(Backend.EPOLL, MEASURED, echo);
                report.append(String.format("%n  %-19s round %d: io_uring %5d B / %4d B, epoll %5d B / %4d B",
                        echo ? "after a 1-byte echo" : "silent", round, Math.round(uring.rss()),
                        Math.round(uring.direct()), Math.round(epoll.rss()), Math.round(epoll.direct())));
            }
        }
        System.out.println(report);
    }
}

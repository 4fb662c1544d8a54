package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.internal.ResourceLimits;
import io.ringwire.internal.ResourceLimits.Limit;
import io.ringwire.loop.AbstractEventLoop;
import io.ringwire.loop.AcceptBackoff;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.TransportUnderTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;

/**
 * A full descriptor table must not spin the accepting loop: it backs off, logs once, keeps
 * serving the connections it has, and accepts the waiting ones once descriptors free up.
 */
@Timeout(60)
class AcceptExhaustionTest {
    private static final int CLIENTS = 24;
    private static final int HEADROOM = 6;

    @ConformanceTest
    void emfileBacksOffLogsOnceAndRecovers(TransportUnderTest transport) throws Exception {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Logger serverLog = Logger.getLogger("io.ringwire.server");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage() != null && r.getMessage().contains("EMFILE")) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        serverLog.addHandler(capture);
        Limit original = ResourceLimits.get(ResourceLimits.RLIMIT_NOFILE);
        List<SocketChannel> clients = new ArrayList<>();
        try (EventLoopGroup group = transport.newGroup(1)) {
            // Warm up on a server of its own: loading a class opens its file, and must not be what
            // runs out. The server under test starts after the limit is lowered, because io_uring
            // reads RLIMIT_NOFILE when an accept is submitted, not when it completes.
            Server warmup = group.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(),
                    () -> (c, data, offset, length) -> c.writeAndFlush(data, offset, length));
            try (SocketChannel warm = SocketChannel.open(warmup.localAddress())) {
                echo(warm, (byte) 0);
            }
            warmup.close();
            // io_uring releases a descriptor when its last operation completes: wait for that,
            // or the warm-up's descriptors free up later and make room under the lowered limit.
            awaitTrue(() -> warmup.connectionCount() == 0, () -> "warm-up connections=" + warmup.connectionCount());
            // Descriptors are taken at open(); connect() needs none, so the clients still connect
            // once the limit is low, and only the server's accept runs out.
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(SocketChannel.open());
            }
            ResourceLimits.set(ResourceLimits.RLIMIT_NOFILE, new Limit(limitLeavingFree(HEADROOM), original.hard()));
            long started = System.nanoTime();
            Server server;
            try {
                server = group.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(),
                        () -> (c, data, offset, length) -> c.writeAndFlush(data, offset, length));
                for (SocketChannel c : clients) {
                    c.connect(server.localAddress());
                }
                AbstractEventLoop loop = (AbstractEventLoop) group.loops().get(0);
                // Three failed attempts: the first, then at least two retries after a back-off.
                awaitTrue(() -> loop.stats().acceptErrors() >= 3,
                        () -> "acceptErrors=" + loop.stats().acceptErrors() + " connections=" + server.connectionCount());
                long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                long errors = loop.stats().acceptErrors();
                assertTrue(server.connectionCount() < CLIENTS, "some connections must wait in the backlog");
                assertTrue(errors <= 2 + elapsedMillis / AcceptBackoff.MILLIS,
                        "accept retried " + errors + " times in " + elapsedMillis + " ms: it spins instead of backing off");
                assertEquals(1, warnings.size(), "exhaustion is logged once, not per attempt");
                echo(clients.get(0), (byte) 1); // an accepted connection is served meanwhile
            } finally {
                ResourceLimits.set(ResourceLimits.RLIMIT_NOFILE, original);
            }
            Server recovering = server;
            awaitTrue(() -> recovering.connectionCount() == CLIENTS, () -> "connections=" + recovering.connectionCount());
            echo(clients.get(CLIENTS - 1), (byte) 2); // one that waited in the backlog
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
            serverLog.removeHandler(capture);
        }
    }

    private static void echo(SocketChannel c, byte value) throws IOException {
        c.write(ByteBuffer.wrap(new byte[] {value}));
        ByteBuffer in = ByteBuffer.allocate(1);
        while (in.hasRemaining()) {
            if (c.read(in) < 0) {
                throw new IOException("closed by the server");
            }
        }
        assertEquals(value, in.get(0));
    }

    /**
     * The smallest limit below which exactly {@code free} descriptor numbers are unused.
     * RLIMIT_NOFILE bounds numbers, not the count, and earlier tests leave holes below the
     * highest open descriptor: each hole is room for one more accept.
     */
    private static long limitLeavingFree(int free) throws IOException {
        java.util.Set<Long> open;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            open = fds.map(p -> Long.parseLong(p.getFileName().toString())).collect(java.util.stream.Collectors.toSet());
        }
        long unused = 0;
        long limit = 0;
        while (unused < free) {
            if (!open.contains(limit)) {
                unused++;
            }
            limit++;
        }
        return limit;
    }

    private static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s: " + state.get());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }
}

package io.ringwire.protocol.frame;

import static io.ringwire.protocol.testutil.TestFrames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Backend;
import io.ringwire.EventLoop;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.protocol.testutil.Await;
import io.ringwire.protocol.testutil.Backends;
import io.ringwire.protocol.testutil.FrameSocket;
import io.ringwire.protocol.testutil.TestFrames;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract's heartbeat: PING after an interval of silence, close after {@code misses}
 * intervals with nothing heard. Timing is observed, never slept on: the test blocks on reads.
 */
@Timeout(60)
class HeartbeatEndToEndTest {
    /**
     * For the silent peer on the wall clock: a loop that stalls for two intervals runs its first
     * check late enough to close without a PING (the close check comes first), so the interval is
     * long enough that only a stall of half a second could do that. The fake-clock test pins the
     * exact count.
     */
    private static final Duration INTERVAL = Duration.ofMillis(250);
    /**
     * For the peers that must stay open: they are dropped if this JVM stalls (a GC, a starved CPU)
     * for about two intervals between a PING and its PONG, and a loaded 2-core machine stalled
     * for 200 ms often enough to lose the connection with {@link #INTERVAL}.
     */
    private static final Duration ANSWERED_INTERVAL = Duration.ofMillis(400);

    private static Server listen(EventLoopGroup group) throws Exception {
        return listen(group, INTERVAL);
    }

    private static Server listen(EventLoopGroup group, Duration interval) throws Exception {
        FrameConfig config = FrameConfig.builder().heartbeat(interval).heartbeatMisses(3).build();
        return group.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(), FrameServer.handlers(config));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void aSilentPeerIsPingedThenClosedAsDead(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "heartbeat")) {
            Server server = listen(group);
            // Before the connect: the server's silence counts from its accept, which can come
            // before a stalled test thread gets back from connecting.
            long start = System.nanoTime();
            int pings = 0;
            try (FrameSocket sock = new FrameSocket(server.localAddress())) {
                while (true) {
                    TestFrames.Parsed p;
                    try {
                        p = sock.read();
                    } catch (java.io.EOFException | java.net.SocketException closed) {
                        break;
                    }
                    assertEquals(FrameCommand.PING, p.cmd());
                    pings++;
                    // A late check can only drop a ping (the close check comes first), never add one.
                    assertTrue(pings <= 2, "no more than misses-1 PINGs before the close, got " + pings);
                }
            }
            long elapsed = System.nanoTime() - start;
            assertTrue(pings >= 1, "a silent peer is pinged before it is dropped");
            assertTrue(elapsed >= 3 * INTERVAL.toNanos() - TimeUnit.MILLISECONDS.toNanos(5),
                    "closed only after 3 intervals of silence, not after " + elapsed / 1_000_000 + " ms");
        }
    }

    /**
     * The same on a clock the test moves, where the count is exact: a PING after the first
     * interval and after the second, the close at the third, never earlier. The heartbeat reads
     * silence from the loop's clock, so both run on the fake one.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void aSilentPeerGetsExactlyMissesMinusOnePingsOnAFakeClock(Backend backend) throws Exception {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        try (EventLoopGroup group = Backends.group(backend, 1, "heartbeat", now::get)) {
            Server server = listen(group);
            try (FrameSocket sock = new FrameSocket(server.localAddress())) {
                Await.until("the server to open the connection, starting its heartbeat", () -> server.connectionCount() == 1);
                EventLoop loop = group.next();
                for (int ping = 1; ping <= 2; ping++) {
                    advance(now, INTERVAL, loop);
                    assertEquals(FrameCommand.PING, sock.read().cmd(), "ping " + ping + ", not a close");
                }
                advance(now, INTERVAL, loop);
                assertThrows(java.io.IOException.class, sock::read, "closed as dead after 3 intervals, with no third ping");
            }
        }
    }

    /** Moves the fake clock on, and returns once {@code loop} has run the timers then due (its own runs last). */
    private static void advance(AtomicLong now, Duration d, EventLoop loop) {
        now.addAndGet(d.toNanos());
        CompletableFuture<Void> ran = new CompletableFuture<>();
        loop.execute(() -> loop.schedule(() -> ran.complete(null), 0, TimeUnit.NANOSECONDS));
        try {
            ran.get(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the loop did not run its due timers", e);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void aPeerThatAnswersPingsStaysOpen(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "heartbeat");
             FrameSocket sock = new FrameSocket(listen(group, ANSWERED_INTERVAL).localAddress())) {
            long start = System.nanoTime();
            for (int i = 0; i < 6; i++) {
                TestFrames.Parsed p = sock.read();
                assertEquals(FrameCommand.PING, p.cmd(), "ping " + i);
                sock.send(frame(FrameCommand.PONG, p.body()));
            }
            assertTrue(System.nanoTime() - start >= 5 * ANSWERED_INTERVAL.toNanos(),
                    "six pings answered span more than the three intervals that would close a dead peer");
            sock.send(frame(FrameCommand.ECHO, "alive".getBytes()));
            TestFrames.Parsed reply = sock.read();
            while (reply.cmd() == FrameCommand.PING) {
                reply = sock.read();
            }
            assertEquals("alive", new String(reply.body()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void aFrameClientAnswersTheServersPingsByItself(Backend backend) throws Exception {
        try (EventLoopGroup server = Backends.group(backend, 1, "heartbeat");
             EventLoopGroup client = Backends.group(backend, 1, "heartbeat-client")) {
            Server s = listen(server, ANSWERED_INTERVAL);
            try (FrameClient c = FrameClient.connect(client, s.localAddress(), FrameConfig.defaults()).get(20, TimeUnit.SECONDS)) {
                // The client stays silent: the server pings it every interval, and five answered
                // pings span more than the three intervals that would close a client that did not PONG.
                Await.until("five pings answered", () -> c.pingsAnswered() >= 5);
                assertTrue(c.connection().isOpen(), "open after " + c.pingsAnswered() + " pings");
                assertEquals(FrameCommand.ECHO_REPLY, c.echo(new byte[] {1}).get(20, TimeUnit.SECONDS).cmd());
            }
        }
    }
}

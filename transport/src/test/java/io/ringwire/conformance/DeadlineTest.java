package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.DeadlineExceededException;
import io.ringwire.DeadlineExceededException.Kind;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.FakeClock;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/**
 * Per-connection read and write deadlines (Go's SetReadDeadline/SetWriteDeadline): expiry reaches
 * the handler as a SocketTimeoutException and leaves the connection open; a deadline can be
 * extended or cleared from any thread. "Did not fire" is judged by order, not by a sleep: a
 * sentinel timer on the same loop, due after the deadline would have been, runs after it. The
 * tests of extending and clearing run on a {@link FakeClock}, which moves only between the steps
 * of a test, so a deadline that was moved cannot pass early by a scheduling accident either.
 */
@Timeout(60)
class DeadlineTest {
    private static final Duration SHORT = Duration.ofMillis(100);
    private static final Duration LONG = Duration.ofSeconds(120);

    /** Completes on the connection's loop once {@code delay} has passed there. */
    private static CompletableFuture<Void> sentinel(Connection c, Duration delay) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        c.eventLoop().schedule(() -> f.complete(null), delay.toNanos(), TimeUnit.NANOSECONDS);
        return f;
    }

    private static Server echoServer(EventLoopGroup group, RecordingServer recorded) throws Exception {
        return group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
    }

    @ConformanceTest
    void readDeadlineExpiresWithoutClosing(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1); Server server = echoServer(group, recorded);
             Socket client = Peers.connect(server.localAddress())) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            c.setReadDeadline(SHORT);
            Await.until("the read deadline to pass", () -> !h.timeouts.isEmpty());
            DeadlineExceededException e = h.timeouts.get(0);
            assertEquals(Kind.READ, e.kind());
            assertInstanceOf(SocketTimeoutException.class, e, "callers catch what they know");
            assertTrue(c.isOpen(), "a deadline does not close the connection");
            assertTrue(h.errors.isEmpty(), "nor is it an error: " + h.errors);
            Peers.assertEchoes(client, new byte[] {1, 2, 3});
            // Fired once, then cleared: nothing more comes.
            Await.get(sentinel(c, SHORT.multipliedBy(3)), "a later sentinel");
            assertEquals(1, h.timeouts.size());
            assertFalse(h.closed.isDone());
        }
    }

    /** Armed first (a loop round trip in between), then extended from the test thread: the armed timer moves. */
    @ConformanceTest
    void readDeadlineExtendedFromAnotherThreadDoesNotFireEarly(TransportUnderTest transport) throws Exception {
        FakeClock clock = new FakeClock();
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1, clock); Server server = echoServer(group, recorded);
             Socket client = Peers.connect(server.localAddress())) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            c.setReadDeadline(SHORT);
            FakeClock.settle(c.eventLoop()); // applied: the timer waits in the wheel for SHORT
            c.setReadDeadline(LONG); // extended before it could pass
            CompletableFuture<Void> sentinel = sentinel(c, SHORT.multipliedBy(4));
            clock.advance(SHORT.multipliedBy(4), c.eventLoop());
            Await.get(sentinel, "a sentinel past the first deadline");
            assertTrue(h.timeouts.isEmpty(), "the extended deadline fired early: " + h.timeouts);
            c.setReadDeadline(SHORT); // shortened again: now it fires
            clock.advance(SHORT.minusNanos(1), c.eventLoop());
            assertTrue(h.timeouts.isEmpty(), "not a nanosecond early: " + h.timeouts);
            clock.advance(Duration.ofNanos(1), c.eventLoop());
            Await.until("the shortened deadline to pass", () -> h.timeouts.size() == 1);
            assertTrue(c.isOpen());
            clock.advance(LONG, c.eventLoop());
            assertEquals(1, h.timeouts.size(), "the extended deadline was replaced, so it never fires");
        }
    }

    /** A handler that extends its read deadline on each message: it only fires once the peer goes quiet. */
    @ConformanceTest
    void readDeadlineExtendedOnTheLoopByIncomingData(TransportUnderTest transport) throws Exception {
        Duration window = Duration.ofMillis(400);
        RecordingServer recorded = new RecordingServer(() -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection connection) {
                connection.setReadDeadline(window);
            }

            @Override
            public void onData(Connection connection, DirectBuffer data, int offset, int length) {
                connection.setReadDeadline(window);
                connection.write(data, offset, length);
                connection.flush();
            }
        }, false);
        FakeClock clock = new FakeClock();
        try (EventLoopGroup group = transport.newGroup(1, clock); Server server = echoServer(group, recorded);
             Socket client = Peers.connect(server.localAddress())) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            // A message every half window, for three windows: each one moves the deadline on, so
            // it never passes; had a move on the loop been lost, the first would pass at once.
            for (int i = 0; i < 6; i++) {
                clock.advance(window.dividedBy(2), c.eventLoop());
                Peers.assertEchoes(client, new byte[] {(byte) i});
            }
            assertTrue(h.timeouts.isEmpty(), "kept alive by the messages: " + h.timeouts);
            clock.advance(window.minusNanos(1), c.eventLoop());
            assertTrue(h.timeouts.isEmpty(), "quiet for less than the window: " + h.timeouts);
            clock.advance(Duration.ofNanos(1), c.eventLoop());
            Await.until("the deadline once the peer is quiet", () -> !h.timeouts.isEmpty());
            assertEquals(Kind.READ, h.timeouts.get(0).kind());
            assertEquals(1, h.timeouts.size());
            Peers.assertEchoes(client, new byte[] {42});
        }
    }

    @ConformanceTest
    void clearedReadDeadlineNeverFires(TransportUnderTest transport) throws Exception {
        FakeClock clock = new FakeClock();
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1, clock); Server server = echoServer(group, recorded);
             Socket client = Peers.connect(server.localAddress())) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            c.setReadDeadline(SHORT);
            FakeClock.settle(c.eventLoop()); // armed, then cleared: the timer leaves the wheel
            c.setReadDeadline(Duration.ZERO);
            // The same on the loop thread, where the timer moves without a task.
            Await.get(CompletableFuture.runAsync(() -> {
                c.setDeadline(SHORT);
                c.setDeadline(Duration.ZERO);
            }, c.eventLoop()), "set and clear on the loop");
            CompletableFuture<Void> sentinel = sentinel(c, SHORT.multipliedBy(4));
            clock.advance(SHORT.multipliedBy(4), c.eventLoop());
            Await.get(sentinel, "a sentinel past the deadline");
            assertTrue(h.timeouts.isEmpty(), "a cleared deadline fired: " + h.timeouts);
            Peers.assertEchoes(client, new byte[] {9});
        }
    }

    /** The server writes until unwritable to a client that reads nothing: the write deadline fires. */
    @ConformanceTest
    void writeDeadlineFiresWhenThePeerStopsReading(TransportUnderTest transport) throws Exception {
        List<Filler> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingServer recorded = fillers(made);
        try (EventLoopGroup group = transport.newGroup(1); Server server = echoServer(group, recorded);
             Socket client = Peers.connect(server.localAddress(), 4096)) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            Await.get(made.get(0).blocked, "the writes to back up");
            c.setWriteDeadline(SHORT);
            Await.until("the write deadline to pass", () -> !h.timeouts.isEmpty());
            assertEquals(List.of(Kind.WRITE), h.timeouts.stream().map(DeadlineExceededException::kind).toList());
            assertTrue(c.isOpen(), "a write deadline does not close the connection");
            // The peer reads again: every queued byte still arrives (the filler stopped at the timeout).
            long written = Await.get(CompletableFuture.supplyAsync(() -> made.get(0).written.get(), c.eventLoop()),
                    "the byte count");
            InputStream in = client.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long got = 0;
            while (got < written) {
                int n = in.read(buf);
                assertTrue(n > 0, "EOF after " + got + " of " + written);
                got += n;
            }
            assertEquals(written, got);
        }
    }

    @ConformanceTest
    void writeDeadlineExtendedOrClearedWhileBlockedDoesNotFire(TransportUnderTest transport) throws Exception {
        FakeClock clock = new FakeClock();
        List<Filler> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingServer recorded = fillers(made);
        try (EventLoopGroup group = transport.newGroup(1, clock); Server server = echoServer(group, recorded);
             Socket client = Peers.connect(server.localAddress(), 4096)) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            Await.get(made.get(0).blocked, "the writes to back up");
            c.setWriteDeadline(SHORT);
            FakeClock.settle(c.eventLoop()); // armed before it is moved
            c.setWriteDeadline(LONG);
            CompletableFuture<Void> first = sentinel(c, SHORT.multipliedBy(4));
            clock.advance(SHORT.multipliedBy(4), c.eventLoop());
            Await.get(first, "a sentinel past the first deadline");
            assertTrue(h.timeouts.isEmpty(), "extended: " + h.timeouts);
            c.setWriteDeadline(SHORT);
            FakeClock.settle(c.eventLoop());
            c.setWriteDeadline(Duration.ZERO);
            CompletableFuture<Void> second = sentinel(c, SHORT.multipliedBy(4));
            clock.advance(SHORT.multipliedBy(4), c.eventLoop());
            Await.get(second, "another sentinel");
            assertTrue(h.timeouts.isEmpty(), "cleared: " + h.timeouts);
            clock.advance(LONG, c.eventLoop());
            assertTrue(h.timeouts.isEmpty(), "the cleared deadline replaced the extended one: " + h.timeouts);
            assertFalse(client.isClosed());
        }
    }

    /** With nothing queued no write is blocked, so a passing write deadline says nothing. */
    @ConformanceTest
    void writeDeadlineWithNothingQueuedPassesQuietly(TransportUnderTest transport) throws Exception {
        FakeClock clock = new FakeClock();
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1, clock); Server server = echoServer(group, recorded);
             Socket client = Peers.connect(server.localAddress())) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            Peers.assertEchoes(client, new byte[] {1});
            c.setWriteDeadline(SHORT);
            CompletableFuture<Void> sentinel = sentinel(c, SHORT.multipliedBy(4));
            clock.advance(SHORT.multipliedBy(4), c.eventLoop());
            Await.get(sentinel, "a sentinel past the deadline");
            assertTrue(h.timeouts.isEmpty(), "nothing was blocked: " + h.timeouts);
        }
    }

    /** setDeadline covers both directions: a silent peer that reads nothing gets both timeouts. */
    @ConformanceTest
    void combinedDeadlineReportsReadAndWrite(TransportUnderTest transport) throws Exception {
        List<Filler> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingServer recorded = fillers(made);
        try (EventLoopGroup group = transport.newGroup(1); Server server = echoServer(group, recorded);
             Socket client = Peers.connect(server.localAddress(), 4096)) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            Await.get(made.get(0).blocked, "the writes to back up");
            c.setDeadline(SHORT);
            Await.until("both deadlines to pass", () -> h.timeouts.size() == 2);
            assertEquals(java.util.Set.of(Kind.READ, Kind.WRITE),
                    h.timeouts.stream().map(DeadlineExceededException::kind).collect(java.util.stream.Collectors.toSet()));
            assertTrue(c.isOpen());
        }
    }

    /** Closing is the handler's choice, and a handler that throws in onTimeout closes only its connection. */
    @ConformanceTest
    void aHandlerMayCloseOnTimeoutOrThrow(TransportUnderTest transport) throws Exception {
        RuntimeException boom = new RuntimeException("boom");
        int[] n = {0};
        RecordingServer recorded = new RecordingServer(() -> new ConnectionHandler() {
            private final boolean throwing = n[0]++ % 2 == 1;

            @Override
            public void onData(Connection connection, DirectBuffer data, int offset, int length) {
            }

            @Override
            public void onTimeout(Connection connection, DeadlineExceededException timeout) {
                if (throwing) {
                    throw boom;
                }
                connection.close();
            }
        }, false);
        try (EventLoopGroup group = transport.newGroup(1); Server server = echoServer(group, recorded);
             Socket closing = Peers.connect(server.localAddress())) {
            RecordingHandler hClosing = recorded.next();
            try (Socket throwing = Peers.connect(server.localAddress())) {
                RecordingHandler hThrowing = recorded.next();
                hClosing.connection().setReadDeadline(SHORT);
                hThrowing.connection().setReadDeadline(SHORT);
                Await.get(hClosing.closed, "the closing handler's connection to close");
                Await.get(hThrowing.closed, "the throwing handler's connection to close");
                assertTrue(hClosing.errors.isEmpty(), "closed by choice: " + hClosing.errors);
                assertEquals(List.of(boom), hThrowing.errors);
                assertTrue(Peers.isClosedByPeer(closing));
                assertTrue(Peers.isClosedByPeer(throwing));
            }
        }
    }

    @ConformanceTest
    void badDeadlinesAreRefusedAndLateOnesAreHarmless(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1); Server server = echoServer(group, recorded);
             Socket client = Peers.connect(server.localAddress())) {
            RecordingHandler h = recorded.next();
            Connection c = h.connection();
            assertThrows(IllegalArgumentException.class, () -> c.setReadDeadline(Duration.ofMillis(-1)));
            assertThrows(NullPointerException.class, () -> c.setWriteDeadline(null));
            c.setReadDeadline(Duration.ofSeconds(Long.MAX_VALUE)); // "never": must not wrap into the past
            c.setReadDeadline(SHORT);
            c.close();
            Await.get(h.closed, "close");
            c.setDeadline(SHORT); // after close: ignored
            Await.get(sentinel(c, SHORT.multipliedBy(3)), "a sentinel");
            assertTrue(h.timeouts.isEmpty(), "no timeout after close: " + h.timeouts);
            assertTrue(Peers.isClosedByPeer(client));
        }
    }

    /**
     * Writes whenever the connection is writable, so that against a peer that reads nothing the
     * kernel's buffers fill and queued bytes stay waiting (on io_uring too, where a send in
     * flight may take a whole batch). Stops writing once a deadline fires.
     */
    static final class Filler implements ConnectionHandler {
        final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        final CompletableFuture<Void> blocked = new CompletableFuture<>();
        private final byte[] chunk = new byte[16 * 1024];
        private boolean stopped;

        @Override
        public void onOpen(Connection connection) {
            pump(connection);
        }

        @Override
        public void onData(Connection connection, DirectBuffer data, int offset, int length) {
        }

        @Override
        public void onWritabilityChanged(Connection connection, boolean writable) {
            if (writable) {
                pump(connection);
            } else {
                blocked.complete(null);
            }
        }

        @Override
        public void onTimeout(Connection connection, DeadlineExceededException timeout) {
            stopped = true;
        }

        private void pump(Connection connection) {
            for (int i = 0; i < 100_000 && !stopped && connection.isWritable(); i++) {
                connection.write(chunk, 0, chunk.length);
                connection.flush();
                written.addAndGet(chunk.length);
            }
        }
    }

    /** A server whose connections each get a {@link Filler}; the fillers are listed in accept order. */
    private static RecordingServer fillers(List<Filler> made) {
        return new RecordingServer(() -> {
            Filler f = new Filler();
            made.add(f);
            return f;
        }, false);
    }
}

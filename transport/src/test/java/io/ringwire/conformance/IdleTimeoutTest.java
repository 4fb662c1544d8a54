package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.ConnectionConfig;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.EchoHandler;
import io.ringwire.testutil.FakeClock;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Timeout;

/**
 * ConnectionConfig.idleTimeout closes a connection with no traffic in either direction, and only
 * such a connection. The one-way cases run on a {@link FakeClock}: the clock moves only between
 * messages, so "kept open by traffic" cannot depend on how fast this machine is.
 */
@Timeout(30)
class IdleTimeoutTest {
    private static final Duration IDLE = Duration.ofMillis(300);
    /**
     * Where a connection must stay open: one round trip stalled this long (a GC, a starved CPU on
     * a loaded 2-core machine) closes it, so it is well above what such a stall takes.
     */
    private static final Duration IDLE_BESIDE_ACTIVE = Duration.ofMillis(800);
    private static final int MAX_ROUND_TRIPS = 1_000_000;

    @ConformanceTest
    void idleConnectionClosesWhileActiveOneStaysOpen(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        ServerConfig config = ServerConfig.builder()
                .connectionConfig(ConnectionConfig.builder().idleTimeout(IDLE_BESIDE_ACTIVE).build()).build();
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), config, recorded);
            try (Socket active = Peers.connect(server.localAddress()); Socket idle = Peers.connect(server.localAddress())) {
                RecordingHandler hActive = recorded.next();
                RecordingHandler hIdle = recorded.next();
                // Keep one connection busy with round trips for three idle periods, or until the
                // idle one has closed, whichever is later; bounded in count as well as time.
                long start = System.nanoTime();
                long minimum = 3 * IDLE_BESIDE_ACTIVE.toNanos();
                int trips = 0;
                while (System.nanoTime() - start < minimum || !hIdle.closed.isDone()) {
                    assertTrue(trips < MAX_ROUND_TRIPS, "round trips are bounded");
                    assertTrue(System.nanoTime() - start < Await.DEFAULT.toNanos(), "the idle connection never closed");
                    Peers.assertEchoes(active, new byte[] {(byte) trips});
                    trips++;
                }
                assertTrue(Peers.isClosedByPeer(idle), "the idle client sees the close");
                assertTrue(hIdle.errors.isEmpty(), "an idle close is not an error: " + hIdle.errors);
                assertFalse(hActive.closed.isDone(), "the active connection stays open");
                Peers.assertEchoes(active, new byte[] {1, 2, 3});
            }
        }
    }

    private static ServerConfig idleAfter(Duration idle) {
        return ServerConfig.builder().connectionConfig(ConnectionConfig.builder().idleTimeout(idle).build()).build();
    }

    /** A server that only writes, to a client that only reads: the writes alone keep it open. */
    @ConformanceTest
    void writesAloneKeepTheConnectionOpen(TransportUnderTest transport) throws Exception {
        FakeClock clock = new FakeClock();
        List<DeadlineTest.Filler> made = new CopyOnWriteArrayList<>();
        RecordingServer recorded = new RecordingServer(() -> {
            DeadlineTest.Filler f = new DeadlineTest.Filler();
            made.add(f);
            return f;
        }, false);
        try (EventLoopGroup group = transport.newGroup(1, clock);
             Server server = group.listen(Loopback.v4AnyPort(), idleAfter(IDLE), recorded);
             Socket client = Peers.connect(server.localAddress(), 4096)) {
            RecordingHandler h = recorded.next();
            DeadlineTest.Filler filler = made.get(0);
            InputStream in = client.getInputStream();
            byte[] buf = new byte[16 * 1024];
            // Half an idle period at a time, for three periods; in each, the client reads until
            // the server has had to write more, so the server sent after the clock moved.
            for (int step = 0; step < 6; step++) {
                clock.advance(IDLE.dividedBy(2), h.connection().eventLoop());
                long before = filler.written.get();
                while (filler.written.get() == before) {
                    assertTrue(in.read(buf) > 0, "closed at step " + step + " though the server kept writing");
                }
            }
            assertFalse(h.closed.isDone(), "writes alone are traffic");
            // The client stops reading: the server's writes stall, and with them all traffic.
            for (int i = 0; i < 20 && !h.closed.isDone(); i++) {
                clock.advance(IDLE, h.connection().eventLoop());
            }
            assertTrue(h.closed.isDone(), "no traffic either way for an idle period closes it");
            assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
        }
    }

    /** The mirror: a client that only sends, to a server that only reads. */
    @ConformanceTest
    void readsAloneKeepTheConnectionOpen(TransportUnderTest transport) throws Exception {
        FakeClock clock = new FakeClock();
        RecordingServer recorded = new RecordingServer(() -> (c, data, offset, length) -> { }, false);
        try (EventLoopGroup group = transport.newGroup(1, clock);
             Server server = group.listen(Loopback.v4AnyPort(), idleAfter(IDLE), recorded);
             Socket client = Peers.connect(server.localAddress())) {
            RecordingHandler h = recorded.next();
            for (int step = 0; step < 6; step++) {
                clock.advance(IDLE.dividedBy(2), h.connection().eventLoop());
                client.getOutputStream().write(step);
                int expected = step + 1;
                Await.until("byte " + step + " to arrive", () -> h.receivedBytes.get() == expected);
            }
            assertFalse(h.closed.isDone(), "reads alone are traffic");
            clock.advance(IDLE.minusNanos(1), h.connection().eventLoop());
            assertFalse(h.closed.isDone(), "quiet for less than the idle timeout");
            clock.advance(Duration.ofNanos(1), h.connection().eventLoop());
            Await.get(h.closed, "the connection to close once quiet for the idle timeout");
            assertTrue(Peers.isClosedByPeer(client));
        }
    }

    /** The same setting on a ringwire client connection. */
    @ConformanceTest
    void idleClientConnectionCloses(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup group = transport.newGroup(1); EventLoopGroup clients = transport.newClientGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            RecordingHandler client = new RecordingHandler();
            Await.get(clients.connect(server.localAddress(), client,
                    ConnectionConfig.builder().idleTimeout(IDLE).build(), Duration.ofSeconds(5)), "connect");
            Await.get(client.closed, "the idle client connection to close");
            assertTrue(client.errors.isEmpty(), "errors: " + client.errors);
            Await.until("the server to see the close", () -> server.connectionCount() == 0);
        }
    }
}

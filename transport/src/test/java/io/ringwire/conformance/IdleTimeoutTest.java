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
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;

/** ConnectionConfig.idleTimeout closes a connection with no traffic, and only such a connection. */
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

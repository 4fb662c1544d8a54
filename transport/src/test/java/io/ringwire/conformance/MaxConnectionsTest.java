package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import io.ringwire.testutil.Fds;
import io.ringwire.testutil.TestData;
import java.net.Socket;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;

/** ServerConfig.maxConnections: the connection over the limit is closed at once; the others are untouched. */
@Timeout(30)
class MaxConnectionsTest {

    @ConformanceTest
    @SuppressWarnings("try") // closes one client early on purpose, inside its try-with-resources
    void connectionOverTheLimitIsClosedAndCounted(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        // Two loops: the limit is per server, not per loop.
        try (EventLoopGroup group = transport.newGroup(2)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.builder().maxConnections(2).build(), recorded);
            try (Socket a = Peers.connect(server.localAddress()); Socket b = Peers.connect(server.localAddress())) {
                Peers.assertEchoes(a, new byte[] {1});
                Peers.assertEchoes(b, new byte[] {2});
                assertEquals(2, server.connectionCount());
                Map<Integer, String> held = Fds.snapshot();

                try (Socket over = Peers.connect(server.localAddress())) {
                    assertTrue(Peers.isClosedByPeer(over), "the connection over the limit is closed");
                }
                Await.until("the rejection to be counted", () -> server.rejectedConnections() == 1);
                Fds.awaitSame("after a refusal: its descriptor is closed, both sides", held);
                Await.until("the group stats to count it", () -> group.stats().connectionsRejected() == 1);
                assertEquals(2, recorded.all().size(), "a rejected connection never reaches a handler");

                Peers.assertEchoes(a, new byte[] {3});
                Peers.assertEchoes(b, new byte[] {4});
                assertEquals(2, server.connectionCount());

                a.close();
                Await.until("the server to release the closed connection", () -> server.connectionCount() == 1);
                try (Socket c = Peers.connect(server.localAddress())) {
                    Peers.assertEchoes(c, new byte[] {5});
                }
                assertEquals(1, server.rejectedConnections(), "a connection under the limit again is accepted");
            }
        }
    }

    /**
     * Many refusals while a held connection streams: the held one loses nothing, every refused
     * descriptor is closed, and afterwards the process holds what it held before the flood.
     */
    @ConformanceTest
    void aFloodOfRefusalsLeavesTheHeldConnectionAndNoDescriptorBehind(TransportUnderTest transport) throws Exception {
        int refusals = 200;
        try (EventLoopGroup group = transport.newGroup(2);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.builder().maxConnections(1).build(),
                    RecordingServer.echo());
            try (Socket held = Peers.connect(server.localAddress())) {
                Peers.assertEchoes(held, new byte[] {1});
                Map<Integer, String> before = Fds.snapshot();
                AtomicBoolean flooding = new AtomicBoolean(true);
                Future<Integer> streaming = threads.submit(() -> {
                    Random random = new Random(5);
                    int trips = 0;
                    while (flooding.get() || trips < 10) {
                        Peers.assertEchoes(held, TestData.random(random, 1 + random.nextInt(64 * 1024)));
                        trips++;
                    }
                    return trips;
                });
                for (int i = 0; i < refusals; i++) {
                    try (Socket over = Peers.connect(server.localAddress())) {
                        assertTrue(Peers.isClosedByPeer(over), "connection " + i + " over the limit");
                    }
                }
                flooding.set(false);
                assertTrue(Await.get(streaming, "the held connection's echoes") >= 10);
                Await.until("every refusal to be counted", () -> server.rejectedConnections() == refusals);
                // A refusal never takes a place (Admission), so the count only ever shows the held one.
                Await.until("the refused connections' places to be given back", () -> server.connectionCount() == 1);
                Fds.awaitSame("after " + refusals + " refusals", before);
            }
        }
    }
}

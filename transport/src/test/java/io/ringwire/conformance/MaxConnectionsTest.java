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
import java.net.Socket;
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

                try (Socket over = Peers.connect(server.localAddress())) {
                    assertTrue(Peers.isClosedByPeer(over), "the connection over the limit is closed");
                }
                Await.until("the rejection to be counted", () -> server.rejectedConnections() == 1);
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
}

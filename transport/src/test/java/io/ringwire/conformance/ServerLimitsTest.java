package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.loop.AbstractEventLoop;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Fds;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Per-IP connection limits and the accept rate: a connection over a limit is closed at once and
 * counted; the loop and the connections already held are untouched.
 */
@Timeout(30)
class ServerLimitsTest {

    @ConformanceTest
    void perIpLimitRefusesOnlyThatAddress(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        ServerConfig config = ServerConfig.builder().maxConnectionsPerIp(2).build();
        // Two loops: the count is per server, whichever loop accepted.
        try (EventLoopGroup group = transport.newGroup(2);
             Server server = group.listen(Loopback.v4AnyPort(), config, recorded);
             Socket a1 = Peers.connectFrom("127.0.0.1", server.localAddress());
             Socket a2 = Peers.connectFrom("127.0.0.1", server.localAddress())) {
            Peers.assertEchoes(a1, new byte[] {1});
            Peers.assertEchoes(a2, new byte[] {2});
            Map<Integer, String> held = Fds.snapshot();
            try (Socket over = Peers.connectFrom("127.0.0.1", server.localAddress())) {
                assertTrue(Peers.isClosedByPeer(over), "a third connection from 127.0.0.1 is closed");
            }
            Await.until("the refusal to be counted", () -> server.rejectedConnections() == 1);
            Fds.awaitSame("after a per-IP refusal", held);
            Await.until("and in the loop stats", () -> group.loops().stream().mapToLong(l -> ((AbstractEventLoop) l).stats().rejectedPerIp()).sum() == 1);
            try (Socket b = Peers.connectFrom("127.0.0.2", server.localAddress())) {
                Peers.assertEchoes(b, new byte[] {3});
            }
            Await.until("127.0.0.2's connection to be released", () -> server.connectionCount() == 2);
            Peers.assertEchoes(a1, new byte[] {4});
            Peers.assertEchoes(a2, new byte[] {5});
            a1.close();
            Await.until("the closed connection to free its place", () -> server.connectionCount() == 1);
            try (Socket again = Peers.connectFrom("127.0.0.1", server.localAddress())) {
                Peers.assertEchoes(again, new byte[] {6});
            }
            assertEquals(1, server.rejectedConnections());
            assertEquals(4, recorded.all().size(), "a refused connection never reaches a handler");
        }
    }

    @ConformanceTest
    void acceptRateAdmitsTheBurstAndRefusesTheRest(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        // One token per 1000 s: within the test only the burst is admitted, however slow the machine.
        ServerConfig config = ServerConfig.builder().acceptRate(0.001, 3).build();
        List<Socket> admitted = new ArrayList<>();
        try (EventLoopGroup group = transport.newGroup(1);
             Server server = group.listen(Loopback.v4AnyPort(), config, recorded)) {
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = Peers.connect(server.localAddress());
                    admitted.add(s);
                    Peers.assertEchoes(s, new byte[] {(byte) i});
                }
                Map<Integer, String> held = Fds.snapshot();
                for (int i = 0; i < 4; i++) {
                    try (Socket over = Peers.connect(server.localAddress())) {
                        assertTrue(Peers.isClosedByPeer(over), "connection " + (4 + i) + " is over the rate");
                    }
                }
                Await.until("the refusals to be counted", () -> server.rejectedConnections() == 4);
                Fds.awaitSame("after four refusals by rate", held);
                assertEquals(4, ((AbstractEventLoop) group.loops().get(0)).stats().rejectedByRate());
                assertEquals(4, group.stats().connectionsRejected());
                for (Socket s : admitted) {
                    Peers.assertEchoes(s, new byte[] {42});
                }
                assertEquals(3, server.connectionCount());
            } finally {
                for (Socket s : admitted) {
                    s.close();
                }
            }
        }
    }
}

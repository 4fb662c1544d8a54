package io.ringwire.splice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.Keepalive;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.TransportStats;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SpliceProxy} with the servers' admission limits (per IP, accept rate) and TCP keepalive:
 * the same mechanisms ({@code Admission}, {@link Keepalive}),
 * refusals counted in the proxy and in the loops' stats as a server counts them.
 */
@Timeout(60)
class SpliceProxyLimitsTest {

    @ConformanceTest
    void perIpLimitRefusesOnlyThatAddressAndAnEndedRelayFreesItsPlace(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(2)) {
            Server echo = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), RecordingServer.echo());
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), echo.localAddress(),
                    SpliceProxy.Config.defaults().withMaxConnectionsPerIp(1))) {
                Socket first = Peers.connectFrom("127.0.0.1", proxy.localAddress());
                Peers.assertEchoes(first, new byte[] {1});
                try (Socket over = Peers.connectFrom("127.0.0.1", proxy.localAddress())) {
                    assertTrue(Peers.isClosedByPeer(over), "a second connection from 127.0.0.1 is closed");
                }
                try (Socket other = Peers.connectFrom("127.0.0.2", proxy.localAddress())) {
                    Peers.assertEchoes(other, new byte[] {2});
                }
                assertEquals(1, proxy.refusedCount());
                TransportStats stats = proxyGroup.stats();
                assertEquals(1, stats.connectionsRejected(), "counted in the loops' stats as a server's refusal");
                assertEquals(1, stats.rejectedPerIp());
                Peers.assertEchoes(first, new byte[] {3});
                first.close();
                Await.until("the ended relays to free their places", () -> proxy.activeCount() == 0);
                try (Socket again = Peers.connectFrom("127.0.0.1", proxy.localAddress())) {
                    Peers.assertEchoes(again, new byte[] {4});
                }
                assertEquals(1, proxy.refusedCount());
            }
        }
    }

    @ConformanceTest
    void acceptRateAdmitsTheBurstAndRefusesTheRest(TransportUnderTest transport) throws Exception {
        List<Socket> admitted = new ArrayList<>();
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1)) {
            Server echo = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), RecordingServer.echo());
            // One token per 1000 s: within the test only the burst is admitted, however slow the machine.
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), echo.localAddress(),
                    SpliceProxy.Config.defaults().withAcceptRate(0.001, 2))) {
                for (int i = 0; i < 2; i++) {
                    Socket s = Peers.connect(proxy.localAddress());
                    admitted.add(s);
                    Peers.assertEchoes(s, new byte[] {(byte) i});
                }
                for (int i = 0; i < 3; i++) {
                    try (Socket over = Peers.connect(proxy.localAddress())) {
                        assertTrue(Peers.isClosedByPeer(over), "connection " + (3 + i) + " is over the rate");
                    }
                }
                assertEquals(3, proxy.refusedCount());
                assertEquals(3, proxyGroup.stats().rejectedByRate());
                for (Socket s : admitted) {
                    Peers.assertEchoes(s, new byte[] {42});
                }
            } finally {
                for (Socket s : admitted) {
                    s.close();
                }
            }
        }
    }

    /**
     * Both sockets of a relay carry keepalive: the kernel arms the keepalive timer of an idle
     * established socket only if SO_KEEPALIVE is on, and /proc/net/tcp shows it (timer 2).
     */
    @ConformanceTest
    void keepaliveIsSetOnBothSocketsOfARelay(TransportUnderTest transport) throws Exception {
        assertEquals(List.of(false, false), keepaliveOnRelaySockets(transport, SpliceProxy.Config.defaults()),
                "without the option neither socket has a keepalive timer");
        assertEquals(List.of(true, true), keepaliveOnRelaySockets(transport,
                SpliceProxy.Config.defaults().withKeepalive(Keepalive.DEFAULT)), "[client side, backend side]");
    }

    private static List<Boolean> keepaliveOnRelaySockets(TransportUnderTest transport, SpliceProxy.Config config) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup backendGroup = transport.newGroup(1);
             EventLoopGroup proxyGroup = transport.newGroup(1)) {
            Server server = backendGroup.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (SpliceProxy proxy = SpliceProxy.start(proxyGroup, Loopback.v4AnyPort(), server.localAddress(), config);
                 Socket s = Peers.connect(proxy.localAddress())) {
                Peers.assertEchoes(s, new byte[] {7});
                RecordingHandler h = recorded.next();
                int proxyPort = proxy.localAddress().getPort();
                int clientPort = s.getLocalPort();
                int backendPort = server.localAddress().getPort();
                int proxyOutPort = h.connection().remoteAddress().getPort();
                return List.of(keepaliveTimer(proxyPort, clientPort), keepaliveTimer(proxyOutPort, backendPort));
            }
        }
    }

    /**
     * Whether the socket local:{@code localPort} remote:{@code remotePort} has its keepalive timer
     * armed. Until the peer's ACK of the echo is processed, the socket shows its retransmit timer
     * (1) instead, so this waits for nothing to be unacknowledged (tx_queue 0) first.
     */
    private static boolean keepaliveTimer(int localPort, int remotePort) {
        String[][] entry = new String[1][];
        Await.until("the echo on :" + localPort + " to be acknowledged", () -> {
            entry[0] = tcpEntry(localPort, remotePort);
            return entry[0][4].startsWith("00000000:");
        });
        return entry[0][5].startsWith("02:");
    }

    /** The fields of the /proc/net/tcp line: sl local_address rem_address st tx_queue:rx_queue tr:tm->when ... */
    private static String[] tcpEntry(int localPort, int remotePort) {
        String local = String.format(":%04X", localPort);
        String remote = String.format(":%04X", remotePort);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 5 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                    return f;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no socket " + local + " -> " + remote + " in /proc/net/tcp");
    }
}

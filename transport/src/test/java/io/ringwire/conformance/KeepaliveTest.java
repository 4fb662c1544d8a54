package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringwire.Connection;
import io.ringwire.ConnectionConfig;
import io.ringwire.EventLoopGroup;
import io.ringwire.Keepalive;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.SocketOption;
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

/** ConnectionConfig.keepalive sets the five liveness options on accepted and client sockets, as getsockopt reads them back. */
@Timeout(30)
class KeepaliveTest {

    private static void assertKeepalive(Connection c, Keepalive k) {
        assertEquals(true, c.getOption(SocketOption.SO_KEEPALIVE));
        assertEquals((int) k.idle().getSeconds(), c.getOption(SocketOption.TCP_KEEPIDLE));
        assertEquals((int) k.interval().getSeconds(), c.getOption(SocketOption.TCP_KEEPINTVL));
        assertEquals(k.probes(), c.getOption(SocketOption.TCP_KEEPCNT));
        assertEquals((int) k.userTimeout().toMillis(), c.getOption(SocketOption.TCP_USER_TIMEOUT));
    }

    @ConformanceTest
    void acceptedConnectionsGetTheDefaultPreset(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        ServerConfig config = ServerConfig.builder()
                .connectionConfig(ConnectionConfig.builder().keepalive(Keepalive.DEFAULT).build()).build();
        try (EventLoopGroup group = transport.newGroup(1);
             Server server = group.listen(Loopback.v4AnyPort(), config, recorded);
             Socket s = Peers.connect(server.localAddress())) {
            Connection c = recorded.next().connection();
            assertKeepalive(c, Keepalive.DEFAULT);
            assertEquals(60, c.getOption(SocketOption.TCP_KEEPIDLE));
            assertEquals(120_000, c.getOption(SocketOption.TCP_USER_TIMEOUT), "the user timeout matches the probing total");
            assertEquals(true, c.getOption(SocketOption.TCP_NODELAY), "the preset keeps the other defaults");
            Peers.assertEchoes(s, new byte[] {1, 2});
        }
    }

    @ConformanceTest
    void clientConnectionsGetACustomPreset(TransportUnderTest transport) throws Exception {
        Keepalive custom = new Keepalive(Duration.ofSeconds(5), Duration.ofSeconds(2), 3, Duration.ofMillis(7_500));
        try (EventLoopGroup group = transport.newGroup(1); EventLoopGroup clients = transport.newClientGroup(1);
             Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE)) {
            RecordingHandler h = new RecordingHandler();
            Connection c = Await.get(clients.connect(server.localAddress(), h,
                    ConnectionConfig.builder().keepalive(custom).build(), Duration.ofSeconds(5)), "connect");
            assertKeepalive(c, custom);
            c.close();
            Await.get(h.closed, "close");
        }
    }
}

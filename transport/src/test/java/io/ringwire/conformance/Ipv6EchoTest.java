package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringwire.Connection;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TestData;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Random;
import org.junit.jupiter.api.Timeout;

/** Echo over ::1, with addresses reported as IPv6. */
@Timeout(30)
class Ipv6EchoTest {

    @ConformanceTest
    void echoOverIpv6Loopback(TransportUnderTest transport) throws Exception {
        assumeTrue(Loopback.hasIpv6(), "::1 is not available on this machine");
        byte[] payload = TestData.random(new Random(6), 300_000);
        InetAddress v6Loopback = InetAddress.getByName("::1");
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1); EventLoopGroup clients = transport.newClientGroup(1)) {
            Server server = group.listen(Loopback.v6AnyPort(), ServerConfig.defaults(), recorded);
            assertEquals(v6Loopback, server.localAddress().getAddress());

            try (Socket s = Peers.connect(server.localAddress())) {
                Peers.assertEchoes(s, payload);
                Connection serverSide = recorded.next().connection();
                assertInstanceOf(Inet6Address.class, serverSide.remoteAddress().getAddress());
                assertEquals(s.getLocalPort(), serverSide.remoteAddress().getPort());
                assertEquals(server.localAddress(), serverSide.localAddress());
            }

            RecordingHandler client = new RecordingHandler();
            Connection c = Await.get(clients.connect(server.localAddress(), client), "connect over ::1");
            assertEquals(v6Loopback, c.localAddress().getAddress());
            c.write(payload, 0, payload.length);
            c.shutdownOutput();
            Await.get(client.closed, "the echo to finish");
            assertArrayEquals(payload, client.received());
        }
    }
}

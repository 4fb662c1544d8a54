package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/** A peer that resets its connection takes down that connection only. */
@Timeout(30)
class PeerResetTest {

    @ConformanceTest
    @SuppressWarnings("try") // resets one client on purpose, inside its try-with-resources
    void resetClosesOnlyThatConnection(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket a = Peers.connect(server.localAddress());
                 Socket victim = Peers.connect(server.localAddress());
                 Socket b = Peers.connect(server.localAddress())) {
                RecordingHandler ha = recorded.next();
                RecordingHandler hv = recorded.next();
                RecordingHandler hb = recorded.next();
                Peers.assertEchoes(a, "a".getBytes(StandardCharsets.US_ASCII));
                Peers.assertEchoes(victim, "victim".getBytes(StandardCharsets.US_ASCII));
                Peers.assertEchoes(b, "b".getBytes(StandardCharsets.US_ASCII));

                // SO_LINGER 0 makes close send RST instead of FIN.
                victim.setSoLinger(true, 0);
                victim.close();

                Await.get(hv.closed, "the reset connection to close on the server");
                for (Throwable e : hv.errors) {
                    SocketException se = assertInstanceOf(SocketException.class, e, "a reset is a SocketException");
                    assertTrue(se.getMessage().contains("ECONNRESET"), se.getMessage());
                }
                assertTrue(hv.errors.size() <= 1, "at most one onError: " + hv.errors);

                Peers.assertEchoes(a, "still here".getBytes(StandardCharsets.US_ASCII));
                Peers.assertEchoes(b, "me too".getBytes(StandardCharsets.US_ASCII));
                assertTrue(ha.connection().isOpen() && hb.connection().isOpen());
                assertTrue(ha.errors.isEmpty() && hb.errors.isEmpty());
                // The server's count drops after the reset connection's onClose, not before.
                Await.until("the server to hold the two survivors", () -> server.connectionCount() == 2);
            }
        }
    }

    /** Keeps its side open after the peer's FIN and writes nothing: no read or write can see a reset. */
    private static final class QuietAfterFin implements ConnectionHandler {
        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
        }

        @Override
        public void onInputShutdown(Connection c) {
        }
    }

    @ConformanceTest
    void aResetAfterThePeersFinClosesAConnectionThatWritesNothing(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = new RecordingServer(QuietAfterFin::new, true);
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            Socket client = Peers.connect(server.localAddress());
            RecordingHandler h = recorded.next();
            client.getOutputStream().write('x');
            client.shutdownOutput();
            Await.get(h.inputShutdown, "the server to see the FIN");
            assertTrue(h.connection().isOpen(), "half-closed, the server's side stays open");
            client.setSoLinger(true, 0);
            client.close();
            Await.get(h.closed, "the reset to close the half-closed connection");
            assertEquals(1, h.errors.size(), "one onError: " + h.errors);
            assertInstanceOf(SocketException.class, h.errors.get(0), "a reset is a SocketException");
            Await.until("the server to let go of it", () -> server.connectionCount() == 0);
        }
    }
}

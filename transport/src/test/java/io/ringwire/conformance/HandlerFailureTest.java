package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.EchoHandler;
import io.ringwire.testutil.LogCapture;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/** A handler that throws closes its own connection only; the loop and its other connections go on. */
@Timeout(30)
class HandlerFailureTest {

    /** Echoes, but throws on a '!' byte. */
    static final class ThrowsOnBang implements ConnectionHandler {
        static final RuntimeException BOOM = new IllegalStateException("boom");

        @Override
        public void onData(Connection connection, DirectBuffer data, int offset, int length) {
            for (int i = 0; i < length; i++) {
                if (data.getByte(offset + i) == '!') {
                    throw BOOM;
                }
            }
            EchoHandler.INSTANCE.onData(connection, data, offset, length);
        }
    }

    @ConformanceTest
    void throwingInOnDataClosesOnlyThatConnection(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = new RecordingServer(ThrowsOnBang::new, false);
        // One loop, so the failing connection and the survivors share it.
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket a = Peers.connect(server.localAddress());
                 Socket failing = Peers.connect(server.localAddress());
                 Socket b = Peers.connect(server.localAddress())) {
                RecordingHandler ha = recorded.next();
                RecordingHandler hf = recorded.next();
                RecordingHandler hb = recorded.next();
                Peers.assertEchoes(failing, "fine so far".getBytes(StandardCharsets.US_ASCII));

                failing.getOutputStream().write('!');
                Await.get(hf.closed, "the failing connection to close");
                assertEquals(1, hf.errors.size(), "onError once: " + hf.errors);
                assertSame(ThrowsOnBang.BOOM, hf.errors.get(0), "onError gets the handler's own exception");
                assertNull(hf.eventAfterClose);
                assertTrue(Peers.isClosedByPeer(failing), "the client sees the connection end");

                Peers.assertEchoes(a, "a".getBytes(StandardCharsets.US_ASCII));
                Peers.assertEchoes(b, "b".getBytes(StandardCharsets.US_ASCII));
                assertTrue(ha.errors.isEmpty() && hb.errors.isEmpty());
                // The server's count drops after the failed connection's onClose, not before.
                Await.until("the server to hold the two survivors", () -> server.connectionCount() == 2);
                Await.until("stats to count the handler error", () -> group.stats().handlerErrors() == 1);
                assertTrue(LogCapture.messages(Level.WARNING).stream().anyMatch(m -> m.contains("threw")),
                        "the failure is logged");
            }
        }
    }

    /** A client handler whose onOpen throws: the connect future fails with that exception, and nothing leaks. */
    @ConformanceTest
    void throwingInOnOpenFailsTheConnectAndReleasesTheConnection(TransportUnderTest transport) throws Exception {
        RuntimeException boom = new IllegalStateException("onOpen boom");
        RecordingHandler client = new RecordingHandler(new ConnectionHandler() {
            @Override
            public void onOpen(Connection connection) {
                throw boom;
            }

            @Override
            public void onData(Connection connection, DirectBuffer data, int offset, int length) {
            }
        }, false);
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1); EventLoopGroup clients = transport.newClientGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            Throwable cause = Await.failure(clients.connect(server.localAddress(), client), "a connect whose onOpen throws");
            assertSame(boom, cause);
            // onOpen was delivered, so the connection's life ends as the handler contract says: onError, then onClose.
            Await.get(client.closed, "onClose after the failed onOpen");
            assertEquals(1, client.errors.size(), "errors: " + client.errors);
            assertSame(boom, client.errors.get(0));
            Await.until("the client group to count the connection closed",
                    () -> clients.stats().connectionsActive() == 0);
            assertEquals(1, clients.stats().handlerErrors());
            Await.get(recorded.next().closed, "the server side to see the close");
        }
    }
}

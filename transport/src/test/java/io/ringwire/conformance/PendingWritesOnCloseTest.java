package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.SocketOption;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TestData;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/**
 * What happens to queued bytes when a connection ends: close() drops them and counts them,
 * shutdownOutput() sends every one of them before the FIN.
 */
@Timeout(60)
class PendingWritesOnCloseTest {
    private static final int TOTAL = 4 * 1024 * 1024;
    private static final int SOCKET_BUFFER = 32 * 1024;

    /** Writes {@link #TOTAL} stream bytes at once on open, then optionally half-closes. */
    static ConnectionHandler writesAllOnOpen(boolean thenShutdownOutput) {
        return new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                TestData.writeStream(c, TOTAL);
                if (thenShutdownOutput) {
                    c.shutdownOutput();
                }
            }

            @Override
            public void onData(Connection connection, DirectBuffer data, int offset, int length) {
            }
        };
    }

    private static ServerConfig smallSendBuffer() {
        return ServerConfig.builder().connectionConfig(ConnectionConfig.builder()
                .option(SocketOption.SO_SNDBUF, SOCKET_BUFFER).build()).build();
    }

    @ConformanceTest
    void closeDropsQueuedBytesAndCountsThem(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = new RecordingServer(() -> writesAllOnOpen(false), false);
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), smallSendBuffer(), recorded);
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                RecordingHandler h = recorded.next();
                Connection c = h.connection();
                // The client reads nothing yet, so most of the 4 MiB must still be queued.
                Await.until("bytes to be queued", () -> c.pendingOutboundBytes() > 0);
                c.close();
                Await.get(h.closed, "the connection to close");
                assertFalse(c.isOpen());
                long dropped = c.droppedBytes();
                assertTrue(dropped > 0 && dropped <= TOTAL, "dropped " + dropped);
                assertEquals(0, c.pendingOutboundBytes(), "nothing stays pending after close");
                // What reached the kernel before the close is still delivered, and nothing else.
                long received = Peers.readStreamToEof(s);
                assertEquals(TOTAL, received + dropped,
                        "received " + received + " + dropped " + dropped + " must account for every byte written");
                assertTrue(h.errors.isEmpty(), "a requested close is not an error: " + h.errors);
            }
        }
    }

    @ConformanceTest
    void shutdownOutputDeliversEveryQueuedByteThenFin(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = new RecordingServer(() -> writesAllOnOpen(true), false);
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), smallSendBuffer(), recorded);
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                RecordingHandler h = recorded.next();
                Connection c = h.connection();
                Await.until("bytes to be queued", () -> c.pendingOutboundBytes() > 0);
                assertTrue(c.isOpen(), "shutdownOutput does not close");
                assertEquals(TOTAL, Peers.readStreamToEof(s), "every queued byte arrives before the FIN");
                assertEquals(0, c.droppedBytes());
                s.shutdownOutput();
                Await.get(h.closed, "the server connection to close once both sides are shut");
                assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
            }
        }
    }
}

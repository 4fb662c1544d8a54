package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.ringwire.testutil.TestData;
import io.ringwire.testutil.TransportUnderTest;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/**
 * Half-close in both directions: the FIN of one side must neither lose the bytes that preceded it
 * nor stop traffic in the other direction.
 */
@Timeout(60)
class HalfCloseTest {
    private static final int PAYLOAD = 3 * 1024 * 1024 + 17;

    /** (a) The client half-closes: the echo server sends everything still pending, then its FIN. */
    @ConformanceTest
    void clientShutdownOutputGetsEveryEchoedByteThenEof(TransportUnderTest transport) throws Exception {
        byte[] payload = TestData.random(new Random(1), PAYLOAD);
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket s = Peers.connect(server.localAddress())) {
                // Written on another thread: the echo comes back while we still write.
                Future<?> writer = threads.submit(() -> {
                    s.getOutputStream().write(payload);
                    s.shutdownOutput();
                    return null;
                });
                byte[] echoed = Peers.readToEof(s);
                writer.get();
                assertArrayEquals(payload, echoed, TestData.describeMismatch(payload, echoed));
            }
            RecordingHandler h = recorded.next();
            Await.get(h.closed, "the server connection to close after both FINs");
            assertTrue(h.inputShutdown.isDone(), "onInputShutdown before onClose");
            assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
            assertEquals(PAYLOAD, h.receivedBytes.get());
        }
    }

    /** (a) with ringwire on both sides: the client half-closes from a test thread. */
    @ConformanceTest
    void ringwireClientShutdownOutputGetsEveryEchoedByteThenEof(TransportUnderTest transport) throws Exception {
        byte[] payload = TestData.random(new Random(2), PAYLOAD);
        try (EventLoopGroup group = transport.newGroup(1); EventLoopGroup clients = transport.newClientGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), RecordingServer.echo());
            RecordingHandler client = new RecordingHandler();
            Connection c = Await.get(clients.connect(server.localAddress(), client), "connect");
            c.write(payload, 0, payload.length);
            c.shutdownOutput();
            Await.get(client.inputShutdown, "the server's FIN");
            Await.get(client.closed, "the client to close once both sides are shut");
            byte[] echoed = client.received();
            assertArrayEquals(payload, echoed, TestData.describeMismatch(payload, echoed));
            assertTrue(client.errors.isEmpty(), "errors: " + client.errors);
            Await.until("the server to release the connection", () -> server.connectionCount() == 0);
        }
    }

    /**
     * (b) The server half-closes at once while the client is still sending: the client sees EOF,
     * and the server still receives every byte the client sends afterwards.
     */
    @ConformanceTest
    void serverShutdownOutputStillReceives(TransportUnderTest transport) throws Exception {
        byte[] payload = TestData.random(new Random(3), PAYLOAD);
        ConnectionHandler shutsAtOnce = new ConnectionHandler() {
            @Override
            public void onOpen(Connection connection) {
                connection.shutdownOutput();
            }

            @Override
            public void onData(Connection connection, DirectBuffer data, int offset, int length) {
                // The recorder keeps the bytes.
            }
        };
        RecordingServer recorded = new RecordingServer(() -> shutsAtOnce, true);
        try (EventLoopGroup group = transport.newGroup(1);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket s = Peers.connect(server.localAddress())) {
                Future<?> writer = threads.submit(() -> {
                    s.getOutputStream().write(payload);
                    return null;
                });
                assertEquals(-1, s.getInputStream().read(), "the client sees the server's FIN");
                writer.get();
                RecordingHandler h = recorded.next();
                Await.until("the server to receive every byte", () -> h.receivedBytes.get() == PAYLOAD);
                assertTrue(h.connection().isOpen(), "still open: only the server's output is shut");
                s.shutdownOutput();
                Await.get(h.closed, "the server connection to close once both sides are shut");
                byte[] got = h.received();
                assertArrayEquals(payload, got, TestData.describeMismatch(payload, got));
                assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
            }
        }
    }
}

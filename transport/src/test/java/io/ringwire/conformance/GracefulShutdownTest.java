package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/** Server.shutdown: stop accepting, close idle connections, drain busy ones, force what is left at the deadline. */
@Timeout(60)
class GracefulShutdownTest {
    static final int SOCKET_BUFFER = 32 * 1024;
    private static final int BULK = 2 * 1024 * 1024;

    /**
     * True if a connect to {@code address} is refused. A connect that races the listener's close
     * may be reset instead (the kernel had queued it); that counts as "not yet", and callers ask again.
     */
    static boolean refuses(InetSocketAddress address) throws Exception {
        try {
            Peers.connect(address).close();
            return false;
        } catch (ConnectException expected) {
            return true;
        } catch (java.net.SocketException racedTheClose) {
            return false;
        }
    }

    /** Writes {@link #BULK} stream bytes on open. */
    static ConnectionHandler bulkWriter() {
        return new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                TestData.writeStream(c, BULK);
            }

            @Override
            public void onData(Connection connection, DirectBuffer data, int offset, int length) {
            }
        };
    }

    static ServerConfig smallSendBuffer() {
        return ServerConfig.builder().connectionConfig(ConnectionConfig.builder()
                .option(SocketOption.SO_SNDBUF, SOCKET_BUFFER).build()).build();
    }

    @ConformanceTest
    void idleConnectionsCloseAndNewConnectsAreRefused(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(2); EventLoopGroup clients = transport.newClientGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = Peers.connect(server.localAddress());
                    sockets.add(s);
                    Peers.assertEchoes(s, ("hello " + i).getBytes(StandardCharsets.US_ASCII));
                }
                assertTrue(server.shutdown(Duration.ofSeconds(10)), "idle connections close without being forced");
                assertEquals(0, server.connectionCount());
                for (RecordingHandler h : recorded.all()) {
                    assertTrue(h.closed.isDone(), "every connection got onClose before shutdown returned");
                    assertTrue(h.errors.isEmpty(), "errors: " + h.errors);
                }
                for (Socket s : sockets) {
                    assertTrue(Peers.isClosedByPeer(s));
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            assertTrue(refuses(server.localAddress()), "a plain connect after shutdown is refused");
            Throwable cause = Await.failure(clients.connect(server.localAddress(), new RecordingHandler()),
                    "a ringwire connect after shutdown");
            assertInstanceOf(ConnectException.class, cause);
        }
    }

    /**
     * A line protocol: each request is one line, answered with "ok: LINE". A partial line is a
     * request in progress, so the handler is not idle until its newline arrives and is answered.
     */
    static ConnectionHandler lineServer() {
        return new ConnectionHandler() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
                for (int i = 0; i < length; i++) {
                    char ch = (char) data.getByte(offset + i);
                    if (ch == '\n') {
                        byte[] reply = ("ok: " + line + "\n").getBytes(StandardCharsets.US_ASCII);
                        c.write(reply, 0, reply.length);
                        line.setLength(0);
                    } else {
                        line.append(ch);
                    }
                }
                c.flush();
            }

            @Override
            public boolean isIdle(Connection connection) {
                return line.isEmpty();
            }
        };
    }

    /**
     * A request in progress when shutdown starts is completed and answered; an idle keep-alive
     * connection beside it is closed at once; new connections are refused; no descriptor leaks.
     */
    @ConformanceTest
    void requestInProgressCompletesWhileIdleConnectionsClose(TransportUnderTest transport) throws Exception {
        java.util.Map<Integer, String> fdsBefore = io.ringwire.testutil.Fds.snapshot();
        RecordingServer recorded = new RecordingServer(GracefulShutdownTest::lineServer, false);
        try (EventLoopGroup group = transport.newGroup(1);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket busy = Peers.connect(server.localAddress()); Socket idle = Peers.connect(server.localAddress())) {
                RecordingHandler hBusy = recorded.next();
                RecordingHandler hIdle = recorded.next();
                idle.getOutputStream().write("first\n".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("ok: first\n".getBytes(StandardCharsets.US_ASCII), Peers.readExactly(idle, 10));
                busy.getOutputStream().write("half a re".getBytes(StandardCharsets.US_ASCII));
                Await.until("the partial request to arrive", () -> hBusy.receivedBytes.get() == 9);

                Future<Boolean> shutdown = threads.submit(() -> server.shutdown(Duration.ofSeconds(20)));
                Await.get(hIdle.closed, "the idle keep-alive connection to close");
                assertTrue(Peers.isClosedByPeer(idle));
                Await.until("new connections to be refused", () -> {
                    try {
                        return refuses(server.localAddress());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertFalse(hBusy.closed.isDone(), "the request in progress is not cut off");
                assertFalse(shutdown.isDone());

                busy.getOutputStream().write("quest\n".getBytes(StandardCharsets.US_ASCII));
                byte[] expected = "ok: half a request\n".getBytes(StandardCharsets.US_ASCII);
                assertArrayEquals(expected, Peers.readExactly(busy, expected.length), "the in-flight request is answered");
                assertTrue(Peers.isClosedByPeer(busy), "and then the connection closes");
                assertTrue(Await.get(shutdown, "shutdown to return"), "nothing had to be forced");
                assertTrue(hBusy.errors.isEmpty(), "errors: " + hBusy.errors);
            }
        }
        io.ringwire.testutil.Fds.awaitSame("after the shutdown and the group's close", fdsBefore);
    }

    @ConformanceTest
    void busyConnectionDrainsBeforeItCloses(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = new RecordingServer(GracefulShutdownTest::bulkWriter, false);
        try (EventLoopGroup group = transport.newGroup(1);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = group.listen(Loopback.v4AnyPort(), smallSendBuffer(), recorded);
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                RecordingHandler h = recorded.next();
                Await.until("bytes to be queued", () -> h.connection().pendingOutboundBytes() > 0);
                Future<Boolean> shutdown = threads.submit(() -> server.shutdown(Duration.ofSeconds(20)));
                Await.until("the listener to close", () -> {
                    try {
                        return refuses(server.localAddress());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertFalse(shutdown.isDone(), "shutdown waits for the queued bytes");
                long received = 0;
                byte[] buf = new byte[64 * 1024];
                for (int r; (r = s.getInputStream().read(buf)) > 0; ) {
                    assertEquals(-1, TestData.firstStreamMismatch(buf, r, received));
                    received += r;
                }
                assertEquals(BULK, received, "every queued byte is delivered before the close");
                assertTrue(Await.get(shutdown, "shutdown to return"), "drained in time, nothing forced");
                assertEquals(0, h.connection().droppedBytes());
            }
        }
    }

    /**
     * Bytes written but never flushed still count as queued output: shutdown sends them, then
     * closes. The unflushed reply answers a second message, after a first round trip has used up
     * the socket's initial writable event, so no event will flush it by chance.
     */
    @ConformanceTest
    void unflushedBytesAreSentBeforeTheClose(TransportUnderTest transport) throws Exception {
        byte[] reply = "written, never flushed".getBytes(StandardCharsets.US_ASCII);
        ConnectionHandler secondReplyUnflushed = new ConnectionHandler() {
            private int messages;

            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
                c.write(reply, 0, reply.length);
                if (++messages == 1) {
                    c.flush();
                }
            }
        };
        RecordingServer recorded = new RecordingServer(() -> secondReplyUnflushed, false);
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket s = Peers.connect(server.localAddress())) {
                RecordingHandler h = recorded.next();
                s.getOutputStream().write('1');
                assertArrayEquals(reply, Peers.readExactly(s, reply.length), "the flushed first reply");
                s.getOutputStream().write('2');
                // Both conditions: right after the first reply's send, pendingOutboundBytes still
                // reads that reply's length until the loop's bookkeeping catches up, and a shutdown
                // started then would close with '2' unread, which TCP answers with a reset.
                Await.until("the second message to be read and its reply queued",
                        () -> h.receivedBytes.get() == 2 && h.connection().pendingOutboundBytes() == reply.length);
                assertTrue(server.shutdown(Duration.ofSeconds(10)), "the queued bytes drained without being forced");
                assertArrayEquals(reply, Peers.readToEof(s), "the unflushed reply, then EOF");
                assertEquals(0, h.connection().droppedBytes());
            }
        }
    }

    @ConformanceTest
    void connectionThatCannotDrainIsForcedAtTheDeadline(TransportUnderTest transport) throws Exception {
        java.util.Map<Integer, String> fdsBefore = io.ringwire.testutil.Fds.snapshot();
        RecordingServer recorded = new RecordingServer(GracefulShutdownTest::bulkWriter, false);
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), smallSendBuffer(), recorded);
            try (Socket s = Peers.connect(server.localAddress(), SOCKET_BUFFER)) {
                RecordingHandler h = recorded.next();
                Await.until("bytes to be queued", () -> h.connection().pendingOutboundBytes() > 0);
                // Nobody reads, so the queue cannot drain within the deadline.
                assertFalse(server.shutdown(Duration.ofMillis(200)), "the stuck connection had to be forced");
                Await.get(h.closed, "the forced connection to close");
                long dropped = h.connection().droppedBytes();
                assertTrue(dropped > 0, "the forced close dropped the queued bytes");
                Await.until("the server to release the forced connection", () -> server.connectionCount() == 0);
                // What the kernel already had still arrives, then EOF: together with the dropped bytes, all of it.
                long received = 0;
                byte[] buf = new byte[64 * 1024];
                for (int r; (r = s.getInputStream().read(buf)) > 0; ) {
                    assertEquals(-1, TestData.firstStreamMismatch(buf, r, received));
                    received += r;
                }
                assertEquals(BULK, received + dropped, "received " + received + " + dropped " + dropped);
            }
        }
        io.ringwire.testutil.Fds.awaitSame("after a forced drain and the group's close", fdsBefore);
    }

    /** Shutting down one server leaves another server of the same group alone. */
    @ConformanceTest
    void shutdownTouchesOnlyItsOwnServer(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server first = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), RecordingServer.echo());
            Server second = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), RecordingServer.echo());
            try (Socket a = Peers.connect(first.localAddress()); Socket b = Peers.connect(second.localAddress())) {
                Peers.assertEchoes(a, new byte[] {1});
                Peers.assertEchoes(b, new byte[] {2});
                assertTrue(first.shutdown(Duration.ofSeconds(10)));
                assertTrue(Peers.isClosedByPeer(a));
                Peers.assertEchoes(b, new byte[] {3});
                assertEquals(1, second.connectionCount());
                CompletableFuture<Boolean> again = CompletableFuture.supplyAsync(() -> first.shutdown(Duration.ofSeconds(1)));
                assertTrue(Await.get(again, "a second shutdown"), "shutdown is idempotent");
            }
            assertThrows(ConnectException.class, () -> Peers.connect(first.localAddress()).close());
        }
    }
}

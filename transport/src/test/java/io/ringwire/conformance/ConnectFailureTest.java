package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Fds;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/** A connect that fails reports a JDK exception type with errno, operation and address, and leaks nothing. */
@Timeout(30)
class ConnectFailureTest {

    @ConformanceTest
    void refusedIsAConnectExceptionNamingErrnoAndAddress(TransportUnderTest transport) throws Exception {
        InetSocketAddress nobody = Loopback.closedPort("127.0.0.1");
        try (EventLoopGroup group = transport.newGroup(1)) {
            Map<Integer, String> before = Fds.snapshot();
            RecordingHandler h = new RecordingHandler();
            Throwable cause = Await.failure(group.connect(nobody, h), "a connect to a closed port");
            ConnectException ce = assertInstanceOf(ConnectException.class, cause);
            assertEquals("connect 127.0.0.1:" + nobody.getPort() + ": ECONNREFUSED (Connection refused)", ce.getMessage());
            Errors.HasErrno e = assertInstanceOf(Errors.HasErrno.class, cause);
            assertEquals(Errno.ECONNREFUSED, e.errno());
            assertEquals("connect", e.operation());
            assertTrue(!h.opened.isDone() && !h.closed.isDone() && h.errors.isEmpty(),
                    "a connection that never opened gets no handler calls");
            Fds.awaitSame("after the refused connect", before);
            assertEquals(0, group.stats().connectionsActive());
        }
    }

    @ConformanceTest
    void refusedOverIpv6NamesTheBracketedAddress(TransportUnderTest transport) throws Exception {
        assumeTrue(Loopback.hasIpv6(), "::1 is not available");
        InetSocketAddress nobody = Loopback.closedPort("::1");
        try (EventLoopGroup group = transport.newGroup(1)) {
            Throwable cause = Await.failure(group.connect(nobody, new RecordingHandler()), "a connect to a closed port");
            assertInstanceOf(ConnectException.class, cause);
            assertEquals("connect [::1]:" + nobody.getPort() + ": ECONNREFUSED (Connection refused)",
                    cause.getMessage());
        }
    }

    /**
     * A listener whose accept queue is full: Linux then drops new SYNs, so a connect neither
     * succeeds nor fails until ringwire's own timer fires. All on 127.0.0.1.
     */
    @ConformanceTest
    void unansweredConnectTimesOut(TransportUnderTest transport) throws Exception {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket neverAccepts = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             EventLoopGroup group = transport.newGroup(1)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", neverAccepts.getLocalPort());
            // Backlog 1 holds two established connections on Linux; a third SYN is dropped. Should
            // a kernel hold fewer, the filler that finds the queue full times out: it is full then.
            for (int i = 0; i < 2; i++) {
                Socket filler = new Socket();
                fillers.add(filler);
                try {
                    filler.connect(address, 2000);
                } catch (SocketTimeoutException queueAlreadyFull) {
                    break;
                }
            }
            Map<Integer, String> before = Fds.snapshot();
            RecordingHandler h = new RecordingHandler();
            CompletableFuture<?> f = group.connect(address, h, ConnectionConfig.defaults(), Duration.ofMillis(200));
            Throwable cause = Await.failure(f, "a connect to a listener with a full accept queue");
            SocketTimeoutException te = assertInstanceOf(SocketTimeoutException.class, cause);
            assertTrue(te.getMessage().contains("timed out"), te.getMessage());
            assertTrue(te.getMessage().contains("127.0.0.1:" + address.getPort()), te.getMessage());
            assertEquals(Errno.ETIMEDOUT, assertInstanceOf(Errors.HasErrno.class, cause).errno());
            assertTrue(!h.opened.isDone() && !h.closed.isDone() && h.errors.isEmpty());
            Fds.awaitSame("after the timed-out connect", before);
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }

    /**
     * A client whose onOpen writes, flushes and closes: the connect future fails, as for any
     * connection closed before the connect completed. On io_uring the flush leaves a send in
     * flight, so the descriptor is released only after onOpen has returned: the future must not
     * be forgotten in between.
     */
    @ConformanceTest
    void closingInOnOpenWithASendInFlightFailsTheConnect(TransportUnderTest transport) throws Exception {
        RecordingHandler client = new RecordingHandler(new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                c.write(new byte[] {'h', 'i'}, 0, 2);
                c.flush();
                c.close();
            }

            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
            }
        }, false);
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1); EventLoopGroup clients = transport.newClientGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            Throwable cause = Await.failure(clients.connect(server.localAddress(), client), "a connect whose onOpen closes");
            assertInstanceOf(ClosedChannelException.class, cause);
            assertTrue(cause.getMessage().contains("closed before it completed"), cause.getMessage());
            Await.get(client.closed, "onClose after onOpen closed the connection");
            assertTrue(client.errors.isEmpty(), "a requested close is no error: " + client.errors);
            Await.until("the client group to count the connection closed",
                    () -> clients.stats().connectionsActive() == 0);
        }
    }
}

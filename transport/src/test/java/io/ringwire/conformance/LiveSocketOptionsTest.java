package io.ringwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.RecordingHandler;
import io.ringwire.testutil.RecordingServer;
import io.ringwire.testutil.TransportUnderTest;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;

/** Socket options set on a live connection read back as set; bad values are refused with a clear error. */
@Timeout(30)
class LiveSocketOptionsTest {

    /** Sets the option on the connection's loop, where setOption acts at once and throws its errors. */
    private static <T> void setOnLoop(Connection c, SocketOption<T> option, T value) {
        Await.get(CompletableFuture.runAsync(() -> c.setOption(option, value), c.eventLoop()), "setOption " + option);
    }

    @ConformanceTest
    void optionsReadBackAsSet(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket s = Peers.connect(server.localAddress())) {
                Connection c = recorded.next().connection();
                assertTrue(c.getOption(SocketOption.TCP_NODELAY), "TCP_NODELAY is on by default");

                setOnLoop(c, SocketOption.TCP_NODELAY, false);
                assertEquals(false, c.getOption(SocketOption.TCP_NODELAY));
                setOnLoop(c, SocketOption.TCP_NODELAY, true);
                assertEquals(true, c.getOption(SocketOption.TCP_NODELAY));

                setOnLoop(c, SocketOption.SO_KEEPALIVE, true);
                assertEquals(true, c.getOption(SocketOption.SO_KEEPALIVE));

                setOnLoop(c, SocketOption.TCP_KEEPIDLE, 42);
                assertEquals(42, c.getOption(SocketOption.TCP_KEEPIDLE));

                setOnLoop(c, SocketOption.SO_RCVBUF, 96 * 1024);
                int rcvbuf = c.getOption(SocketOption.SO_RCVBUF);
                assertTrue(rcvbuf >= 96 * 1024, "the kernel doubles SO_RCVBUF; read back " + rcvbuf);

                setOnLoop(c, SocketOption.SO_LINGER, 7);
                assertEquals(7, c.getOption(SocketOption.SO_LINGER));
                setOnLoop(c, SocketOption.SO_LINGER, -1);
                assertEquals(-1, c.getOption(SocketOption.SO_LINGER), "-1 turns lingering off");

                setOnLoop(c, SocketOption.TCP_USER_TIMEOUT, 12_345);
                assertEquals(12_345, c.getOption(SocketOption.TCP_USER_TIMEOUT));

                Peers.assertEchoes(s, new byte[] {1, 2, 3});
            }
        }
    }

    /** From a thread other than the loop, setOption is handed to the loop: it takes effect shortly after. */
    @ConformanceTest
    void optionSetFromAnotherThreadTakesEffect(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket s = Peers.connect(server.localAddress())) {
                Connection c = recorded.next().connection();
                c.setOption(SocketOption.TCP_KEEPINTVL, 17);
                Await.until("TCP_KEEPINTVL to read back 17", () -> c.getOption(SocketOption.TCP_KEEPINTVL) == 17);
                Peers.assertEchoes(s, new byte[] {17});
            }
        }
    }

    @ConformanceTest
    void invalidValuesAreRefused(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket s = Peers.connect(server.localAddress())) {
                RecordingHandler h = recorded.next();
                Connection c = h.connection();
                // Negative values never reach the kernel: refused at once, on any thread.
                assertThrows(IllegalArgumentException.class, () -> c.setOption(SocketOption.TCP_KEEPIDLE, -1));
                assertThrows(IllegalArgumentException.class, () -> c.setOption(SocketOption.SO_RCVBUF, -5));
                assertThrows(IllegalArgumentException.class, () -> c.setOption(SocketOption.TCP_USER_TIMEOUT, -1));

                // A value the kernel refuses (keepalive idle must be at least one second): on the
                // loop it throws, naming the option and errno.
                CompletableFuture<Void> onLoop = CompletableFuture.runAsync(
                        () -> c.setOption(SocketOption.TCP_KEEPIDLE, 0), c.eventLoop());
                Throwable t = Await.failure(onLoop, "setting TCP_KEEPIDLE 0 on the loop");
                UncheckedIOException u = assertInstanceOf(UncheckedIOException.class, t);
                assertEquals(Errno.EINVAL, assertInstanceOf(Errors.HasErrno.class, u.getCause()).errno());
                assertTrue(u.getCause().getMessage().startsWith("setsockopt TCP_KEEPIDLE 127.0.0.1:"), u.getCause().getMessage());
                assertTrue(u.getCause().getMessage().contains("EINVAL"), u.getCause().getMessage());

                // From another thread the error goes to the handler's onError.
                c.setOption(SocketOption.TCP_KEEPIDLE, 0);
                Await.until("onError to report the refused option", () -> !h.errors.isEmpty());
                assertEquals(Errno.EINVAL, assertInstanceOf(Errors.HasErrno.class, h.errors.get(0)).errno());
                Peers.assertEchoes(s, new byte[] {9});
            }
        }
    }

    /**
     * The onError that reports an option refused off the loop is a handler method like the
     * others: a write in it that crosses the high watermark is reported once it has returned,
     * never from within it, as ConnectionHandler promises.
     */
    @ConformanceTest
    void anOptionErrorInOnErrorIsOneHandlerCallAtATime(TransportUnderTest transport) throws Exception {
        LinkedBlockingQueue<Connection> opened = new LinkedBlockingQueue<>();
        List<String> calls = new CopyOnWriteArrayList<>(); // in the order the loop made them
        CompletableFuture<Void> writabilityReported = new CompletableFuture<>();
        ConnectionHandler writesInOnError = new ConnectionHandler() {
            private boolean inOnError; // loop thread only

            @Override
            public void onOpen(Connection c) {
                opened.add(c);
            }

            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
            }

            @Override
            public void onError(Connection c, Throwable cause) {
                inOnError = true;
                calls.add("onError");
                byte[] over = new byte[ConnectionConfig.DEFAULT_HIGH_WATERMARK + 1];
                c.write(over, 0, over.length); // queued, never flushed: unwritable until the close
                inOnError = false;
            }

            @Override
            public void onWritabilityChanged(Connection c, boolean writable) {
                calls.add((inOnError ? "inside onError: " : "") + "writable=" + writable);
                writabilityReported.complete(null);
            }
        };
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> writesInOnError);
            try (Socket s = Peers.connect(server.localAddress())) {
                Connection c = opened.take();
                c.setOption(SocketOption.TCP_KEEPIDLE, 0); // from the test thread: EINVAL goes to onError
                Await.get(writabilityReported, "the watermark crossing to be reported");
                assertEquals(List.of("onError", "writable=false"), calls);
            }
        }
    }

    @ConformanceTest
    void getOptionOnAClosedConnectionFails(TransportUnderTest transport) throws Exception {
        RecordingServer recorded = RecordingServer.echo();
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), recorded);
            try (Socket s = Peers.connect(server.localAddress())) {
                RecordingHandler h = recorded.next();
                Connection c = h.connection();
                c.close();
                Await.get(h.closed, "close");
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> c.getOption(SocketOption.TCP_NODELAY));
                assertInstanceOf(ClosedChannelException.class, e.getCause());
                assertTrue(Peers.isClosedByPeer(s));
            }
        }
    }
}

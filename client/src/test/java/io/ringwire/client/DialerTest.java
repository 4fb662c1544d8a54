package io.ringwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.SocketOption;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DialerTest {
    private static EventLoopGroup group;
    private static final ConnectionHandler QUIET = (c, d, o, l) -> { };

    @BeforeAll
    static void start() throws Exception {
        group = EventLoopGroup.create(1);
    }

    @AfterAll
    static void stop() {
        group.close();
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        return RetryPolicy.unwrap(f.handle((v, e) -> e).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    /** A port with no listener: bound then released, so connecting is refused. */
    private static int refusedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void connectsToAHostName() throws Exception {
        try (EchoServer server = new EchoServer(group, "127.0.0.1")) {
            Dialer d = new Dialer(group, DialConfig.builder().resolver(h -> new InetAddress[] {InetAddress.getByName("127.0.0.1")}).build());
            Connection c = d.dial("echo.test", server.port(), QUIET).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals(server.address(), c.remoteAddress());
            c.close();
        }
    }

    @Test
    void aRefusedConnectNamesTheAddressAndTheErrno() throws Exception {
        int port = refusedPort();
        Throwable e = failure(new Dialer(group, DialConfig.defaults()).dial("127.0.0.1", port, QUIET));
        assertInstanceOf(ConnectException.class, e);
        assertTrue(e.getMessage().startsWith("dial 127.0.0.1:" + port + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port) && e.getMessage().contains("ECONNREFUSED"), e.getMessage());
        assertEquals(1, e.getSuppressed().length);
    }

    @Test
    void eachResolvedAddressIsTriedInTurn() throws Exception {
        try (EchoServer server = new EchoServer(group, "127.0.0.1")) {
            // The listener is bound to 127.0.0.1 only, so 127.0.0.2 and 127.0.0.3 refuse its port.
            Resolver three = h -> new InetAddress[] {InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"),
                    InetAddress.getByName("127.0.0.1")};
            Connection c = new Dialer(group, DialConfig.builder().resolver(three).build())
                    .dial("multi.test", server.port(), QUIET).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals(server.address(), c.remoteAddress());
            c.close();

            Resolver twoBad = h -> new InetAddress[] {InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3")};
            Throwable e = failure(new Dialer(group, DialConfig.builder().resolver(twoBad).build())
                    .dial("multi.test", server.port(), QUIET));
            assertInstanceOf(ConnectException.class, e);
            assertTrue(e.getMessage().contains("/127.0.0.2:" + server.port() + ": ")
                    && e.getMessage().contains("/127.0.0.3:" + server.port() + ": "), e.getMessage());
            assertEquals(2, e.getSuppressed().length);
        }
    }

    @Test
    void anUnresolvableHostSaysSo() throws Exception {
        Resolver none = h -> {
            throw new UnknownHostException(h + ": Name or service not known");
        };
        Throwable e = failure(new Dialer(group, DialConfig.builder().resolver(none).build()).dial("nosuch.invalid", 80, QUIET));
        assertInstanceOf(UnknownHostException.class, e);
        assertEquals("dial nosuch.invalid:80: unresolvable host nosuch.invalid (nosuch.invalid: Name or service not known)",
                e.getMessage());
        Throwable empty = failure(new Dialer(group, DialConfig.builder().resolver(h -> new InetAddress[0]).build())
                .dial("empty.test", 80, QUIET));
        assertInstanceOf(UnknownHostException.class, empty);
    }

    /** A resolver whose lookups block until {@code released}, as the system's does while DNS is down. */
    private static Resolver hangingUntil(CountDownLatch released) {
        return h -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException("interrupted");
        };
    }

    @Test
    void aResolverThatHangsTimesOut() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        Resolver hangs = hangingUntil(never);
        try {
            Throwable e = failure(new Dialer(group, DialConfig.builder().resolver(hangs).resolveTimeout(Duration.ofMillis(50)).build())
                    .dial("slow.test", 80, QUIET));
            assertInstanceOf(DialTimeoutException.class, e);
            assertEquals("dial slow.test:80: resolving slow.test timed out after 50 ms", e.getMessage());
        } finally {
            never.countDown();
        }
    }

    /** A DNS outage: lookups that hang hold at most the resolver pool's threads, and every dial still times out on time. */
    @Test
    void hangingLookupsHoldABoundedNumberOfThreads() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        Resolver hangs = hangingUntil(never);
        try {
            Dialer d = new Dialer(group, DialConfig.builder().resolver(hangs).resolveTimeout(Duration.ofMillis(200)).build());
            List<CompletableFuture<Connection>> dials = new ArrayList<>();
            for (int i = 0; i < 3 * Dialer.RESOLVER_THREADS; i++) {
                dials.add(d.dial("outage" + i + ".test", 80, QUIET));
            }
            for (CompletableFuture<Connection> f : dials) {
                assertInstanceOf(DialTimeoutException.class, failure(f));
            }
            long resolvers = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("ringwire-resolver")).count();
            assertTrue(resolvers <= Dialer.RESOLVER_THREADS, resolvers + " resolver threads for " + dials.size() + " hung lookups");
        } finally {
            never.countDown();
        }
    }

    /**
     * A listener with a backlog of 1 that never accepts: once its accept queue is full the kernel
     * drops further SYNs, so a connect waits for its timeout. Deterministic on Linux
     * (tcp_abort_on_overflow=0, the default); skipped if the queue never fills.
     */
    @Test
    void aConnectThatGetsNoAnswerTimesOut() throws Exception {
        try (Blackhole blackhole = new Blackhole()) {
            assumeTrue(blackhole.full(), "the accept queue never filled; cannot make a connect hang on loopback here");
            Dialer d = new Dialer(group, DialConfig.builder().connectTimeout(Duration.ofMillis(100)).build());
            Throwable e = failure(d.dial("127.0.0.1", blackhole.port(), QUIET));
            assertInstanceOf(DialTimeoutException.class, e);
            assertTrue(e.getMessage().contains("127.0.0.1:" + blackhole.port()) && e.getMessage().contains("timed out")
                    && e.getMessage().contains("ETIMEDOUT"), e.getMessage());

            Dialer withDeadline = new Dialer(group, DialConfig.builder().connectTimeout(Duration.ofSeconds(5))
                    .deadline(Duration.ofMillis(100)).resolver(h -> new InetAddress[] {InetAddress.getByName("127.0.0.1"),
                            InetAddress.getByName("127.0.0.1")}).build());
            Throwable late = failure(withDeadline.dial("twice.test", blackhole.port(), QUIET));
            assertInstanceOf(DialTimeoutException.class, late);
            assertTrue(late.getMessage().contains("deadline of 100 ms passed with 1 address(es) untried"), late.getMessage());
        }
    }

    @Test
    void aLocalBindPicksTheSourceAddress() throws Exception {
        try (EchoServer server = new EchoServer(group, "127.0.0.1")) {
            Dialer d = new Dialer(group, DialConfig.builder().localAddress(new InetSocketAddress("127.0.0.2", 0)).build());
            assertEquals(Boolean.TRUE, d.config().connection().options().get(SocketOption.IP_BIND_ADDRESS_NO_PORT));
            Connection c = d.dial("127.0.0.1", server.port(), QUIET).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals("127.0.0.2", c.localAddress().getAddress().getHostAddress());
            assertTrue(c.getOption(SocketOption.IP_BIND_ADDRESS_NO_PORT));
            Poll.until("the server sees the connection from 127.0.0.2", () -> server.peers.contains(c.localAddress()));
            c.close();
        }
    }

    @Test
    void aLocalBindThatCannotWorkNamesTheBind() throws Exception {
        // 192.0.2.1 (TEST-NET-1) is on no interface of this machine: the bind fails before any packet.
        Dialer d = new Dialer(group, DialConfig.builder().localAddress(new InetSocketAddress("192.0.2.1", 0)).build());
        Throwable e = failure(d.dial("127.0.0.1", refusedPort(), QUIET));
        assertTrue(e.getMessage().contains("bind") && e.getMessage().contains("EADDRNOTAVAIL"), e.getMessage());
    }

    @Test
    void fastOpenConnectStillCarriesData() throws Exception {
        assumeTrue(SocketOption.TCP_FASTOPEN_CONNECT.isSupported(), "TCP_FASTOPEN_CONNECT not in this build's headers");
        try (EchoServer server = new EchoServer(group, "127.0.0.1")) {
            CompletableFuture<String> echoed = new CompletableFuture<>();
            Dialer d = new Dialer(group, DialConfig.builder().fastOpen(true).build());
            Connection c = d.dial("127.0.0.1", server.port(), new ConnectionHandler() {
                @Override
                public void onData(Connection conn, DirectBuffer data, int offset, int length) {
                    echoed.complete(data.getStringWithoutLengthAscii(offset, length));
                }
            }).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertTrue(c.getOption(SocketOption.TCP_FASTOPEN_CONNECT));
            c.write("hi".getBytes(), 0, 2);
            c.flush();
            assertEquals("hi", echoed.get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            c.close();
        }
    }
}

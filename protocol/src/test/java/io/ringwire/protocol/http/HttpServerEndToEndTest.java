package io.ringwire.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Backend;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.protocol.testutil.Await;
import io.ringwire.protocol.testutil.Backends;
import io.ringwire.protocol.testutil.HttpSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The HTTP server over raw sockets on each backend: keep-alive, pipelining, limits, status codes. */
@Timeout(120)
class HttpServerEndToEndTest {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private final HttpServerStats stats = new HttpServerStats();

    private Server listen(EventLoopGroup group) throws Exception {
        HttpRouter router = HttpRouter.builder()
                .get("/plaintext", (req, res) -> res.contentType("text/plain").body(HELLO))
                .get("/target", (req, res) -> res.body(req.target()))
                .route(HttpMethod.POST, "/echo", (req, res) -> res.body(req.body(), req.bodyOffset(), req.bodyLength()))
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("boom");
                })
                .get("/bye", (req, res) -> res.body("bye").closeConnection())
                .get("/metrics", new MetricsHandler(group::stats, stats))
                .build();
        HttpServerConfig config = HttpServerConfig.builder().maxBody(64 * 1024).build();
        return group.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(),
                HttpServer.handlers(router, config, stats));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void sixteenPipelinedRequestsInOneSendAreAnsweredInOrder(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "http");
             HttpSocket s = new HttpSocket(listen(group).localAddress())) {
            StringBuilder sixteen = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                sixteen.append("GET /target?n=").append(i).append(" HTTP/1.1\r\nHost: t\r\n\r\n");
            }
            s.send(sixteen.toString());
            for (int i = 0; i < 16; i++) {
                HttpSocket.Response r = s.read();
                assertEquals(200, r.status());
                assertEquals("/target?n=" + i, r.body(), "response " + i + " answers request " + i);
                assertNull(r.header("connection"), "kept alive");
            }
            s.send("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n");
            HttpSocket.Response r = s.read();
            assertEquals("Hello, World!", r.body());
            assertEquals("text/plain", r.header("content-type"));
            assertTrue(r.header("date").endsWith(" GMT"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void requestsSplitAtEveryByteAndBodiesBothWaysWork(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "http");
             HttpSocket s = new HttpSocket(listen(group).localAddress())) {
            for (byte b : "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello".getBytes()) {
                s.send(new byte[] {b});
            }
            assertEquals("hello", s.read().body());
            s.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
            assertEquals("abcde", s.read().body());
            String big = "x".repeat(60_000);
            s.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 60000\r\n\r\n" + big);
            assertEquals(big, s.read().body());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void connectionCloseHttp10AndAHandlerThatEndsTheConnectionAllClose(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "http")) {
            Server server = listen(group);
            String[] closing = {
                "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n",
                "GET /plaintext HTTP/1.0\r\n\r\n",
                "GET /bye HTTP/1.1\r\nHost: t\r\n\r\n",
            };
            for (String request : closing) {
                try (HttpSocket s = new HttpSocket(server.localAddress())) {
                    s.send(request);
                    HttpSocket.Response r = s.read();
                    assertEquals(200, r.status());
                    assertEquals("close", r.header("connection"), request);
                    assertTrue(s.closedByPeer(), "closed after: " + request);
                }
            }
            try (HttpSocket s = new HttpSocket(server.localAddress())) {
                s.send("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertEquals("keep-alive", s.read().header("connection"));
                s.send("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertEquals("Hello, World!", s.read().body(), "an HTTP/1.0 keep-alive connection stays open");
            }
            Await.until("every closed connection released", () -> server.connectionCount() == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void refusalsGetTheirStatusThenAClose(Backend backend) throws Exception {
        String[] requests = {
            "GET / HTTP/1.1\r\nHost: t\r\nX: " + "v".repeat(9000) + "\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 70000\r\n\r\n",
            "BAD REQUEST\r\n\r\n",
            "GET / HTTP/2.0\r\nHost: t\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
            "GET /boom HTTP/1.1\r\nHost: t\r\n\r\n",
        };
        int[] statuses = {431, 413, 400, 505, 501, 500};
        // The 500 is logged with its stack trace on purpose; keep it out of the build output.
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.ringwire.protocol.http");
        java.util.logging.Level level = log.getLevel();
        log.setLevel(java.util.logging.Level.OFF);
        try (EventLoopGroup group = Backends.group(backend, 1, "http")) {
            Server server = listen(group);
            for (int i = 0; i < requests.length; i++) {
                try (HttpSocket s = new HttpSocket(server.localAddress())) {
                    // A good request first: its response must come back whole before the refusal.
                    s.send("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n" + requests[i]);
                    assertEquals("Hello, World!", s.read().body());
                    HttpSocket.Response r = s.read();
                    assertEquals(statuses[i], r.status(), requests[i].substring(0, Math.min(40, requests[i].length())));
                    assertEquals("close", r.header("connection"));
                    assertFalse(r.body().isBlank(), "the body says why");
                    assertTrue(s.closedByPeer(), "closed after " + statuses[i]);
                }
            }
            assertEquals(1, stats.errors(431));
            assertEquals(1, stats.errors(413));
            assertEquals(1, stats.errors(400));
            assertEquals(1, stats.errors(505));
            assertEquals(1, stats.errors(501));
            assertEquals(1, stats.errors(500));
            Await.until("every refused connection released", () -> server.connectionCount() == 0);
        } finally {
            log.setLevel(level);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void metricsExposeTheTransportCountersInPrometheusText(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 2, "http");
             HttpSocket s = new HttpSocket(listen(group).localAddress())) {
            s.send("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n");
            s.read();
            s.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
            HttpSocket.Response r = s.read();
            assertEquals(MetricsHandler.CONTENT_TYPE, r.header("content-type"));
            String m = r.body();
            assertTrue(m.contains("\nringwire_loops 2\n"), m);
            assertTrue(m.contains("\nringwire_connections_active 1\n"), m);
            assertTrue(m.matches("(?s).*\nringwire_bytes_read_total [1-9]\\d*\n.*"), m);
            assertTrue(m.contains("ringwire_errors_total{kind=\"read\"} 0\n"), m);
            assertTrue(m.contains("ringwire_http_requests_total 2\n"), m);
            assertTrue(m.contains("ringwire_http_errors_total{status=\"431\"} 0\n"), m);
            for (String line : m.split("\n")) {
                assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ")
                        || line.matches("ringwire_[a-z_]+(\\{[a-z]+=\"[^\"]+\"})? \\d+"), "not exposition format: " + line);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void metricsCountRefusalsByTheLimitThatRefusedThem(Backend backend) throws Exception {
        // Rate 1 per 1000 s, burst 5; 2 connections; 1 per IP. The rate is checked first, so
        // tokens go to the 5 first connections whether or not another limit then refuses them.
        ServerConfig limits = ServerConfig.builder().acceptRate(0.001, 5).maxConnections(2).maxConnectionsPerIp(1).build();
        try (EventLoopGroup group = Backends.group(backend, 1, "http")) {
            HttpRouter router = HttpRouter.builder().get("/metrics", new MetricsHandler(group::stats, stats)).build();
            Server server = group.listen(new InetSocketAddress("127.0.0.1", 0), limits,
                    HttpServer.handlers(router, HttpServerConfig.builder().build(), stats));
            InetSocketAddress at = server.localAddress();
            try (HttpSocket first = new HttpSocket(at)) {
                Await.until("the first connection admitted", () -> server.connectionCount() == 1);
                closedAtOnce(connectFrom("127.0.0.1", at)); // under max conns, but 127.0.0.1 holds one already
                Socket second = connectFrom("127.0.0.2", at);
                Await.until("two connections admitted", () -> server.connectionCount() == 2);
                closedAtOnce(connectFrom("127.0.0.3", at)); // max conns
                closedAtOnce(connectFrom("127.0.0.3", at)); // max conns
                for (int i = 0; i < 3; i++) {
                    closedAtOnce(connectFrom("127.0.0.4", at)); // over the rate: the burst is spent
                }
                Await.until("six refusals counted", () -> group.stats().connectionsRejected() == 6);
                first.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
                String m = first.read().body();
                assertTrue(m.contains("\nringwire_connections_rejected_total 6\n"), m);
                assertTrue(m.contains("\nringwire_connections_rejected_by_limit_total{limit=\"per_ip\"} 1\n"), m);
                assertTrue(m.contains("\nringwire_connections_rejected_by_limit_total{limit=\"max_conns\"} 2\n"), m);
                assertTrue(m.contains("\nringwire_connections_rejected_by_limit_total{limit=\"accept_rate\"} 3\n"), m);
                assertTrue(m.contains("# TYPE ringwire_connections_rejected_by_limit_total counter\n"), m);
                second.close();
            }
        }
    }

    private static Socket connectFrom(String localIp, InetSocketAddress to) throws Exception {
        Socket s = new Socket(to.getAddress(), to.getPort(), InetAddress.getByName(localIp), 0);
        s.setSoTimeout(20_000);
        return s;
    }

    /** Asserts the server closed {@code s} without a byte, then closes it here too. */
    private static void closedAtOnce(Socket s) throws Exception {
        try (s) {
            int b;
            try {
                b = s.getInputStream().read();
            } catch (java.net.SocketException reset) {
                b = -1;
            }
            assertEquals(-1, b, "a refused connection is closed without a response");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void expectContinueGetsAnInterimResponse(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "http");
             HttpSocket s = new HttpSocket(listen(group).localAddress())) {
            s.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
            HttpSocket.Response interim = s.read();
            assertEquals(100, interim.status());
            s.send("ok");
            assertEquals("ok", s.read().body());
        }
    }
}

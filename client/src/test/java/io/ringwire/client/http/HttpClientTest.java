package io.ringwire.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.client.Backoff;
import io.ringwire.client.CircuitBreaker;
import io.ringwire.client.Endpoint;
import io.ringwire.client.FakeClock;
import io.ringwire.client.NanoClock;
import io.ringwire.client.NotSentException;
import io.ringwire.client.PoolTimeoutException;
import io.ringwire.client.RateLimiter;
import io.ringwire.client.RejectedException;
import io.ringwire.client.Poll;
import io.ringwire.client.RequestTimeoutException;
import io.ringwire.client.RetryPolicy;
import io.ringwire.client.Scheduler;
import io.ringwire.protocol.http.HttpRouter;
import io.ringwire.protocol.http.HttpServer;
import io.ringwire.protocol.http.HttpServerConfig;
import io.ringwire.protocol.http.HttpServerStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpClientTest {
    private static final long WAIT = 20;
    private static final byte[] BIG = new byte[256 * 1024];
    /** Over one 64 KiB read, and small enough to sit whole in the client's socket buffer once sent. */
    private static final byte[] MEDIUM = new byte[100 * 1024];

    static {
        Arrays.fill(BIG, (byte) 'x');
        Arrays.fill(MEDIUM, (byte) 'm');
    }

    private static EventLoopGroup clientGroup;
    private EventLoopGroup serverGroup;
    private Server server;
    private HttpClient client;

    @BeforeAll
    static void startClientLoops() throws IOException {
        clientGroup = EventLoopGroup.create(1);
    }

    @AfterAll
    static void stopClientLoops() {
        clientGroup.close();
    }

    @BeforeEach
    void startServer() throws IOException {
        serverGroup = EventLoopGroup.create(1);
        server = listen(0);
    }

    private Server listen(int port) throws IOException {
        HttpRouter routes = HttpRouter.builder()
                .get("/plaintext", (rq, rs) -> rs.contentType("text/plain").body("Hello, World!"))
                .get("/big", (rq, rs) -> rs.contentType("application/octet-stream").body(BIG))
                .get("/medium", (rq, rs) -> rs.contentType("application/octet-stream").body(MEDIUM))
                .get("/close", (rq, rs) -> rs.closeConnection().body("bye"))
                .get("/fail", (rq, rs) -> rs.status(503).body("down"))
                .build();
        return serverGroup.listen(new InetSocketAddress("127.0.0.1", port), ServerConfig.defaults(),
                HttpServer.handlers(routes, HttpServerConfig.defaults(), new HttpServerStats()));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
        serverGroup.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.localAddress().getPort() + path;
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        return RetryPolicy.unwrap(f.handle((v, x) -> x).get(WAIT, TimeUnit.SECONDS));
    }

    private long serverAccepted() {
        return serverGroup.stats().connectionsOpened();
    }

    @Test
    void keepAliveReusesOneConnection() throws Exception {
        client = HttpClient.builder(clientGroup).build();
        for (int i = 0; i < 20; i++) {
            try (HttpClientResponse r = get(client.send(HttpClientRequest.get(url("/plaintext"))))) {
                assertEquals(200, r.status());
                assertEquals("text/plain", r.header("Content-Type"));
                assertEquals("Hello, World!", get(r.bodyAsString()));
            }
        }
        assertEquals(1, client.stats().created());
        assertEquals(1, serverAccepted());
    }

    @Test
    void concurrentRequestsStayWithinMaxConnsPerHost() throws Exception {
        client = HttpClient.builder(clientGroup).maxConnsPerHost(3).acquireTimeout(Duration.ofSeconds(WAIT)).build();
        List<CompletableFuture<String>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(client.send(HttpClientRequest.get(url("/plaintext"))).thenCompose(HttpClientResponse::bodyAsString));
        }
        for (CompletableFuture<String> f : all) {
            assertEquals("Hello, World!", get(f));
        }
        assertTrue(client.stats().created() <= 3, client.stats().toString());
        assertTrue(serverAccepted() <= 3);
    }

    @Test
    void idleConnectionsAreCappedPerHost() throws Exception {
        client = HttpClient.builder(clientGroup).maxConnsPerHost(4).maxIdleConnsPerHost(1).build();
        List<CompletableFuture<HttpClientResponse>> heads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            heads.add(client.send(HttpClientRequest.get(url("/big"))));
        }
        List<HttpClientResponse> open = new ArrayList<>();
        for (CompletableFuture<HttpClientResponse> h : heads) {
            open.add(get(h));
        }
        for (HttpClientResponse r : open) {
            assertEquals(BIG.length, get(r.body()).length);
        }
        Poll.until("responses ended", () -> client.stats().active() == 0);
        assertEquals(1, client.stats().idle(), "MaxIdleConnsPerHost=1: the rest were closed");
    }

    @Test
    void aSmallUnreadBodyDoesNotHoldItsConnection() throws Exception {
        client = HttpClient.builder(clientGroup).maxConnsPerHost(1).acquireTimeout(Duration.ofSeconds(WAIT)).build();
        HttpClientResponse unread = get(client.send(HttpClientRequest.get(url("/plaintext"))));
        assertEquals(200, unread.status());
        // Never read nor closed; the next request still gets the one connection.
        HttpClientResponse next = get(client.send(HttpClientRequest.get(url("/plaintext"))));
        assertEquals("Hello, World!", get(next.bodyAsString()));
        assertEquals(1, client.stats().created());
        assertEquals("Hello, World!", get(unread.bodyAsString()), "still readable from memory");
    }

    /** Without a timer racing it: the unread body holds its connection, and the next request waits for it. */
    @Test
    void aLargeUnreadBodyHoldsItsConnection() throws Exception {
        client = HttpClient.builder(clientGroup).maxConnsPerHost(1).bodyWindow(16 * 1024)
                .unconsumedBodyTimeout(Duration.ofMinutes(10)).acquireTimeout(Duration.ofSeconds(WAIT)).build();
        HttpClientResponse unread = get(client.send(HttpClientRequest.get(url("/big"))));
        assertEquals(200, unread.status());
        assertEquals(1, client.stats().active(), "the unread body holds the connection");
        // A request of 200 ms waits for a connection no longer than that.
        assertInstanceOf(PoolTimeoutException.class, failure(client.send(HttpClientRequest.get(url("/plaintext")), Duration.ofMillis(200))),
                "the one slot is taken");
        assertFalse(unread.isComplete());
        assertEquals(BIG.length, get(unread.body()).length, "asked for, the body comes after all");
    }

    @Test
    void aLargeUnreadBodyIsReclaimedAfterTheTimeout() throws Exception {
        client = HttpClient.builder(clientGroup).maxConnsPerHost(1).bodyWindow(16 * 1024)
                .unconsumedBodyTimeout(Duration.ofMillis(200)).acquireTimeout(Duration.ofSeconds(WAIT)).build();
        HttpClientResponse unread = get(client.send(HttpClientRequest.get(url("/big"))));
        assertEquals(200, unread.status());
        // The one slot is free again once the timeout abandons the response.
        HttpClientResponse next = get(client.send(HttpClientRequest.get(url("/plaintext"))));
        assertEquals("Hello, World!", get(next.bodyAsString()));
        assertEquals(2, client.stats().created());
        Throwable e = unread.body().handle((v, x) -> x).get(WAIT, TimeUnit.SECONDS);
        assertTrue(e != null && e.getMessage().contains("abandoned"), String.valueOf(e));
    }

    /**
     * Asking for the body of a response that has ended must not act on the exchange now on its
     * connection: that one's body was never asked for, so its reading stays paused and its own
     * unconsumed-body timer still reclaims it.
     */
    @Test
    void theBodyOfAnEndedResponseLeavesTheNextExchangeAlone() throws Exception {
        client = HttpClient.builder(clientGroup).maxConnsPerHost(1).bodyWindow(16 * 1024)
                .unconsumedBodyTimeout(Duration.ofMillis(300)).build();
        HttpClientResponse small = get(client.send(HttpClientRequest.get(url("/plaintext"))));
        Poll.until("the small response ended", small::isComplete);
        HttpClientResponse unread = get(client.send(HttpClientRequest.get(url("/medium")))); // same connection, paused
        assertEquals(1, client.stats().created());
        assertEquals("Hello, World!", get(small.bodyAsString()));
        assertFalse(unread.isComplete());
        Poll.until("the unread body reclaimed by its own timer", () -> client.stats().active() == 0);
        Throwable e = unread.body().handle((v, x) -> x).get(WAIT, TimeUnit.SECONDS);
        assertTrue(e != null && e.getMessage().contains("abandoned"), String.valueOf(e));
    }

    @Test
    void closingAnUnfinishedResponseClosesItsConnection() throws Exception {
        client = HttpClient.builder(clientGroup).maxConnsPerHost(1).bodyWindow(16 * 1024)
                .acquireTimeout(Duration.ofSeconds(WAIT)).build();
        HttpClientResponse r = get(client.send(HttpClientRequest.get(url("/big"))));
        r.close();
        assertEquals(0, client.stats().active());
        assertEquals(1, client.stats().destroyed());
        HttpClientResponse next = get(client.send(HttpClientRequest.get(url("/big"))));
        assertEquals(BIG.length, get(next.body()).length);
        next.close();
        assertEquals(1, client.stats().idle(), "a finished response closed: its connection stays pooled");
    }

    @Test
    void aResponseNobodyKeepsIsReclaimedByTheCleaner() throws Exception {
        client = HttpClient.builder(clientGroup).maxConnsPerHost(1).bodyWindow(16 * 1024)
                .unconsumedBodyTimeout(Duration.ZERO).build();
        sendAndDrop(url("/big"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        while (client.stats().active() != 0 && System.nanoTime() < deadline) {
            System.gc();
            LockSupport.parkNanos(10_000_000);
        }
        assertEquals(0, client.stats().active(), "the dropped response released its connection");
    }

    private void sendAndDrop(String url) throws Exception {
        assertEquals(200, get(client.send(HttpClientRequest.get(url))).status());
    }

    @Test
    void aCircuitBreakerStopsCallingAFailingHost() throws Exception {
        client = HttpClient.builder(clientGroup)
                .circuitBreaker(e -> new CircuitBreaker(4, 4, 0.5, Duration.ofHours(1), 1, NanoClock.SYSTEM)).build();
        for (int i = 0; i < 4; i++) {
            try (HttpClientResponse r = get(client.send(HttpClientRequest.get(url("/fail"))))) {
                assertEquals(503, r.status());
            }
        }
        Endpoint host = new Endpoint("127.0.0.1", server.localAddress().getPort());
        assertEquals(CircuitBreaker.State.OPEN, client.circuitBreaker(host).state());
        Throwable e = RetryPolicy.unwrap(client.send(HttpClientRequest.get(url("/plaintext"))).handle((v, x) -> x)
                .get(WAIT, TimeUnit.SECONDS));
        assertInstanceOf(RejectedException.class, e);
        assertTrue(e.getMessage().contains("circuit OPEN"), e.getMessage());
        assertEquals(1, client.circuitBreaker(host).rejected());
    }

    @Test
    void aRateLimiterRefusesPastItsBurst() throws Exception {
        AtomicLong now = new AtomicLong();
        client = HttpClient.builder(clientGroup).rateLimiter(new RateLimiter(1, 2, now::get)).build();
        for (int i = 0; i < 2; i++) {
            try (HttpClientResponse r = get(client.send(HttpClientRequest.get(url("/plaintext"))))) {
                assertEquals(200, r.status());
            }
        }
        Throwable e = RetryPolicy.unwrap(client.send(HttpClientRequest.get(url("/plaintext"))).handle((v, x) -> x)
                .get(WAIT, TimeUnit.SECONDS));
        assertInstanceOf(RejectedException.class, e);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertEquals(200, get(client.send(HttpClientRequest.get(url("/plaintext")))).status(), "a token a second");
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        client = HttpClient.builder(clientGroup).build();
        for (int i = 0; i < 3; i++) {
            try (HttpClientResponse r = get(client.send(HttpClientRequest.get(url("/close"))))) {
                assertEquals("bye", get(r.bodyAsString()));
            }
        }
        assertEquals(3, client.stats().created());
        Poll.until("all closed", () -> client.stats().idle() == 0);
    }

    /** Reads one request head from {@code s}; false at EOF. */
    private static boolean readHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
            if (matched == 4) {
                return true;
            }
        }
        return false;
    }

    /**
     * A server that answers the first request on its first connection and closes it on the second
     * without a byte: the stale keep-alive race. A GET is retried at once on a new connection; a
     * POST is not (the server may have acted on it), and fails with StaleConnectionException.
     */
    @Test
    void aStaleKeepAliveConnectionIsRetriedForIdempotentRequestsOnly() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))) {
            byte[] ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (int round = 0; round < 2; round++) {
                        try (Socket first = raw.accept()) {
                            readHead(first);
                            first.getOutputStream().write(ok);
                            readHead(first); // the second request on the kept-alive connection: closed unanswered
                        }
                        if (round == 0) {
                            try (Socket second = raw.accept()) {
                                readHead(second);
                                second.getOutputStream().write(ok);
                                readHead(second);
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the test is over
                }
            });
            client = HttpClient.builder(clientGroup).maxConnsPerHost(1).build();
            String base = "http://127.0.0.1:" + raw.getLocalPort() + "/";
            assertEquals("ok", get(get(client.send(HttpClientRequest.get(base))).bodyAsString()));
            assertEquals("ok", get(get(client.send(HttpClientRequest.get(base))).bodyAsString()), "retried on a new connection");
            assertEquals(2, client.stats().created());
            client.close();

            client = HttpClient.builder(clientGroup).maxConnsPerHost(1).build();
            assertEquals("ok", get(get(client.send(HttpClientRequest.get(base))).bodyAsString()));
            HttpClientRequest post = new HttpClientRequest("POST", java.net.URI.create(base), List.of(), new byte[] {1});
            Throwable e = RetryPolicy.unwrap(client.send(post).handle((v, x) -> x).get(WAIT, TimeUnit.SECONDS));
            assertInstanceOf(StaleConnectionException.class, e);
            t.join(TimeUnit.SECONDS.toMillis(WAIT));
        }
    }

    /**
     * Two idle connections the server has closed (it reads the next request on each and hangs
     * up): the first that a request meets tells the client the server drops idle connections, so
     * the other is closed unused, and the retry goes out on a new connection. The old default (one
     * retry) met the second dead one and failed.
     */
    @Test
    void aKeepAliveRaceFlushesTheOtherIdleConnectionsBeforeTheRetry() throws Exception {
        java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
        try (ScriptedHttpServer server = new ScriptedHttpServer((srv, n, s) -> {
            if (n > 2) {
                srv.answerEach(s);
                return;
            }
            both.countDown();
            srv.readHead(s);
            both.await(); // two connections open before either answers: both end up idle in the pool
            s.getOutputStream().write(ScriptedHttpServer.OK);
            srv.readHead(s); // the next request on it: hang up without a byte
        })) {
            client = HttpClient.builder(clientGroup).maxConnsPerHost(2).build();
            CompletableFuture<HttpClientResponse> a = client.send(HttpClientRequest.get(server.url("/")));
            CompletableFuture<HttpClientResponse> b = client.send(HttpClientRequest.get(server.url("/")));
            assertEquals("ok", get(get(a).bodyAsString()));
            assertEquals("ok", get(get(b).bodyAsString()));
            Poll.until("both idle", () -> client.stats().idle() == 2);
            assertEquals("ok", get(get(client.send(HttpClientRequest.get(server.url("/")))).bodyAsString()));
            assertEquals(3, client.stats().created(), client.stats().toString());
            assertEquals(4, server.requests.get(), "two answered, one on a dead connection, the retry: the other dead one got none");
        }
    }

    @Test
    void aGarbledResponseFailsTheRequestOnly() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))) {
            Thread t = new Thread(() -> {
                try (Socket s = raw.accept()) {
                    InputStream in = s.getInputStream();
                    in.read(new byte[1024]);
                    OutputStream out = s.getOutputStream();
                    out.write("HELLO THERE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.read(new byte[1024]); // until the client closes
                } catch (IOException ignored) {
                    // the client closed first
                }
            });
            t.start();
            client = HttpClient.builder(clientGroup).build();
            Throwable e = RetryPolicy.unwrap(client.send(HttpClientRequest.get("http://127.0.0.1:" + raw.getLocalPort() + "/"))
                    .handle((v, x) -> x).get(WAIT, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e);
            assertTrue(String.valueOf(e.getMessage()).contains("malformed status line"), e.getMessage());
            t.join(TimeUnit.SECONDS.toMillis(WAIT));
            // Other hosts are unaffected.
            assertEquals("Hello, World!", get(get(client.send(HttpClientRequest.get(url("/plaintext")))).bodyAsString()));
        }
    }

    /**
     * The server goes away and comes back. The pool's backoff runs on a fake clock that only the
     * test moves, so the refused connects can be counted exactly: one per backoff period, however
     * often the requests retry meanwhile (the retries run on real time and are counted too).
     */
    @Test
    void aServerRestartIsRiddenOutByRetriesAndThePoolRecovers() throws Exception {
        FakeClock poolClock = new FakeClock();
        AtomicInteger retries = new AtomicInteger();
        Scheduler counting = (task, delay) -> {
            retries.incrementAndGet();
            Scheduler.DEFAULT.schedule(task, delay);
        };
        client = HttpClient.builder(clientGroup).maxConnsPerHost(4)
                .pool(p -> p.clock(poolClock).reconnectBackoff(Backoff.of(Duration.ofMillis(20), Duration.ofMillis(200), Integer.MAX_VALUE, Duration.ZERO)))
                .retry(RetryPolicy.builder(Backoff.of(Duration.ofMillis(20), Duration.ofMillis(200), 100_000, Duration.ofSeconds(WAIT)))
                        .scheduler(counting).build())
                .build();
        int port = server.localAddress().getPort();
        assertEquals("Hello, World!", get(get(client.send(HttpClientRequest.get(url("/plaintext")))).bodyAsString()));

        server.close();
        serverGroup.close(); // every server connection goes: the pooled one sees its FIN
        serverGroup = EventLoopGroup.create(1);
        // While the server is down: a request without retries fails fast, and says why.
        try (HttpClient noRetry = HttpClient.builder(clientGroup).build()) {
            Throwable down = noRetry.send(HttpClientRequest.get("http://127.0.0.1:" + port + "/plaintext"))
                    .handle((v, x) -> x).get(WAIT, TimeUnit.SECONDS);
            assertTrue(down.getMessage().contains("ECONNREFUSED"), down.getMessage());
        }
        List<CompletableFuture<String>> during = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            during.add(client.send(HttpClientRequest.get("http://127.0.0.1:" + port + "/plaintext"))
                    .thenCompose(HttpClientResponse::bodyAsString));
        }
        Poll.until("a refused reconnect", () -> client.stats().connectFailures() > 0);
        int first = retries.get();
        Poll.until("the requests to retry a while", () -> retries.get() >= first + 16);
        // The opens already under way when the server went down fail too: at most one per slot.
        long burst = client.stats().connectFailures();
        assertTrue(burst <= 4, "the first failures are the opens in flight, within maxConnsPerHost: " + burst);
        for (int period = 1; period <= 3; period++) {
            int seen = retries.get();
            Poll.until("the requests to retry a while", () -> retries.get() >= seen + 16);
            assertEquals(burst + period - 1, client.stats().connectFailures(),
                    "one refused connect per backoff period, not one per retry (" + retries.get() + " retries so far)");
            poolClock.advance(Duration.ofMillis(200)); // the cap: the backoff has passed
            long expected = burst + period;
            Poll.until("the next probe", () -> client.stats().connectFailures() >= expected);
        }
        server = listen(port);
        poolClock.advance(Duration.ofMillis(200));
        for (CompletableFuture<String> f : during) {
            assertEquals("Hello, World!", get(f), "retried until the server came back");
        }
        long failures = client.stats().connectFailures();
        assertEquals(burst + 3, failures, "one probe per backoff period while the server was down: " + client.stats());
        assertTrue(client.stats().created() <= 1 + 4, "no more than maxConnsPerHost new connections: " + client.stats());
        assertTrue(failures < 200, "backoff, not a storm: " + failures + " refused connects");
    }

    /** The pool timing out is this client's own saturation: it says nothing of the host, and must not open its breaker. */
    @Test
    void aSaturatedPoolDoesNotOpenTheBreaker() throws Exception {
        client = HttpClient.builder(clientGroup).maxConnsPerHost(1).bodyWindow(16 * 1024).acquireTimeout(Duration.ofMillis(50))
                .circuitBreaker(e -> new CircuitBreaker(2, 2, 0.5, Duration.ofHours(1), 1, NanoClock.SYSTEM)).build();
        HttpClientResponse holding = get(client.send(HttpClientRequest.get(url("/big"))));
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(PoolTimeoutException.class, failure(client.send(HttpClientRequest.get(url("/plaintext")))));
        }
        Endpoint host = new Endpoint("127.0.0.1", server.localAddress().getPort());
        assertEquals(CircuitBreaker.State.CLOSED, client.circuitBreaker(host).state());
        assertEquals(0.0, client.circuitBreaker(host).failureRate());
        holding.close();
    }

    @Test
    void theDefaultRetryCoversBothKeepAliveRacesAndNothingElse() {
        assertTrue(HttpClient.retriesByDefault(new ClosedBeforeSendException("closed before the request was sent", null)));
        assertTrue(HttpClient.retriesByDefault(new StaleConnectionException("closed before the response", null)));
        assertFalse(HttpClient.retriesByDefault(new PoolTimeoutException("acquire timed out")));
        assertFalse(HttpClient.retriesByDefault(new RejectedException("circuit OPEN")));
        assertFalse(HttpClient.retriesByDefault(new NotSentException("acquire x:1: connecting failed; next attempt in 5 ms", null)));
        assertFalse(HttpClient.retriesByDefault(new RequestTimeoutException("timed out")));
        assertTrue(RetryPolicy.builder(Backoff.none()).build().mayRetry(new ClosedBeforeSendException("x", null), false),
                "provably unsent: retried even for a POST");
        assertEquals(5, HttpClient.defaultRetry(4).backoff().maxAttempts(), "once per idle connection that may be dead, plus one");
        assertEquals(2, HttpClient.defaultRetry(0).backoff().maxAttempts());
    }
    @Test
    void headerFieldsTheClientWritesItselfAreRefusedAndHostCanBeSet() {
        java.net.URI uri = java.net.URI.create("http://10.0.0.1:8080/x");
        for (String name : List.of("Content-Length", "transfer-encoding")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> HttpClientRequest.get(uri).withHeader(name, "5"));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        String wire = new String(HttpClientRequest.get(uri).withHeader("Host", "example.test").encode(), StandardCharsets.ISO_8859_1);
        assertTrue(wire.contains("\r\nHost: example.test\r\n") && !wire.contains("10.0.0.1"), wire);
        String post = new String(new HttpClientRequest("post", uri, List.of(), null).encode(), StandardCharsets.ISO_8859_1);
        assertTrue(post.contains("Content-Length: 0"), post);
        assertTrue(!new String(HttpClientRequest.get(uri).encode(), StandardCharsets.ISO_8859_1).contains("Connection"));
    }
}

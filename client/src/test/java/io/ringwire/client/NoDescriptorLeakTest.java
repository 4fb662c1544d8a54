package io.ringwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.client.http.HttpClient;
import io.ringwire.client.http.HttpClientRequest;
import io.ringwire.client.http.HttpClientResponse;
import io.ringwire.protocol.http.HttpRouter;
import io.ringwire.protocol.http.HttpServer;
import io.ringwire.protocol.http.HttpServerConfig;
import io.ringwire.protocol.http.HttpServerStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Failed dials, refused and timed-out connects, timed-out requests, and a closed client give back every descriptor. */
class NoDescriptorLeakTest {
    private static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void dialsPoolsAndClientsLeaveNoDescriptorBehind() throws Exception {
        ConnectionHandler quiet = (c, d, o, l) -> { };
        try (EventLoopGroup clients = EventLoopGroup.create(1); EventLoopGroup servers = EventLoopGroup.create(1)) {
            Server server = servers.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(),
                    HttpServer.handlers(HttpRouter.builder().get("/", (rq, rs) -> rs.body("ok")).build(),
                            HttpServerConfig.defaults(), new HttpServerStats()));
            int refused;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                refused = s.getLocalPort();
            }
            // Reads requests and never answers: each request times out, and its connection must close.
            Server silent = servers.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(), () -> quiet);
            Dialer dialer = new Dialer(clients, DialConfig.builder()
                    .resolver(h -> new InetAddress[] {InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1")})
                    .build());
            dialer.dial("warm.test", server.localAddress().getPort(), quiet).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS).close();
            Poll.until("the warm-up connection closed", () -> servers.stats().connectionsClosed() == 1);
            long baseline = openDescriptors();

            for (int i = 0; i < 50; i++) {
                dialer.dial("refused.test", refused, quiet).handle((v, e) -> e).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                dialer.dial("ok.test", server.localAddress().getPort(), quiet).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS).close();
            }
            try (HttpClient client = HttpClient.builder(clients).maxConnsPerHost(4).acquireTimeout(Duration.ofSeconds(20)).build()) {
                for (int i = 0; i < 100; i++) {
                    try (HttpClientResponse r = client.send(HttpClientRequest.get("http://127.0.0.1:" + server.localAddress().getPort() + "/"))
                            .get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        assertEquals("ok", r.bodyAsString().get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    }
                }
            }
            try (HttpClient client = HttpClient.builder(clients).maxConnsPerHost(1).responseTimeout(Duration.ofMillis(100)).build()) {
                for (int i = 0; i < 5; i++) {
                    Throwable e = client.send(HttpClientRequest.get("http://127.0.0.1:" + silent.localAddress().getPort() + "/"))
                            .handle((v, x) -> x).get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    assertInstanceOf(RequestTimeoutException.class, RetryPolicy.unwrap(e), "request " + i);
                }
            }
            Poll.until("every descriptor given back (baseline " + baseline + ")", () -> openDescriptors() == baseline);
            silent.close();
            server.close();
        }
    }

    /** Connects that time out (to a listener whose accept queue is full) close their sockets too. */
    @Test
    void timedOutConnectsLeaveNoDescriptorBehind() throws Exception {
        try (EventLoopGroup clients = EventLoopGroup.create(1); Blackhole blackhole = new Blackhole()) {
            assumeTrue(blackhole.full(), "the accept queue never filled; cannot make a connect hang on loopback here");
            ConnectionHandler quiet = (c, d, o, l) -> { };
            Dialer dialer = new Dialer(clients, DialConfig.builder().connectTimeout(Duration.ofMillis(50)).build());
            long baseline = openDescriptors();
            for (int i = 0; i < 10; i++) {
                Throwable e = dialer.dial("127.0.0.1", blackhole.port(), quiet).handle((v, x) -> x)
                        .get(Poll.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertInstanceOf(DialTimeoutException.class, RetryPolicy.unwrap(e), "dial " + i);
            }
            Poll.until("every descriptor given back (baseline " + baseline + ")", () -> openDescriptors() == baseline);
        }
    }
}

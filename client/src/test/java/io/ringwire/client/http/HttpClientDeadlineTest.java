package io.ringwire.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.client.Poll;
import io.ringwire.client.RequestTimeoutException;
import io.ringwire.client.RetryPolicy;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How long a request may hold its connection, against servers scripted to misbehave: silent,
 * dripping a body, or pausing the client's reading. A request's own deadline and its
 * cancellation free the connection; a body being read is not abandoned as unread; a connection
 * paused by the body window reads on for the next request.
 */
class HttpClientDeadlineTest {
    private static final long WAIT = 20;
    /** One loop for every test's client; the servers here are plain sockets. */
    @org.junit.jupiter.api.AutoClose
    private static final EventLoopGroup clientGroup = newGroup();
    @org.junit.jupiter.api.AutoClose
    private HttpClient client;

    private static EventLoopGroup newGroup() {
        try {
            return EventLoopGroup.create(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        return RetryPolicy.unwrap(f.handle((v, x) -> x).get(WAIT, TimeUnit.SECONDS));
    }

    /** The first connection never gets an answer; later ones get "ok" to every request. */
    private static void silentFirstConnection(ScriptedHttpServer server, int n, Socket s) throws IOException {
        if (n == 1) {
            server.silent(s);
        } else {
            server.answerEach(s);
        }
    }

    /** A request the server never answers times out, and gives its connection back for the next one. */
    @Test
    void aSilentServerTimesOutOneRequestAndItsConnectionIsFreed() throws Exception {
        try (ScriptedHttpServer silentFirst = new ScriptedHttpServer(HttpClientDeadlineTest::silentFirstConnection)) {
            client = HttpClient.builder(clientGroup).maxConnsPerHost(1).responseTimeout(Duration.ofMillis(300))
                    .acquireTimeout(Duration.ofSeconds(WAIT)).build();
            Throwable e = failure(client.send(HttpClientRequest.get(silentFirst.url("/"))));
            assertInstanceOf(RequestTimeoutException.class, e);
            assertTrue(e.getMessage().contains("timed out after 300 ms with no response"), e.getMessage());
            Poll.until("the timed-out request's connection given back", () -> client.stats().active() == 0);
            assertEquals(1, client.stats().destroyed(), "closed, not pooled: its state is unknown");
            HttpClientResponse next = get(client.send(HttpClientRequest.get(silentFirst.url("/"))));
            assertEquals("ok", get(next.bodyAsString()), "the one slot served the next request");
            assertEquals(2, client.stats().created());
            assertEquals(0, client.stats().active());
        }
    }

    /** Cancelling the future gives up at once: the place in the pool's queue, and the connection of an exchange in flight. */
    @Test
    void cancellingARequestFreesWhatItHeld() throws Exception {
        try (ScriptedHttpServer silentFirst = new ScriptedHttpServer(HttpClientDeadlineTest::silentFirstConnection)) {
            client = HttpClient.builder(clientGroup).maxConnsPerHost(1).acquireTimeout(Duration.ofSeconds(WAIT)).build();
            CompletableFuture<HttpClientResponse> stuck = client.send(HttpClientRequest.get(silentFirst.url("/")));
            Poll.until("the server to read the request", () -> silentFirst.requests.get() == 1);
            CompletableFuture<HttpClientResponse> queued = client.send(HttpClientRequest.get(silentFirst.url("/")));
            Poll.until("the second to wait for the one connection", () -> client.stats().pending() == 1);
            assertTrue(queued.cancel(false));
            Poll.until("the cancelled waiter gone from the queue", () -> client.stats().pending() == 0);
            assertTrue(stuck.cancel(false));
            Poll.until("the cancelled exchange's connection closed", () -> client.stats().active() == 0);
            assertEquals("ok", get(get(client.send(HttpClientRequest.get(silentFirst.url("/")))).bodyAsString()));
            assertEquals(2, client.stats().created());
            assertEquals(2, silentFirst.requests.get(), "the cancelled waiter never sent its request");
        }
    }

    /**
     * A body that is being read is not "unconsumed", however slowly it comes: the server sends
     * the rest only after a loop timer due well after the unconsumed-body timer has run.
     */
    @Test
    void aBodyBeingReadOutlivesTheUnconsumedBodyTimeout() throws Exception {
        CountDownLatch sendTheRest = new CountDownLatch(1);
        try (ScriptedHttpServer drip = new ScriptedHttpServer((srv, n, s) -> {
            srv.readHead(s);
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
            sendTheRest.await();
            s.getOutputStream().write("def".getBytes(StandardCharsets.US_ASCII));
            srv.readHead(s);
        })) {
            client = HttpClient.builder(clientGroup).unconsumedBodyTimeout(Duration.ofMillis(100)).build();
            io.ringwire.EventLoop loop = clientGroup.loops().get(0);
            CompletableFuture<String> body = client.send(HttpClientRequest.get(drip.url("/"))).thenCompose(r -> {
                // On the loop, in the head's completion: the body is asked for before any timer
                // can run, and this timer is due after the unconsumed-body one (100 ms).
                loop.schedule(sendTheRest::countDown, 300, TimeUnit.MILLISECONDS);
                return r.bodyAsString();
            });
            assertEquals("abcdef", get(body));
            assertEquals(0, client.stats().destroyed(), "kept alive: " + client.stats());
        }
    }

    /**
     * A body just over the window that arrives in the same read as its end: reading paused for
     * it, and the connection must still read for the next request it carries.
     */
    @Test
    void aConnectionPausedByTheBodyWindowReadsOnForTheNextRequest() throws Exception {
        byte[] body = new byte[4096];
        Arrays.fill(body, (byte) 'y');
        byte[] response = ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
        try (ScriptedHttpServer raw = new ScriptedHttpServer((srv, n, s) -> {
            while (srv.readHead(s)) {
                s.getOutputStream().write(response); // head and body in one write: one read on loopback
            }
        })) {
            client = HttpClient.builder(clientGroup).maxConnsPerHost(1).bodyWindow(1024).build();
            for (int i = 0; i < 3; i++) {
                HttpClientResponse r = get(client.send(HttpClientRequest.get(raw.url("/"))));
                Poll.until("response " + i + " ended", r::isComplete);
                assertEquals(body.length, get(r.body()).length);
            }
            assertEquals(1, client.stats().created(), "one connection carried all three");
        }
    }

}

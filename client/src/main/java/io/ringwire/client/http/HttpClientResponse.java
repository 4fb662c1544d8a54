package io.ringwire.client.http;

import io.ringwire.protocol.http.HttpResponseHead;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A response whose head has arrived. Its body must be read ({@link #body()}) or the response
 * closed ({@link #close()}).
 *
 * <h2>Why, and what happens if you do neither</h2>
 * Body bytes are kept in memory as they arrive. A body of up to the client's body window (64 KiB
 * by default) arrives whole at once and its connection goes back to the pool then, read or not.
 * A larger body is read only as far as the window until you ask for it: the connection stays
 * borrowed, and TCP flow control holds the server back. That is Go's classic pitfall (an unread
 * body pins its connection), so a response nobody reads is reclaimed: its connection is closed
 * after the client's {@code unconsumedBodyTimeout}, or when the response becomes unreachable
 * (a {@link Cleaner}), whichever is first; its slot in the pool is then free again. Once
 * {@link #body()} has been asked for, the body is being read and that timer no longer applies:
 * only the request's own timeout ({@code HttpClient.Builder.responseTimeout}) bounds it.
 *
 * <p>Thread-safe. The futures complete on the connection's event loop: do not block in their
 * continuations (use the async variants with an executor for blocking work).
 */
public final class HttpClientResponse implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final HttpResponseHead head;
    private final Exchange exchange;
    private final HttpConnection connection;
    private final Cleaner.Cleanable cleanable;

    HttpClientResponse(HttpResponseHead head, Exchange exchange, HttpConnection connection) {
        this.head = head;
        this.exchange = exchange;
        this.connection = connection;
        this.cleanable = CLEANER.register(this, exchange);
    }

    public int status() {
        return head.status();
    }

    public HttpResponseHead head() {
        return head;
    }

    /** The first value of header field {@code name}, case-insensitive, or null. */
    public String header(String name) {
        return head.header(name);
    }

    /**
     * The whole body, once it has arrived; asking for it lets a paused connection read on. It
     * fails if the request's timeout passes first, or if the response was abandoned before.
     */
    public CompletableFuture<byte[]> body() {
        if (exchange.wanted.compareAndSet(false, true) && !exchange.ended) {
            connection.resume(exchange);
        }
        return exchange.body;
    }

    /** {@link #body()} decoded as UTF-8. */
    public CompletableFuture<String> bodyAsString() {
        return body().thenApply(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** True once the whole body has arrived and the connection has gone back to the pool. */
    public boolean isComplete() {
        return exchange.ended;
    }

    /** Done with it: an unfinished body is abandoned and its connection closed; a finished one costs nothing. */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return head.toString();
    }
}

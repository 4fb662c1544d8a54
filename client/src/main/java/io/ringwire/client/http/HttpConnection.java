package io.ringwire.client.http;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.DeadlineExceededException;
import io.ringwire.EventLoop;
import io.ringwire.client.Dialer;
import io.ringwire.client.Endpoint;
import io.ringwire.client.RequestTimeoutException;
import io.ringwire.protocol.codec.CodecException;
import io.ringwire.protocol.http.HttpResponseDecoder;
import io.ringwire.protocol.http.HttpResponseHead;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;

/**
 * One client HTTP/1.1 connection: sends a request, decodes its response, one exchange at a time
 * (the pool lends the connection to one borrower, who gives it back when the response ends).
 *
 * <p>A request with a deadline arms the connection's read deadline
 * ({@link Connection#setReadDeadline}) when it is written; if it passes before the response has
 * ended, the exchange fails with a {@link RequestTimeoutException} and the connection is closed,
 * which frees its slot in the pool.
 *
 * <p>Loop-confined apart from {@link #isUsable()} and {@link #resume}, which any thread may call.
 */
final class HttpConnection implements ConnectionHandler, HttpResponseDecoder.Listener {
    private final HttpClient.Settings settings;
    private final HttpResponseDecoder decoder;
    private Connection connection;
    private EventLoop loop;
    /** Set by the loop when the connection may no longer carry a request; read by the pool. */
    private volatile boolean broken;
    private Exchange current;
    private HttpResponseHead currentHead;
    private EventLoop.Cancellable unconsumedTimer;
    /** A head decoded in this read, announced after the read: see {@link #onData}. */
    private Exchange headPending;
    private HttpClientResponse responsePending;
    private boolean paused;
    /** Requests this connection has carried, and whether any byte of the current response has come. */
    private int exchanges;
    private boolean responseStarted;
    /** The current exchange armed the read deadline. */
    private boolean deadlineArmed;
    private IOException failure;

    private HttpConnection(HttpClient.Settings settings) {
        this.settings = settings;
        this.decoder = new HttpResponseDecoder(settings.maxHead(), settings.maxBody(), this);
    }

    static CompletableFuture<HttpConnection> open(Dialer dialer, Endpoint endpoint, HttpClient.Settings settings) {
        HttpConnection h = new HttpConnection(settings);
        return dialer.dial(endpoint.host(), endpoint.port(), h).thenApply(c -> h);
    }

    @Override
    public void onOpen(Connection connection) {
        this.connection = connection;
        this.loop = connection.eventLoop();
    }

    /** Open, not half-closed by the server, not broken by a protocol error or a "Connection: close". */
    boolean isUsable() {
        return !broken && connection.isOpen();
    }

    void close() {
        connection.close();
    }

    /** Sends {@code request}; the exchange completes from the loop. Any thread. */
    void send(byte[] request, boolean headRequest, Exchange exchange) {
        loop.execute(() -> {
            if (broken || !connection.isOpen() || current != null) {
                // Nothing was written: the request may go out again on another connection.
                exchange.fail(new ClosedBeforeSendException("connection to " + connection.remoteAddress()
                        + " closed before the request was sent", failure));
                return;
            }
            if (exchange.timeoutNanos > 0) {
                long left = exchange.deadline - System.nanoTime();
                if (left <= 0) {
                    exchange.failUnsent(timedOut(exchange, "before it could be sent"));
                    return;
                }
                connection.setReadDeadline(Duration.ofNanos(left));
                deadlineArmed = true;
            }
            current = exchange;
            exchanges++;
            responseStarted = false;
            decoder.expect(headRequest);
            connection.write(request, 0, request.length);
            connection.flush();
        });
    }

    private RequestTimeoutException timedOut(Exchange ex, String when) {
        return new RequestTimeoutException("request to " + connection.remoteAddress() + " timed out after "
                + TimeUnit.NANOSECONDS.toMillis(ex.timeoutNanos) + " ms " + when);
    }

    /**
     * The user wants the body of {@code ex}: it is no longer unconsumed, and reading goes on if
     * the body window had paused it. Only while {@code ex} is the exchange in progress: a
     * response that has ended leaves the connection to the next one, whose backpressure is its
     * own. Any thread.
     */
    void resume(Exchange ex) {
        loop.execute(() -> {
            if (current != ex) {
                return;
            }
            if (unconsumedTimer != null) {
                unconsumedTimer.cancel();
                unconsumedTimer = null;
            }
            unpause();
        });
    }

    private void unpause() {
        if (paused) {
            paused = false;
            connection.setAutoRead(true);
        }
    }

    @Override
    public void onData(Connection c, DirectBuffer data, int offset, int length) {
        if (broken && current == null) {
            return;
        }
        responseStarted = true;
        try {
            decoder.decode(data, offset, length);
        } catch (CodecException e) {
            fail(new IOException("bad response from " + c.remoteAddress() + ": " + e.getMessage(), e));
            c.close();
        } finally {
            announceHead();
        }
    }

    /**
     * Completes the head future after the whole read is decoded, not from within it: when the
     * response arrived whole, its connection is back in the pool before the caller hears of it, so
     * a caller sending its next request at once reuses it rather than opening another.
     */
    private void announceHead() {
        Exchange ex = headPending;
        if (ex != null) {
            HttpClientResponse r = responsePending;
            headPending = null;
            responsePending = null;
            ex.headArrived(r);
        }
    }

    @Override
    public void onHead(HttpResponseHead head) {
        Exchange ex = current;
        currentHead = head;
        if (!head.keepAlive()) {
            broken = true; // no further request on this connection, whatever happens to this one
        }
        HttpClientResponse response = new HttpClientResponse(head, ex, this);
        long timeout = settings.unconsumedBodyTimeout().toNanos();
        if (timeout > 0) {
            unconsumedTimer = loop.schedule(ex::unconsumedTimeout, timeout, TimeUnit.NANOSECONDS);
        }
        headPending = ex;
        responsePending = response;
    }

    @Override
    public void onBody(DirectBuffer buffer, int offset, int length) {
        Exchange ex = current;
        int held = ex.append(buffer, offset, length);
        if (held > settings.bodyWindow() && !ex.wanted.get() && !paused) {
            // Nobody has asked for the body yet: stop reading; TCP pushes back on the server.
            paused = true;
            connection.setAutoRead(false);
        }
    }

    @Override
    public void onEnd() {
        Exchange ex = current;
        HttpResponseHead head = currentHead;
        current = null;
        currentHead = null;
        if (unconsumedTimer != null) {
            unconsumedTimer.cancel();
            unconsumedTimer = null;
        }
        if (deadlineArmed) {
            deadlineArmed = false;
            connection.setReadDeadline(Duration.ZERO);
        }
        // The body window may have paused reading in the very read that carried the end: the
        // connection goes back to the pool, and the next exchange must find it reading.
        unpause();
        ex.end(head.keepAlive() && !broken);
    }

    /** The read deadline of the current exchange passed: it fails, and the connection is closed. */
    @Override
    public void onTimeout(Connection c, DeadlineExceededException timeout) {
        if (timeout.kind() != DeadlineExceededException.Kind.READ || !deadlineArmed || current == null) {
            return;
        }
        deadlineArmed = false;
        fail(timedOut(current, currentHead == null ? "with no response" : "before the response ended"));
        c.close();
    }

    @Override
    public void onInputShutdown(Connection c) {
        broken = true;
        if (decoder.onEof()) {
            fail(closedEarly("the server closed the connection before the response ended", null));
        }
        c.close();
    }

    @Override
    public void onError(Connection c, Throwable cause) {
        if (failure == null) {
            failure = cause instanceof IOException io ? io : new IOException(cause);
        }
    }

    @Override
    public void onClose(Connection c) {
        broken = true;
        if (current != null) {
            fail(closedEarly("connection to " + c.remoteAddress() + " closed before the response ended", failure));
        }
        if (unconsumedTimer != null) {
            unconsumedTimer.cancel();
        }
        decoder.close();
    }

    /** A close before the response: stale if the connection was reused and not a byte of it came back. */
    private IOException closedEarly(String message, IOException cause) {
        if (exchanges > 1 && !responseStarted) {
            return new StaleConnectionException(message + " (a reused connection: no byte of the response came back)", cause);
        }
        return cause != null ? cause : new IOException(message);
    }

    private void fail(IOException cause) {
        broken = true;
        Exchange ex = current;
        current = null;
        if (ex != null) {
            ex.fail(cause);
        }
    }
}

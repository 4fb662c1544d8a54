package io.ringwire.client.http;

import io.ringwire.client.PooledConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agrona.DirectBuffer;

/**
 * The state of one request/response on one borrowed connection, and the rule that gives the
 * connection back exactly once: released for reuse once the response has fully arrived on a
 * keep-alive connection, discarded (closed) when it failed, was abandoned before its end, or the
 * server said close.
 *
 * <p>Body bytes are written on the connection's loop thread and read by the user's thread after
 * {@link #body} completes (a happens-before edge). The flags are atomics because the user, the
 * loop, the timeout and the cleaner may all try to end the exchange.
 */
final class Exchange implements Runnable {
    final PooledConnection<HttpConnection> lease;
    /** The borrow's stamp: giving the connection back can never touch someone else's later borrow. */
    private final long stamp;
    /** The call's deadline ({@link System#nanoTime()}) and its length, or 0 for none. */
    final long deadline;
    final long timeoutNanos;
    /**
     * Completed with the response when its head arrives, then cleared: nothing reachable from this
     * object (the cleaner's action) may hold the response, or the cleaner would never run.
     */
    volatile CompletableFuture<HttpClientResponse> head = new CompletableFuture<>();
    final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicBoolean returned = new AtomicBoolean();
    /** The user asked for the body, or closed the response: reading may go on. */
    final AtomicBoolean wanted = new AtomicBoolean();
    volatile boolean ended;

    Exchange(PooledConnection<HttpConnection> lease, Call call) {
        this.lease = lease;
        this.stamp = lease.stamp();
        this.deadline = call.deadline;
        this.timeoutNanos = call.timeoutNanos;
    }

    /** Loop thread: the head arrived. */
    void headArrived(HttpClientResponse response) {
        CompletableFuture<HttpClientResponse> h = head;
        head = null;
        if (h != null) {
            h.complete(response);
        }
    }

    /** Loop thread. */
    int append(DirectBuffer buffer, int offset, int length) {
        byte[] b = new byte[length];
        buffer.getBytes(offset, b);
        bytes.writeBytes(b);
        return bytes.size();
    }

    /** Loop thread: the whole response arrived. */
    void end(boolean keepAlive) {
        ended = true;
        // The connection first: whoever sees the body complete may send the next request at once
        // and should find the connection idle, not open another.
        giveBack(keepAlive);
        body.complete(bytes.toByteArray());
    }

    /** Any thread: the exchange failed or was abandoned; the connection cannot be trusted. */
    void fail(IOException cause) {
        failWith(cause, false);
    }

    /** Any thread: the request was never written and the connection is as good as it was; it goes back for reuse. */
    void failUnsent(Throwable cause) {
        failWith(cause, true);
    }

    private void failWith(Throwable cause, boolean reuse) {
        CompletableFuture<HttpClientResponse> h = head;
        if (h != null) {
            h.completeExceptionally(cause);
        }
        body.completeExceptionally(cause);
        giveBack(reuse);
    }

    private void giveBack(boolean reuse) {
        if (returned.compareAndSet(false, true)) {
            if (reuse) {
                lease.release(stamp);
            } else {
                lease.discard(stamp);
            }
        }
    }

    /**
     * The unconsumed-body timer: abandons the response only if nobody has asked for its body. A
     * body that is being read may take as long as it takes (the request timeout bounds it).
     */
    void unconsumedTimeout() {
        if (!wanted.get() && !ended) {
            fail(new IOException("response abandoned before its body was read; its connection was closed"));
        }
    }

    /**
     * Abandons the response if its body has not fully arrived: the user closed it, its unconsumed
     * timeout passed, or it became unreachable (this is the {@link java.lang.ref.Cleaner} action,
     * so it must not refer to the response). A complete response needs nothing: its connection
     * went back when it ended.
     */
    @Override
    public void run() {
        wanted.set(true);
        if (!ended) {
            fail(new IOException("response abandoned before its body was read; its connection was closed"));
        }
    }
}

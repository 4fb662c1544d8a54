package io.ringwire.client.http;

import io.ringwire.client.RetryPolicy;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One {@link HttpClient#send} as the caller sees it, over all its attempts: its deadline, and
 * what is in flight (an acquire or an exchange), so that a caller who gives up, by cancelling the
 * future or by its deadline passing, frees the connection at once instead of leaving it to a
 * silent server.
 *
 * <p>Thread-safe: the caller's thread cancels, attempts start on the retry scheduler's, and
 * exchanges end on an event loop. The fields are volatile and every hand-over is checked twice
 * (set, then look at the other side), so a cancel racing an attempt is seen by one or both.
 */
final class Call {
    final long timeoutNanos;
    /** {@link System#nanoTime()} by which the whole call must be over; meaningless without a timeout. */
    final long deadline;
    final CompletableFuture<HttpClientResponse> result = new CompletableFuture<>();
    private volatile CompletableFuture<?> acquiring;
    private volatile Exchange exchange;

    Call(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        this.deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
    }

    boolean hasDeadline() {
        return timeoutNanos > 0;
    }

    /** Nanoseconds left; {@link Long#MAX_VALUE} without a deadline. */
    long remainingNanos() {
        return hasDeadline() ? deadline - System.nanoTime() : Long.MAX_VALUE;
    }

    boolean isOver() {
        return result.isDone();
    }

    /**
     * Links the retry loop's future to {@link #result}: a response that arrives for a caller who
     * has gone is closed (its connection freed); a caller who goes (cancels) stops the retries and
     * aborts what is in flight.
     */
    CompletableFuture<HttpClientResponse> watch(CompletableFuture<HttpClientResponse> tries) {
        tries.whenComplete((r, e) -> {
            if (e == null) {
                if (!result.complete(r)) {
                    r.close();
                }
            } else {
                result.completeExceptionally(RetryPolicy.unwrap(e));
            }
        });
        result.whenComplete((r, e) -> {
            if (e instanceof CancellationException) {
                tries.cancel(false);
                abort(new IOException("request cancelled by its caller; its connection was closed"));
            }
        });
        return result;
    }

    /** An acquire for this call started: cancelled at once if the call is already over. */
    void acquiring(CompletableFuture<?> f) {
        acquiring = f;
        if (isOver()) {
            f.cancel(false);
        }
    }

    /** An exchange for this call starts; false (and nothing to send) if the call is already over. */
    boolean exchanging(Exchange ex) {
        exchange = ex;
        return !isOver();
    }

    private void abort(IOException cause) {
        CompletableFuture<?> a = acquiring;
        if (a != null) {
            a.cancel(false); // the pool gives up the place in its queue
        }
        Exchange ex = exchange;
        if (ex != null) {
            ex.fail(cause); // discards the connection: the server may be half way through an answer
        }
    }
}

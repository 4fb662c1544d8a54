package io.ringwire.loop;

import io.ringwire.Connection;
import io.ringwire.EventLoop.Cancellable;
import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A client connection's connect, from {@link AbstractEventLoop#connect} until the caller's future
 * settles: that future, and the timer that bounds the wait. Server connections have none.
 *
 * <p>The future settles once. It completes after onOpen has returned with the connection still
 * open ({@link #complete}); otherwise it fails, with the close's cause, once the connection has
 * released its descriptor ({@link #fail}). A close inside onOpen takes the second way: on
 * io_uring that release may come only after onOpen has returned (a send of onOpen's still in
 * flight), which is why nothing but the release may fail the future.
 *
 * <p>Confined to the connection's loop thread; other threads see only the future.
 */
final class ClientConnect {
    private final CompletableFuture<Connection> future;
    /** Fires {@link AbstractConnection#connectTimedOut}; null without a timeout, and once cancelled. */
    private Cancellable timer;
    private final Duration timeout;

    ClientConnect(CompletableFuture<Connection> future, Cancellable timer, Duration timeout) {
        this.future = future;
        this.timer = timer;
        this.timeout = timeout;
    }

    /** What a connect that ran out of time closes with; {@code remote} as error messages print it. */
    Errors.TimedOut timedOut(String remote) {
        return new Errors.TimedOut("connect " + remote + ": timed out after " + timeout.toMillis() + " ms",
                Errno.ETIMEDOUT, "connect");
    }

    /** The connect finished, or the connection closed: the timeout no longer applies. */
    void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** onOpen has returned and the connection is open. */
    void complete(Connection connection) {
        future.complete(connection);
    }

    /** The connection has released its descriptor first: {@code cause} is null for a requested close. */
    void fail(Throwable cause, String remote) {
        future.completeExceptionally(cause != null ? cause
                : new Errors.Closed("connect " + remote + ": closed before it completed"));
    }
}

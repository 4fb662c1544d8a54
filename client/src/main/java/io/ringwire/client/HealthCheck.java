package io.ringwire.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The health check a connection handed out after {@link PoolConfig#healthCheckAfterIdle()} of
 * idleness must pass before its borrower gets it, bounded by what is left of the acquire deadline.
 *
 * <p>A check that does not answer by the deadline counts as failed: the connection cannot be
 * trusted and is discarded, and the acquire times out. After a failed check the acquire goes on,
 * for the time that is left.
 *
 * <p>Called on the thread that handed the connection out, never under the endpoint's lock: it
 * calls {@link ConnectionFactory#healthCheck} and completes the borrower's future. It takes no
 * lock of its own; per check, one {@link AtomicBoolean} decides between the answer (on whichever
 * thread completes the factory's future) and the deadline (on the pool's housekeeping thread).
 */
final class HealthCheck<T> {
    private final EndpointPool<T> owner;

    HealthCheck(EndpointPool<T> owner) {
        this.owner = owner;
    }

    /**
     * {@code e}, handed out to this borrower: at once, or after the check when the hand-out found
     * it due one ({@link PooledConnection#checkNeeded}).
     */
    CompletableFuture<PooledConnection<T>> before(PooledConnection<T> e, long deadline, long timeoutNanos) {
        if (!e.checkNeeded) {
            return CompletableFuture.completedFuture(e);
        }
        CompletableFuture<Boolean> check;
        try {
            check = owner.factory.healthCheck(e.get());
        } catch (RuntimeException ex) {
            check = CompletableFuture.failedFuture(ex);
        }
        CompletableFuture<PooledConnection<T>> result = new CompletableFuture<>();
        AtomicBoolean decided = new AtomicBoolean();
        Future<?> timer = null;
        if (!check.isDone()) {
            long left = deadline - System.nanoTime();
            Runnable expire = () -> {
                if (decided.compareAndSet(false, true)) {
                    owner.countTimeout();
                    e.discard(); // no answer: the connection cannot be trusted
                    result.completeExceptionally(new PoolTimeoutException("acquire " + owner.endpoint + " timed out after "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms: the health check of an idle connection"
                            + " did not answer; " + owner.describe()));
                }
            };
            if (left <= 0 || (timer = owner.pool.schedule(expire, left)) == null) {
                expire.run();
                return result;
            }
        }
        Future<?> checkTimer = timer;
        check.whenComplete((ok, err) -> {
            if (!decided.compareAndSet(false, true)) {
                return; // timed out first: already discarded
            }
            if (checkTimer != null) {
                checkTimer.cancel(false);
            }
            if (err == null && Boolean.TRUE.equals(ok)) {
                handTo(result, e);
                return;
            }
            e.discard();
            forward(owner.acquire(Math.max(0, deadline - System.nanoTime())), result);
        });
        return result;
    }

    /** Passes what {@code from} completes with on to {@code to}: the connection, or the failure unwrapped. */
    static <T> void forward(CompletableFuture<PooledConnection<T>> from, CompletableFuture<PooledConnection<T>> to) {
        from.whenComplete((c, x) -> {
            if (x != null) {
                to.completeExceptionally(RetryPolicy.unwrap(x));
            } else {
                handTo(to, c);
            }
        });
    }

    /** Completes {@code f} with {@code e}, or gives {@code e} back if its borrower cancelled meanwhile. */
    private static <T> void handTo(CompletableFuture<PooledConnection<T>> f, PooledConnection<T> e) {
        if (!f.complete(e)) {
            e.release();
        }
    }
}

package io.ringwire.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * When to retry, and how long to wait: a {@link Backoff}, a test of which failures are worth
 * retrying at all ({@link IOException}s by default), and the idempotence rule.
 *
 * <h2>Idempotence</h2>
 * A request that may have reached the server is retried only if it is idempotent (GET, PUT,
 * DELETE, a PING...) or the caller said {@link Builder#retryNonIdempotent(boolean) so}: the server
 * may have acted on the first copy. A failure that proves nothing was sent
 * ({@link NotSentException}, a refused connect, an unresolvable host) is retried either way.
 * A {@link RequestTimeoutException} is never retried: the request's deadline covers its retries.
 *
 * <p>Immutable and thread-safe. Clock, randomness and scheduler are injectable for tests.
 */
public final class RetryPolicy {
    private final Backoff backoff;
    private final Predicate<Throwable> retryable;
    private final boolean retryNonIdempotent;
    private final NanoClock clock;
    private final RandomGenerator random;
    private final Scheduler scheduler;

    private RetryPolicy(Builder b) {
        this.backoff = b.backoff;
        this.retryable = b.retryable;
        this.retryNonIdempotent = b.retryNonIdempotent;
        this.clock = b.clock;
        this.random = b.random;
        this.scheduler = b.scheduler;
    }

    public static Builder builder(Backoff backoff) {
        return new Builder(backoff);
    }

    /** Never retries. */
    public static RetryPolicy none() {
        return builder(Backoff.none()).build();
    }

    public Backoff backoff() {
        return backoff;
    }

    /** Whether a failure of this kind, for work of this idempotence, may be retried at all (attempts aside). */
    public boolean mayRetry(Throwable cause, boolean idempotent) {
        Throwable c = unwrap(cause);
        if (c instanceof RequestTimeoutException || !retryable.test(c)) {
            return false;
        }
        return idempotent || retryNonIdempotent || provesNotSent(c);
    }

    static boolean provesNotSent(Throwable c) {
        return c instanceof NotSentException || c instanceof ConnectException || c instanceof UnknownHostException
                || c instanceof DialTimeoutException;
    }

    /** The cause inside any {@link CompletionException} wrappers. */
    public static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Runs {@code attempt} until it succeeds, a failure may not be retried, or the backoff is used
     * up; the result fails with the last cause, earlier causes attached as suppressed.
     * {@code attempt} is called on the caller's thread first, then on the scheduler's.
     * Completing or cancelling the result from outside stops the retries: no attempt starts after
     * it, and the outcome of one in flight is dropped (undoing that attempt's work, such as
     * returning a connection, is the caller's business).
     */
    public <T> CompletableFuture<T> execute(Supplier<? extends CompletableFuture<T>> attempt, boolean idempotent) {
        Objects.requireNonNull(attempt, "attempt");
        CompletableFuture<T> result = new CompletableFuture<>();
        run(attempt, idempotent, backoff.start(clock, random), result, null);
        return result;
    }

    private <T> void run(Supplier<? extends CompletableFuture<T>> attempt, boolean idempotent, Backoff.Schedule schedule,
                         CompletableFuture<T> result, Throwable earlier) {
        if (result.isDone()) {
            return; // cancelled or completed from outside while waiting to retry
        }
        CompletableFuture<T> f;
        try {
            f = attempt.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = unwrap(error);
            if (result.isDone()) {
                return;
            }
            if (earlier != null && earlier != cause && cause.getSuppressed().length < 16) {
                cause.addSuppressed(earlier);
            }
            long delay = mayRetry(cause, idempotent) ? schedule.nextDelayNanos() : -1;
            if (delay < 0) {
                result.completeExceptionally(cause);
            } else {
                scheduler.schedule(() -> run(attempt, idempotent, schedule, result, cause), delay);
            }
        });
    }

    public static final class Builder {
        private final Backoff backoff;
        private Predicate<Throwable> retryable = t -> t instanceof IOException;
        private boolean retryNonIdempotent;
        private NanoClock clock = NanoClock.SYSTEM;
        private RandomGenerator random = Backoff.THREAD_LOCAL_RANDOM;
        private Scheduler scheduler = Scheduler.DEFAULT;

        private Builder(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
        }

        /** Which failures are worth retrying; {@link IOException} by default. */
        public Builder retryOn(Predicate<Throwable> retryable) {
            this.retryable = Objects.requireNonNull(retryable, "retryable");
            return this;
        }

        /** Retry work that may have reached the server even when it is not idempotent. Off by default. */
        public Builder retryNonIdempotent(boolean on) {
            this.retryNonIdempotent = on;
            return this;
        }

        public Builder clock(NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}

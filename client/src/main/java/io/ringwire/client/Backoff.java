package io.ringwire.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (the AWS "Exponential Backoff And Jitter" scheme): the
 * delay before retry {@code n} (1-based) is uniform in {@code [0, min(cap, base * 2^(n-1))]}.
 * Full jitter spreads the clients that failed together, so a restarted server is not met by a
 * synchronised storm of reconnects.
 *
 * <p>Bounded twice: by {@link #maxAttempts()} (the first try counts) and by an overall
 * {@link #deadline()} measured from the first attempt; a retry whose delay would end past the
 * deadline is not made. Immutable and thread-safe; per-operation state lives in {@link Schedule}.
 */
public final class Backoff {
    /** Thread-safe randomness: each calling thread uses its own {@link ThreadLocalRandom} state. */
    public static final RandomGenerator THREAD_LOCAL_RANDOM = () -> ThreadLocalRandom.current().nextLong();

    private final long baseNanos;
    private final long capNanos;
    private final int maxAttempts;
    private final long deadlineNanos;

    private Backoff(Duration base, Duration cap, int maxAttempts, Duration deadline) {
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("backoff base must be positive: " + base);
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff cap " + cap + " is below its base " + base);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative: " + deadline);
        }
        this.baseNanos = base.toNanos();
        this.capNanos = cap.toNanos();
        this.maxAttempts = maxAttempts;
        this.deadlineNanos = deadline.isZero() ? Long.MAX_VALUE : deadline.toNanos();
    }

    /**
     * @param base     the ceiling of the first delay
     * @param cap      the largest ceiling any delay may have
     * @param maxAttempts attempts in all, the first included; 1 means never retry
     * @param deadline the time from the first attempt after which no retry starts; zero means none
     */
    public static Backoff of(Duration base, Duration cap, int maxAttempts, Duration deadline) {
        return new Backoff(Objects.requireNonNull(base, "base"), Objects.requireNonNull(cap, "cap"), maxAttempts,
                Objects.requireNonNull(deadline, "deadline"));
    }

    /** No retries at all. */
    public static Backoff none() {
        return of(Duration.ofMillis(1), Duration.ofMillis(1), 1, Duration.ZERO);
    }

    public Duration base() {
        return Duration.ofNanos(baseNanos);
    }

    public Duration cap() {
        return Duration.ofNanos(capNanos);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@link Duration#ZERO} when there is none. */
    public Duration deadline() {
        return deadlineNanos == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(deadlineNanos);
    }

    /** The ceiling of the delay before retry {@code retry} (1-based): {@code min(cap, base * 2^(retry-1))}, without overflow. */
    public long ceilingNanos(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based: " + retry);
        }
        int shift = retry - 1;
        if (shift >= 63 || baseNanos > (capNanos >> shift)) {
            return capNanos;
        }
        return Math.min(capNanos, baseNanos << shift);
    }

    /** A jittered delay for retry {@code retry}: uniform in {@code [0, ceilingNanos(retry)]}. */
    public long delayNanos(int retry, RandomGenerator random) {
        long ceiling = ceilingNanos(retry);
        return ceiling == Long.MAX_VALUE ? random.nextLong(0, ceiling) : random.nextLong(0, ceiling + 1);
    }

    /** The state of one operation's retries, started now by {@code clock}. */
    public Schedule start(NanoClock clock, RandomGenerator random) {
        return new Schedule(clock, random);
    }

    /**
     * The retries of one operation (or one reconnecting endpoint). Not thread-safe: one owner at a
     * time, as a retry loop or a pool's per-endpoint state (which guards it) is.
     */
    public final class Schedule {
        private final NanoClock clock;
        private final RandomGenerator random;
        private long startedAt;
        private int attempts = 1;

        private Schedule(NanoClock clock, RandomGenerator random) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.random = Objects.requireNonNull(random, "random");
            this.startedAt = clock.nanoTime();
        }

        /** Attempts made so far, the first included. */
        public int attempts() {
            return attempts;
        }

        /**
         * Records a failed attempt and returns the delay before the next, or -1 when no retry is
         * left: the attempts are used up, or the deadline would pass before the retry starts.
         */
        public long nextDelayNanos() {
            if (attempts >= maxAttempts) {
                return -1;
            }
            long delay = delayNanos(attempts, random);
            long elapsed = clock.nanoTime() - startedAt;
            if (deadlineNanos != Long.MAX_VALUE && elapsed + delay > deadlineNanos) {
                return -1;
            }
            attempts++;
            return delay;
        }

        /** Nanoseconds left before the deadline; {@link Long#MAX_VALUE} when there is none. */
        public long remainingNanos() {
            return deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE
                    : Math.max(0, deadlineNanos - (clock.nanoTime() - startedAt));
        }

        /** Starts over after a success: the next failure is again the first. */
        public void reset() {
            attempts = 1;
            startedAt = clock.nanoTime();
        }
    }

    @Override
    public String toString() {
        return "Backoff[base=" + base() + ", cap=" + cap() + ", maxAttempts=" + maxAttempts + ", deadline=" + deadline() + "]";
    }
}

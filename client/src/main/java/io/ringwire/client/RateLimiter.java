package io.ringwire.client;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket: it holds at most {@code burst} tokens and refills at {@code permitsPerSecond};
 * a call takes tokens or is refused. Implemented as GCRA (the "virtual scheduling" form of a token
 * bucket): one atomic "theoretical arrival time" replaces the token count and the refill timer,
 * so acquiring is a lock-free CAS with no background thread.
 *
 * <p>Thread-safe and lock-free. The clock is injectable for tests.
 */
public final class RateLimiter {
    private final long nanosPerPermit;
    private final long burstNanos;
    private final NanoClock clock;
    /** When the bucket would be full again if nothing more were taken; never behind "now - burst". */
    private final AtomicLong tat;

    /**
     * @param permitsPerSecond the refill rate, at most one per nanosecond
     * @param burst            the bucket's capacity: permits that may be taken at once after a pause
     */
    public RateLimiter(double permitsPerSecond, int burst, NanoClock clock) {
        if (!(permitsPerSecond > 0 && permitsPerSecond <= 1e9)) {
            throw new IllegalArgumentException("permitsPerSecond must be in (0, 1e9]: " + permitsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1: " + burst);
        }
        this.nanosPerPermit = Math.max(1, Math.round(1e9 / permitsPerSecond));
        this.burstNanos = Math.multiplyExact(nanosPerPermit, (long) burst);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tat = new AtomicLong(clock.nanoTime());
    }

    /** Takes one permit if the bucket has it. */
    public boolean tryAcquire() {
        return tryAcquire(1);
    }

    /** Takes {@code permits} at once if the bucket holds that many; otherwise takes none. */
    public boolean tryAcquire(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1: " + permits);
        }
        long cost = nanosPerPermit * permits;
        while (true) {
            long now = clock.nanoTime();
            long t = tat.get();
            long next = Math.max(t, now) + cost;
            if (next - now > burstNanos) {
                return false;
            }
            if (tat.compareAndSet(t, next)) {
                return true;
            }
        }
    }

    /** Nanoseconds until {@code permits} could be taken (0 if now); {@link Long#MAX_VALUE} if more than the burst. */
    public long nanosUntilAvailable(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1: " + permits);
        }
        long cost = nanosPerPermit * permits;
        if (cost > burstNanos) {
            return Long.MAX_VALUE;
        }
        long now = clock.nanoTime();
        return Math.max(0, Math.max(tat.get(), now) + cost - now - burstNanos);
    }

    /** Tokens in the bucket now (whole ones). */
    public long available() {
        long now = clock.nanoTime();
        long used = Math.max(0, tat.get() - now);
        return (burstNanos - used) / nanosPerPermit;
    }
}

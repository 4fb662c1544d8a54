package io.ringwire.loop;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket for new connections: {@code burst} may arrive at once, then one per
 * {@code 1/perSecond} seconds. Implemented as GCRA (the "virtual scheduling" form of a token
 * bucket): one timestamp, the theoretical arrival time of the next conforming connection, moved
 * with a compare-and-set, so listeners on several loops share it without a lock and an admission
 * allocates nothing.
 *
 * <p>Thread-safe. Time comes from a {@link NanoClock}, so tests drive it.
 */
public final class AcceptRateLimiter {
    private final NanoClock clock;
    /** Nanoseconds one token takes to come back. */
    private final long interval;
    /** How far ahead of now the arrival time may run: (burst - 1) intervals. */
    private final long tolerance;
    /** The theoretical arrival time of the next connection, in the clock's nanoseconds. */
    private final AtomicLong tat;

    /**
     * @param perSecond tokens added per second; must be positive
     * @param burst bucket size: connections admitted at once after a quiet spell; at least 1
     */
    public AcceptRateLimiter(double perSecond, int burst, NanoClock clock) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("accept rate must be a positive number per second: " + perSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("accept burst must be at least 1: " + burst);
        }
        this.clock = clock;
        this.interval = Math.max(1, (long) (1e9 / perSecond));
        try {
            this.tolerance = Math.multiplyExact(interval, (long) (burst - 1));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("accept burst " + burst + " at " + perSecond + "/s spans centuries");
        }
        this.tat = new AtomicLong(clock.nanoTime());
    }

    /** Takes a token if one is there; false means "over the rate: refuse this connection". */
    public boolean tryAcquire() {
        long now = clock.nanoTime();
        while (true) {
            long current = tat.get();
            long start = current - now > 0 ? current : now;
            if (start - now > tolerance) {
                return false;
            }
            if (tat.compareAndSet(current, start + interval)) {
                return true;
            }
        }
    }
}

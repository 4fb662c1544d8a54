package io.ringwire.client;

import java.time.Duration;
import java.util.Objects;

/**
 * A circuit breaker: it stops calling an endpoint that keeps failing, and lets a few probes
 * through later to see whether it has recovered.
 * <ul>
 *   <li><b>CLOSED</b>: calls pass; their outcomes fill a sliding window of the last
 *       {@code windowSize} calls. Once the window holds at least {@code minimumCalls} outcomes and
 *       the failure rate reaches {@code failureRateThreshold}, the breaker opens.</li>
 *   <li><b>OPEN</b>: calls are refused at once ({@link #tryAcquire()} is false) for
 *       {@code openDuration}, then the breaker turns half-open.</li>
 *   <li><b>HALF_OPEN</b>: at most {@code halfOpenProbes} calls pass. A failure among them opens
 *       the breaker again; that many successes close it with an empty window.</li>
 * </ul>
 *
 * <p>Usage: {@code if (breaker.tryAcquire()) { call; breaker.onSuccess() or onFailure() }}; a call
 * that was let through must report exactly one outcome.
 *
 * <p>Thread-safe. Every method takes one short lock: the breaker is consulted once per call, far
 * from the cost of the call itself, and a lock keeps the state transitions plainly correct.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int windowSize;
    private final int minimumCalls;
    private final double failureRateThreshold;
    private final long openNanos;
    private final int halfOpenProbes;
    private final NanoClock clock;

    /** The sliding window: a ring of the last outcomes, true for a failure. */
    private final boolean[] window;
    private int windowPos;
    private int windowCount;
    private int windowFailures;

    private State state = State.CLOSED;
    private long openedAt;
    private int probesIssued;
    private int probeSuccesses;
    private long rejected;

    /**
     * @param windowSize           outcomes remembered while closed
     * @param minimumCalls         outcomes needed before the rate is judged (at most windowSize)
     * @param failureRateThreshold the failure share, in (0, 1], that opens the breaker
     * @param openDuration         how long an open breaker refuses calls
     * @param halfOpenProbes       calls let through while half-open
     */
    public CircuitBreaker(int windowSize, int minimumCalls, double failureRateThreshold, Duration openDuration,
                          int halfOpenProbes, NanoClock clock) {
        if (windowSize < 1 || minimumCalls < 1 || minimumCalls > windowSize) {
            throw new IllegalArgumentException("need 1 <= minimumCalls <= windowSize, got " + minimumCalls + " and " + windowSize);
        }
        if (!(failureRateThreshold > 0 && failureRateThreshold <= 1)) {
            throw new IllegalArgumentException("failureRateThreshold must be in (0, 1]: " + failureRateThreshold);
        }
        if (openDuration.isNegative() || openDuration.isZero()) {
            throw new IllegalArgumentException("openDuration must be positive: " + openDuration);
        }
        if (halfOpenProbes < 1) {
            throw new IllegalArgumentException("halfOpenProbes must be at least 1: " + halfOpenProbes);
        }
        this.windowSize = windowSize;
        this.minimumCalls = minimumCalls;
        this.failureRateThreshold = failureRateThreshold;
        this.openNanos = openDuration.toNanos();
        this.halfOpenProbes = halfOpenProbes;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = new boolean[windowSize];
    }

    /** The state now; an open breaker whose time is up reports HALF_OPEN. */
    public synchronized State state() {
        advance();
        return state;
    }

    /** Calls refused since creation. */
    public synchronized long rejected() {
        return rejected;
    }

    /** The failure share of the window now (0 when empty). */
    public synchronized double failureRate() {
        return windowCount == 0 ? 0 : (double) windowFailures / windowCount;
    }

    /** True if a call may go ahead now; it must then report {@link #onSuccess} or {@link #onFailure}. */
    public synchronized boolean tryAcquire() {
        advance();
        switch (state) {
            case CLOSED:
                return true;
            case HALF_OPEN:
                if (probesIssued < halfOpenProbes) {
                    probesIssued++;
                    return true;
                }
                break;
            default:
                break;
        }
        rejected++;
        return false;
    }

    public synchronized void onSuccess() {
        advance();
        if (state == State.HALF_OPEN) {
            if (++probeSuccesses >= halfOpenProbes) {
                close();
            }
        } else if (state == State.CLOSED) {
            record(false);
        }
    }

    public synchronized void onFailure() {
        advance();
        if (state == State.HALF_OPEN) {
            open();
        } else if (state == State.CLOSED) {
            record(true);
            if (windowCount >= minimumCalls && (double) windowFailures / windowCount >= failureRateThreshold) {
                open();
            }
        }
        // OPEN: a late outcome of a call let through before the breaker opened changes nothing.
    }

    private void record(boolean failure) {
        if (windowCount == windowSize) {
            if (window[windowPos]) {
                windowFailures--;
            }
        } else {
            windowCount++;
        }
        window[windowPos] = failure;
        if (failure) {
            windowFailures++;
        }
        windowPos = (windowPos + 1) % windowSize;
    }

    private void advance() {
        if (state == State.OPEN && clock.nanoTime() - openedAt >= openNanos) {
            state = State.HALF_OPEN;
            probesIssued = 0;
            probeSuccesses = 0;
        }
    }

    private void open() {
        state = State.OPEN;
        openedAt = clock.nanoTime();
    }

    private void close() {
        state = State.CLOSED;
        windowPos = 0;
        windowCount = 0;
        windowFailures = 0;
    }

    @Override
    public synchronized String toString() {
        return "CircuitBreaker[" + state + ", failures=" + windowFailures + "/" + windowCount + ", rejected=" + rejected + "]";
    }
}

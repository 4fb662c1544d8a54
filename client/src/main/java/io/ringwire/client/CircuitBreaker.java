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
 *       the breaker again; that many successes close it with an empty window. Probes that report
 *       nothing for {@code probeTimeout} count as failed (the breaker opens again), so a probe
 *       whose call hangs cannot keep every other call refused for good.</li>
 * </ul>
 *
 * <h2>Permits</h2>
 * Usage: {@code long p = breaker.acquirePermit(); if (p != REFUSED) { call; breaker.onSuccess(p)
 * or onFailure(p) or onIgnored(p) }}; a call that was let through reports exactly one of them. A
 * permit is stamped with the breaker's state generation, which moves on every transition: the
 * outcome of a call let through before one (a slow call admitted while CLOSED and ending after
 * the breaker opened and turned half-open) is ignored, so it cannot pass for a probe. The older
 * {@link #tryAcquire()} with {@link #onSuccess()} and {@link #onFailure()} counts every outcome
 * against the state as it is when the outcome comes.
 *
 * <p>Thread-safe. Every method takes one short lock: the breaker is consulted once per call, far
 * from the cost of the call itself, and a lock keeps the state transitions plainly correct.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** What {@link #acquirePermit()} returns when the call may not go ahead. */
    public static final long REFUSED = -1;

    private final int windowSize;
    private final int minimumCalls;
    private final double failureRateThreshold;
    private final long openNanos;
    private final int halfOpenProbes;
    private final long probeTimeoutNanos;
    private final NanoClock clock;

    /** The sliding window: a ring of the last outcomes, true for a failure. */
    private final boolean[] window;
    private int windowPos;
    private int windowCount;
    private int windowFailures;

    private State state = State.CLOSED;
    /** Moves on every transition; a permit carries the value it was issued under. */
    private long generation;
    private long openedAt;
    private int probesIssued;
    private int probeSuccesses;
    /** When a probe was last issued with none outstanding, or last reported: the probe timeout runs from here. */
    private long probeClockAt;
    private long rejected;

    /**
     * @param windowSize           outcomes remembered while closed
     * @param minimumCalls         outcomes needed before the rate is judged (at most windowSize)
     * @param failureRateThreshold the failure share, in (0, 1], that opens the breaker
     * @param openDuration         how long an open breaker refuses calls
     * @param halfOpenProbes       calls let through while half-open
     * @param clock                time, injectable for tests
     *
     * <p>Probes time out after {@code openDuration}: see the 7-argument constructor.
     */
    public CircuitBreaker(int windowSize, int minimumCalls, double failureRateThreshold, Duration openDuration,
                          int halfOpenProbes, NanoClock clock) {
        this(windowSize, minimumCalls, failureRateThreshold, openDuration, halfOpenProbes, openDuration, clock);
    }

    /**
     * @param probeTimeout how long half-open probes may go without reporting before they count as
     *                     failed; give calls that take longer than {@code openDuration} more
     */
    public CircuitBreaker(int windowSize, int minimumCalls, double failureRateThreshold, Duration openDuration,
                          int halfOpenProbes, Duration probeTimeout, NanoClock clock) {
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
        if (probeTimeout.isNegative() || probeTimeout.isZero()) {
            throw new IllegalArgumentException("probeTimeout must be positive: " + probeTimeout);
        }
        this.probeTimeoutNanos = probeTimeout.toNanos();
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
    public boolean tryAcquire() {
        return acquirePermit() != REFUSED;
    }

    /**
     * A permit for one call, or {@link #REFUSED}. Report the call's outcome with the permit:
     * {@link #onSuccess(long)}, {@link #onFailure(long)} or {@link #onIgnored(long)}.
     */
    public synchronized long acquirePermit() {
        advance();
        switch (state) {
            case CLOSED:
                return generation;
            case HALF_OPEN:
                if (probesIssued < halfOpenProbes) {
                    if (probesIssued == probeSuccesses) {
                        probeClockAt = clock.nanoTime(); // none was outstanding: the timeout starts now
                    }
                    probesIssued++;
                    return generation;
                }
                break;
            default:
                break;
        }
        rejected++;
        return REFUSED;
    }

    /** The outcome of a call, counted against the state as it is now. */
    public synchronized void onSuccess() {
        advance();
        success();
    }

    /** The outcome of a call, counted against the state as it is now. */
    public synchronized void onFailure() {
        advance();
        failure();
    }

    /** The call of {@code permit} succeeded; ignored if the breaker has changed state since the permit. */
    public synchronized void onSuccess(long permit) {
        advance();
        if (permit == generation) {
            success();
        }
    }

    /** The call of {@code permit} failed; ignored if the breaker has changed state since the permit. */
    public synchronized void onFailure(long permit) {
        advance();
        if (permit == generation) {
            failure();
        }
    }

    /**
     * The call of {@code permit} ended without saying anything of the endpoint's health (it was
     * cancelled, or refused locally, as by a saturated pool): a half-open probe slot is given back.
     */
    public synchronized void onIgnored(long permit) {
        advance();
        if (permit == generation && state == State.HALF_OPEN && probesIssued > probeSuccesses) {
            probesIssued--;
        }
    }

    private void success() {
        if (state == State.HALF_OPEN) {
            probeClockAt = clock.nanoTime();
            if (++probeSuccesses >= halfOpenProbes) {
                close();
            }
        } else if (state == State.CLOSED) {
            record(false);
        }
    }

    private void failure() {
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
            generation++;
            probesIssued = 0;
            probeSuccesses = 0;
        } else if (state == State.HALF_OPEN && probesIssued > probeSuccesses
                && clock.nanoTime() - probeClockAt >= probeTimeoutNanos) {
            open(); // probes that never report count as failed; their late outcomes carry an old generation
        }
    }

    private void open() {
        state = State.OPEN;
        generation++;
        openedAt = clock.nanoTime();
    }

    private void close() {
        state = State.CLOSED;
        generation++;
        windowPos = 0;
        windowCount = 0;
        windowFailures = 0;
    }

    @Override
    public synchronized String toString() {
        return "CircuitBreaker[" + state + ", failures=" + windowFailures + "/" + windowCount + ", rejected=" + rejected + "]";
    }
}

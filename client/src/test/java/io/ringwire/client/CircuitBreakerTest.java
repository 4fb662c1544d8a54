package io.ringwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.client.CircuitBreaker.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final FakeClock clock = new FakeClock();
    /** Window of 10, judged after 4 calls, opens at 50% failures, for 1s, 2 probes. */
    private final CircuitBreaker breaker = new CircuitBreaker(10, 4, 0.5, Duration.ofSeconds(1), 2, clock);

    private void call(boolean fail) {
        assertTrue(breaker.tryAcquire());
        if (fail) {
            breaker.onFailure();
        } else {
            breaker.onSuccess();
        }
    }

    @Test
    void staysClosedBelowTheMinimumCallsAndTheThreshold() {
        call(true);
        call(true);
        call(true);
        assertEquals(State.CLOSED, breaker.state(), "3 failures but fewer than the minimum of 4 calls");
        breaker.onSuccess(); // not through tryAcquire: still counted as an outcome
        call(false);
        call(false);
        call(false);
        assertEquals(State.CLOSED, breaker.state(), "3 of 7 failed, under 50%");
    }

    @Test
    void opensAtTheThresholdThenHalfOpensThenCloses() {
        call(false);
        call(false);
        call(true);
        assertEquals(State.CLOSED, breaker.state());
        call(true);
        assertEquals(State.OPEN, breaker.state(), "2 of 4 = 50%");
        assertFalse(breaker.tryAcquire(), "open: refused at once");
        assertEquals(1, breaker.rejected());

        clock.advance(Duration.ofMillis(999));
        assertEquals(State.OPEN, breaker.state());
        clock.advance(Duration.ofMillis(1));
        assertEquals(State.HALF_OPEN, breaker.state());
        assertTrue(breaker.tryAcquire());
        assertTrue(breaker.tryAcquire());
        assertFalse(breaker.tryAcquire(), "only two probes while half-open");
        breaker.onSuccess();
        assertEquals(State.HALF_OPEN, breaker.state());
        breaker.onSuccess();
        assertEquals(State.CLOSED, breaker.state());
        assertEquals(0.0, breaker.failureRate(), "closing starts with an empty window");
    }

    @Test
    void aFailedProbeOpensItAgainForAFullPeriod() {
        for (int i = 0; i < 4; i++) {
            call(true);
        }
        clock.advance(Duration.ofSeconds(1));
        assertTrue(breaker.tryAcquire());
        breaker.onFailure();
        assertEquals(State.OPEN, breaker.state());
        clock.advance(Duration.ofMillis(500));
        assertFalse(breaker.tryAcquire(), "the open period restarted at the failed probe");
        clock.advance(Duration.ofMillis(500));
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void theWindowSlides() {
        CircuitBreaker b = new CircuitBreaker(4, 4, 0.75, Duration.ofSeconds(1), 1, clock);
        boolean[] outcomes = {true, true, false, false, false, true, true, false};
        for (boolean fail : outcomes) {
            assertTrue(b.tryAcquire());
            if (fail) {
                b.onFailure();
            } else {
                b.onSuccess();
            }
        }
        assertEquals(0.5, b.failureRate(), 1e-9, "only the last 4 outcomes count: ok, fail, fail, ok");
        assertEquals(State.CLOSED, b.state());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(4, 5, 0.5, Duration.ofSeconds(1), 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(4, 4, 0, Duration.ofSeconds(1), 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(4, 4, 0.5, Duration.ZERO, 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(4, 4, 0.5, Duration.ofSeconds(1), 0, clock));
    }

    /** A call admitted while CLOSED that reports after the breaker turned half-open is no probe. */
    @Test
    void anOutcomeFromAnEarlierStateIsIgnored() {
        long slow = breaker.acquirePermit(); // admitted while closed; its call takes a while
        assertTrue(slow != CircuitBreaker.REFUSED);
        for (int i = 0; i < 4; i++) {
            call(true);
        }
        assertEquals(State.OPEN, breaker.state());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(State.HALF_OPEN, breaker.state());
        breaker.onSuccess(slow);
        breaker.onSuccess(slow);
        assertEquals(State.HALF_OPEN, breaker.state(), "two late successes of an old call do not close it");
        long probe = breaker.acquirePermit();
        breaker.onFailure(slow);
        assertEquals(State.HALF_OPEN, breaker.state(), "nor does a late failure reopen it");
        breaker.onSuccess(probe);
        breaker.onSuccess(breaker.acquirePermit());
        assertEquals(State.CLOSED, breaker.state(), "the two real probes close it");
        breaker.onFailure(probe);
        assertEquals(0.0, breaker.failureRate(), "a probe's second report after the close is ignored too");
    }

    /** A probe that never reports (its call hangs) counts as failed after the probe timeout. */
    @Test
    void aProbeThatNeverReportsDoesNotWedgeItHalfOpen() {
        CircuitBreaker b = new CircuitBreaker(4, 4, 0.5, Duration.ofSeconds(1), 1, Duration.ofSeconds(5), clock);
        for (int i = 0; i < 4; i++) {
            assertTrue(b.tryAcquire());
            b.onFailure();
        }
        clock.advance(Duration.ofSeconds(1));
        long hung = b.acquirePermit();
        assertTrue(hung != CircuitBreaker.REFUSED);
        assertEquals(CircuitBreaker.REFUSED, b.acquirePermit(), "one probe at a time");
        clock.advance(Duration.ofMillis(4999));
        assertEquals(State.HALF_OPEN, b.state());
        clock.advance(Duration.ofMillis(1));
        assertEquals(State.OPEN, b.state(), "the probe timed out: open again, for a full period");
        clock.advance(Duration.ofSeconds(1));
        long next = b.acquirePermit();
        assertTrue(next != CircuitBreaker.REFUSED, "probing again");
        b.onSuccess(hung);
        assertEquals(State.HALF_OPEN, b.state(), "the hung probe's late success counts for nothing");
        b.onSuccess(next);
        assertEquals(State.CLOSED, b.state());
    }

    @Test
    void anIgnoredOutcomeGivesTheProbeSlotBack() {
        CircuitBreaker b = new CircuitBreaker(4, 4, 0.5, Duration.ofSeconds(1), 1, clock);
        for (int i = 0; i < 4; i++) {
            assertTrue(b.tryAcquire());
            b.onFailure();
        }
        clock.advance(Duration.ofSeconds(1));
        long probe = b.acquirePermit();
        assertEquals(CircuitBreaker.REFUSED, b.acquirePermit());
        b.onIgnored(probe); // say, the local pool was saturated: nothing learnt about the host
        assertEquals(State.HALF_OPEN, b.state());
        long again = b.acquirePermit();
        assertTrue(again != CircuitBreaker.REFUSED, "the slot came back");
        b.onSuccess(again);
        assertEquals(State.CLOSED, b.state());
        long closed = b.acquirePermit();
        b.onIgnored(closed);
        assertEquals(0.0, b.failureRate(), "ignored outcomes are not counted while closed either");
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(4, 4, 0.5, Duration.ofSeconds(1), 1, Duration.ZERO, clock));
    }
}

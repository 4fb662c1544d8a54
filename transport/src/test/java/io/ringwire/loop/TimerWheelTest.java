package io.ringwire.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's timing wheel, driven by a fake clock: time is whatever the test passes in. */
@Timeout(60)
class TimerWheelTest {
    private static final long MS = 1_000_000L;
    private static final long TICK = 1L << TimerWheel.TICK_SHIFT;
    private static final long REVOLUTION = TimerWheel.SLOTS * TICK;

    private final TimerWheel wheel = new TimerWheel(0);
    private final List<String> ran = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    private WheelTimer timer(String name) {
        return new WheelTimer(() -> ran.add(name));
    }

    private WheelTimer at(long deadline, String name) {
        WheelTimer t = timer(name);
        wheel.schedule(t, deadline);
        return t;
    }

    @Test
    void runsDueTimersInDeadlineOrderAndLeavesTheRest() {
        at(30 * MS, "c");
        at(10 * MS, "a");
        at(20 * MS, "b");
        at(40 * MS, "d");
        assertEquals(3, wheel.expire(30 * MS, failures::add));
        assertEquals(List.of("a", "b", "c"), ran);
        assertEquals(1, wheel.size());
        assertEquals(0, wheel.expire(40 * MS - 1, failures::add), "one nanosecond early is early");
        assertEquals(1, wheel.expire(40 * MS, failures::add));
        assertEquals(List.of("a", "b", "c", "d"), ran);
        assertEquals(0, wheel.size());
    }

    @Test
    void timersWithinOneTickRunInSchedulingOrderAndNeverEarly() {
        for (int i = 0; i < 20; i++) {
            at(5 * TICK + 10, "t" + i);
        }
        at(5 * TICK + 500, "later");
        assertEquals(0, wheel.expire(5 * TICK + 9, failures::add));
        wheel.expire(5 * TICK + 10, failures::add);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("t" + i);
        }
        assertEquals(expected, ran, "same deadline: first in, first out");
        wheel.expire(5 * TICK + 499, failures::add);
        assertFalse(ran.contains("later"), "a timer later in the same tick waits for its deadline");
        wheel.expire(5 * TICK + 500, failures::add);
        assertTrue(ran.contains("later"));
    }

    @Test
    void cancelledTimersDoNotRunAndLeaveTheWheel() {
        WheelTimer a = at(10 * MS, "a");
        at(20 * MS, "b");
        wheel.cancel(a);
        assertFalse(a.isScheduled());
        assertEquals(1, wheel.size());
        wheel.cancel(a); // twice is harmless
        wheel.expire(100 * MS, failures::add);
        assertEquals(List.of("b"), ran);
    }

    /** A running timer cancels the one the expiry pass would visit next, in the same slot. */
    @Test
    void aTimerMayCancelItsNeighbourDuringExpiry() {
        WheelTimer[] victim = new WheelTimer[1];
        wheel.schedule(new WheelTimer(() -> {
            ran.add("killer");
            wheel.cancel(victim[0]);
        }), 10);
        victim[0] = at(20, "victim");
        at(30, "bystander");
        wheel.expire(TICK - 1, failures::add);
        assertEquals(List.of("killer", "bystander"), ran);
        assertEquals(0, wheel.size());
    }

    @Test
    void reschedulingMovesTheSameTimerEarlierOrLater() {
        WheelTimer t = at(50 * MS, "t");
        wheel.schedule(t, 500 * MS); // later: the connection was active, its deadline moved on
        assertEquals(1, wheel.size(), "moved, not duplicated");
        wheel.expire(100 * MS, failures::add);
        assertTrue(ran.isEmpty());
        wheel.schedule(t, 200 * MS); // earlier
        wheel.expire(199 * MS, failures::add);
        assertTrue(ran.isEmpty());
        wheel.expire(200 * MS, failures::add);
        assertEquals(List.of("t"), ran);
        wheel.schedule(t, 300 * MS); // reused after it ran
        wheel.expire(300 * MS, failures::add);
        assertEquals(List.of("t", "t"), ran);
    }

    /** Timers one, several and many revolutions away wait in the far wheel and still run on time. */
    @Test
    void wrapsAroundPastOneRevolution() {
        long[] deadlines = {REVOLUTION - 1, REVOLUTION + 5, REVOLUTION * 3 / 2, 3 * REVOLUTION + 7, 10 * REVOLUTION + 3};
        for (int i = deadlines.length - 1; i >= 0; i--) {
            at(deadlines[i], "r" + i);
        }
        // Step through time in irregular strides, as a loop that wakes for I/O would.
        Random random = new Random(7);
        long now = 0;
        int expected = 0;
        while (now < 11 * REVOLUTION) {
            now += 1 + random.nextInt((int) (40 * MS));
            wheel.expire(now, failures::add);
            while (expected < deadlines.length && deadlines[expected] <= now) {
                expected++;
            }
            assertEquals(expected, ran.size(), "at " + now + " exactly the timers due so far ran");
        }
        assertEquals(List.of("r0", "r1", "r2", "r3", "r4"), ran);
    }

    /** Beyond the far wheel (about 4.6 minutes): the overflow list, looked at every few minutes. */
    @Test
    void timersMinutesAndHoursAwayRunOnTime() {
        long[] deadlines = {70 * REVOLUTION + 11, 100 * REVOLUTION, 100 * REVOLUTION + 1, 500 * REVOLUTION - 3, 1000 * REVOLUTION};
        for (int i = deadlines.length - 1; i >= 0; i--) {
            at(deadlines[i], "o" + i);
        }
        Random random = new Random(3);
        long now = 0;
        int expected = 0;
        while (now < 1001 * REVOLUTION) {
            // Mostly the loop's own waits, sometimes an early wake-up for I/O.
            long wait = wheel.nanosUntilNext(now);
            now += random.nextInt(4) == 0 ? 1 + random.nextInt((int) (500 * MS)) : Math.max(1, wait);
            wheel.expire(now, failures::add);
            while (expected < deadlines.length && deadlines[expected] <= now) {
                expected++;
            }
            assertEquals(expected, ran.size(), "at " + now + " exactly the timers due so far ran");
        }
        assertEquals(List.of("o0", "o1", "o2", "o3", "o4"), ran);
    }

    @Test
    void aLongSleepRunsEverythingDueInOrder() {
        at(300 * REVOLUTION, "farthest");
        at(7 * REVOLUTION, "far");
        at(2 * MS, "near");
        at(REVOLUTION + 1, "mid");
        wheel.expire(400 * REVOLUTION, failures::add);
        assertEquals(List.of("near", "mid", "far", "farthest"), ran);
    }

    @Test
    void nanosUntilNextIsExactInTheWheelAndBoundedForFarTimers() {
        assertEquals(-1, wheel.nanosUntilNext(0), "no timer: wait without limit");
        assertEquals(-1, wheel.millisUntilNext(0));
        WheelTimer first = at(MS, "first");
        at(5 * MS + 1, "second");
        assertEquals(MS, wheel.nanosUntilNext(0));
        assertEquals(1, wheel.millisUntilNext(1), "999,999 ns rounds up to 1 ms, never early");
        assertEquals(0, wheel.millisUntilNext(MS), "due now");
        assertEquals(0, wheel.millisUntilNext(2 * MS), "overdue");
        wheel.cancel(first);
        assertEquals(6, wheel.millisUntilNext(0), "5,000,001 ns rounds up to 6 ms");

        TimerWheel far = new TimerWheel(0);
        far.schedule(timer("far"), 5 * REVOLUTION);
        long wait = far.nanosUntilNext(0);
        assertTrue(wait > 0 && wait <= REVOLUTION, "wakes within a revolution to move far timers in: " + wait);
        long now = 0;
        for (int i = 0; i < 100 && ran.isEmpty(); i++) {
            now += far.nanosUntilNext(now);
            far.expire(now, failures::add);
        }
        assertEquals(List.of("far"), ran, "following the wheel's own waits reaches the far timer");
        assertTrue(now >= 5 * REVOLUTION && now < 5 * REVOLUTION + TICK, "on time, not early: " + now);
    }

    @Test
    void farDeadlinesAreCappedNotOverflowed() {
        at(Long.MAX_VALUE / 2, "far");
        int millis = wheel.millisUntilNext(0);
        assertTrue(millis > 0 && millis <= REVOLUTION / MS + 1, "bounded by the next cascade: " + millis);
        wheel.expire(REVOLUTION * 50, failures::add);
        assertTrue(ran.isEmpty());
    }

    /** The clock's origin is arbitrary: deadlines across a nanoTime wrap compare by difference. */
    @Test
    void deadlinesCompareSafelyAcrossNanoTimeOverflow() {
        long origin = Long.MAX_VALUE - 5 * MS;
        TimerWheel w = new TimerWheel(origin);
        w.schedule(timer("before"), origin + MS);
        w.schedule(timer("after"), origin + 10 * MS); // past the wrap: negative as a long
        w.expire(origin + 2 * MS, failures::add);
        assertEquals(List.of("before"), ran);
        w.expire(origin + 10 * MS, failures::add);
        assertEquals(List.of("before", "after"), ran);
    }

    /** Schedules, at 0, a timer that reschedules itself at 0 each time it runs; returns its run count. */
    private int[] selfRescheduling() {
        WheelTimer[] self = new WheelTimer[1];
        int[] runs = {0};
        self[0] = new WheelTimer(() -> {
            runs[0]++;
            wheel.schedule(self[0], 0);
        });
        wheel.schedule(self[0], 0);
        return runs;
    }

    /** A timer that keeps rescheduling itself for "now" runs once per pass, so the loop goes on. */
    @Test
    void aSelfReschedulingTimerCannotHoldTheLoop() {
        int[] runs = selfRescheduling();
        assertEquals(1, wheel.expire(MS, failures::add));
        assertEquals(1, wheel.expire(MS, failures::add));
        assertEquals(2, runs[0]);
        assertEquals(0, wheel.nanosUntilNext(MS), "overdue: the loop must not sleep");
    }

    /**
     * The same across a catch-up of several ticks: the rescheduled timer must land where the next
     * call looks, not in the tick this call is walking past (where it would wait a revolution).
     */
    @Test
    void aTimerRescheduledIntoThePastDuringACatchUpRunsAtTheNextCall() {
        int[] runs = selfRescheduling();
        assertEquals(1, wheel.expire(10 * MS, failures::add));
        assertEquals(0, wheel.nanosUntilNext(10 * MS), "overdue: the loop must not sleep");
        assertEquals(1, wheel.expire(10 * MS, failures::add), "runs at the next call, not a revolution later");
        assertEquals(1, wheel.expire(11 * MS, failures::add));
        assertEquals(3, runs[0]);
    }

    /** A timer that moves another into the past, mid catch-up, over several ticks and revolutions. */
    @Test
    void aTimerMovedIntoThePastMidCatchUpIsNotStranded() {
        WheelTimer moved = at(REVOLUTION / 2, "moved");
        wheel.schedule(new WheelTimer(() -> {
            ran.add("mover");
            wheel.schedule(moved, 2 * TICK); // earlier than the tick being walked
        }), 5 * TICK);
        at(9 * TICK, "after");
        assertEquals(2, wheel.expire(20 * TICK, failures::add), "mover and after; moved waits for the next call");
        assertEquals(List.of("mover", "after"), ran);
        assertEquals(0, wheel.nanosUntilNext(20 * TICK), "moved is overdue");
        assertEquals(1, wheel.expire(20 * TICK, failures::add));
        assertEquals(List.of("mover", "after", "moved"), ran);
        assertEquals(0, wheel.size());
        assertEquals(-1, wheel.nanosUntilNext(20 * TICK));

        // Across a revolution boundary, with a catch-up longer than the wheel itself.
        WheelTimer late = at(3 * REVOLUTION, "late");
        wheel.schedule(new WheelTimer(() -> wheel.schedule(late, 21 * TICK)), 30 * TICK);
        wheel.expire(20 * TICK + 2 * REVOLUTION, failures::add);
        assertFalse(ran.contains("late"), "not in the call that moved it");
        assertEquals(1, wheel.expire(20 * TICK + 2 * REVOLUTION, failures::add));
        assertTrue(ran.contains("late"));
    }

    @Test
    void aFailingTimerIsReportedAndTheOthersStillRun() {
        RuntimeException boom = new RuntimeException("boom");
        at(1, "a");
        wheel.schedule(new WheelTimer(() -> {
            throw boom;
        }), 2);
        at(3, "c");
        assertEquals(3, wheel.expire(3, failures::add));
        assertEquals(List.of("a", "c"), ran);
        assertEquals(List.of(boom), failures);
    }

    /** A million pending timers: schedule, move half, cancel a quarter, and run the rest in order. */
    @Test
    void aMillionTimers() {
        int n = 1_000_000;
        long span = 600_000 * MS; // 10 minutes: timers in the near wheel, the far wheel and the overflow list
        Random random = new Random(42);
        WheelTimer[] timers = new WheelTimer[n];
        long[] deadline = new long[n];
        int[] fired = {0};
        long[] lastDeadline = {Long.MIN_VALUE};
        long[] clock = {0};
        boolean[] early = {false};
        boolean[] outOfOrder = {false};
        for (int i = 0; i < n; i++) {
            int id = i;
            timers[i] = new WheelTimer(() -> {
                fired[0]++;
                if (deadline[id] > clock[0]) {
                    early[0] = true;
                }
                // Order holds between ticks; within one tick, scheduling order.
                if ((deadline[id] >> TimerWheel.TICK_SHIFT) < (lastDeadline[0] >> TimerWheel.TICK_SHIFT)) {
                    outOfOrder[0] = true;
                }
                lastDeadline[0] = deadline[id];
            });
            deadline[i] = 1 + (long) (random.nextDouble() * span);
            wheel.schedule(timers[i], deadline[i]);
        }
        assertEquals(n, wheel.size());
        for (int i = 0; i < n; i += 2) {
            deadline[i] = 1 + (long) (random.nextDouble() * span);
            wheel.schedule(timers[i], deadline[i]);
        }
        int cancelled = 0;
        for (int i = 1; i < n; i += 4) {
            wheel.cancel(timers[i]);
            cancelled++;
        }
        assertEquals(n - cancelled, wheel.size());
        int steps = 0;
        while (wheel.size() > 0) {
            long wait = wheel.nanosUntilNext(clock[0]);
            assertTrue(wait >= 0, "timers are pending, so there is a next one");
            clock[0] += Math.max(wait, 1);
            wheel.expire(clock[0], failures::add);
            assertTrue(++steps < 10 * n, "bounded");
        }
        assertEquals(n - cancelled, fired[0]);
        assertFalse(early[0], "no timer ran before its deadline");
        assertFalse(outOfOrder[0], "timers ran in deadline order, tick by tick");
        assertTrue(failures.isEmpty());
    }

    @Test
    void clearDropsEverythingAndTimersCanBeReused() {
        WheelTimer a = at(1, "a");
        at(3 * REVOLUTION, "b");
        wheel.clear();
        assertEquals(0, wheel.size());
        assertFalse(a.isScheduled());
        assertEquals(0, wheel.expire(10 * REVOLUTION, failures::add));
        assertTrue(ran.isEmpty());
        wheel.schedule(a, 11 * REVOLUTION);
        wheel.expire(11 * REVOLUTION, failures::add);
        assertEquals(List.of("a"), ran);
    }
}

package io.ringwire.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's timer heap, driven with a fake clock. */
@Timeout(10)
class TimerQueueTest {
    private final TimerQueue queue = new TimerQueue();
    private final List<String> ran = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    private ScheduledTask at(long deadline, String name) {
        ScheduledTask t = new ScheduledTask(deadline, () -> ran.add(name));
        queue.add(t);
        return t;
    }

    @Test
    void runsDueTasksInDeadlineOrderAndLeavesTheRest() {
        at(30, "c");
        at(10, "a");
        at(20, "b");
        at(40, "d");
        assertEquals(3, queue.runExpired(30, failures::add));
        assertEquals(List.of("a", "b", "c"), ran);
        assertEquals(1, queue.size());
        assertEquals(0, queue.runExpired(39, failures::add));
        assertEquals(1, queue.runExpired(40, failures::add));
        assertEquals(List.of("a", "b", "c", "d"), ran);
    }

    @Test
    void equalDeadlinesRunFirstInFirstOut() {
        for (int i = 0; i < 20; i++) {
            at(5, "t" + i);
        }
        queue.runExpired(5, failures::add);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("t" + i);
        }
        assertEquals(expected, ran);
    }

    @Test
    void deadlinesCompareSafelyAcrossNanoTimeOverflow() {
        long nearMax = Long.MAX_VALUE - 5;
        at(nearMax, "before");
        // nanoTime may wrap: a deadline past the wrap is later, not earlier.
        ScheduledTask wrapped = new ScheduledTask(nearMax + 10, () -> ran.add("after"));
        queue.add(wrapped);
        queue.runExpired(nearMax, failures::add);
        assertEquals(List.of("before"), ran);
    }

    @Test
    void cancelledTasksDoNotRun() {
        ScheduledTask a = at(10, "a");
        at(20, "b");
        assertTrue(a.cancel());
        queue.runExpired(100, failures::add);
        assertEquals(List.of("b"), ran);
    }

    @Test
    void cancelAfterTheTaskStartedReturnsFalse() {
        ScheduledTask[] self = new ScheduledTask[1];
        boolean[] cancelledFromInside = {true};
        self[0] = new ScheduledTask(1, () -> cancelledFromInside[0] = self[0].cancel());
        queue.add(self[0]);
        queue.runExpired(1, failures::add);
        assertFalse(cancelledFromInside[0], "a running task can no longer be cancelled");
        assertFalse(self[0].cancel());
    }

    @Test
    void aFailingTaskIsReportedAndTheOthersStillRun() {
        RuntimeException boom = new RuntimeException("boom");
        at(1, "a");
        queue.add(new ScheduledTask(2, () -> {
            throw boom;
        }));
        at(3, "c");
        assertEquals(3, queue.runExpired(3, failures::add));
        assertEquals(List.of("a", "c"), ran);
        assertEquals(List.of(boom), failures);
    }

    @Test
    void millisUntilNextRoundsUpAndSkipsCancelled() {
        assertEquals(-1, queue.millisUntilNext(0), "no timer: wait without limit");
        ScheduledTask first = at(1_000_000, "first");
        at(5_000_001, "second");
        assertEquals(1, queue.millisUntilNext(1), "999,999 ns rounds up to 1 ms, never early");
        assertEquals(1, queue.millisUntilNext(0));
        assertEquals(0, queue.millisUntilNext(1_000_000), "due now");
        assertEquals(0, queue.millisUntilNext(2_000_000), "overdue");
        first.cancel();
        assertEquals(6, queue.millisUntilNext(0), "5,000,001 ns rounds up to 6 ms");
        assertEquals(1, queue.size(), "the cancelled head was dropped");
    }

    @Test
    void farDeadlinesAreCappedNotOverflowed() {
        at(Long.MAX_VALUE, "far");
        assertEquals(Integer.MAX_VALUE, queue.millisUntilNext(0));
    }

    @Test
    void clearDropsEverything() {
        at(1, "a");
        at(2, "b");
        queue.clear();
        assertEquals(0, queue.size());
        assertEquals(0, queue.runExpired(10, failures::add));
        assertTrue(ran.isEmpty());
    }
}

package io.ringwire.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoop;
import io.ringwire.protocol.testutil.RecordingConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract's heartbeat bound, on a fake clock: a peer that goes silent at any moment is
 * closed no later than heartbeat × misses + one interval after it was last heard, never before
 * heartbeat × misses, and is pinged meanwhile. Exact, because time is the test's.
 */
class HeartbeatTimingTest {
    private static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);

    /** A loop whose time moves only when the test says; timers run in deadline order. */
    private static final class FakeLoop implements EventLoop {
        long now;
        private final List<long[]> order = new ArrayList<>();
        private final List<Runnable> tasks = new ArrayList<>();
        private final List<boolean[]> cancelled = new ArrayList<>();

        @Override
        public boolean inEventLoop() {
            return true;
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
            boolean[] c = {false};
            order.add(new long[] {now + unit.toNanos(delay), tasks.size()});
            tasks.add(task);
            cancelled.add(c);
            return () -> !c[0] && (c[0] = true);
        }

        int pending() {
            int n = 0;
            for (long[] o : order) {
                n += cancelled.get((int) o[1])[0] ? 0 : 1;
            }
            return n;
        }

        /** Moves time to {@code t}, running each timer at its own deadline on the way. */
        void advanceTo(long t) {
            while (runNext(t)) {
                // each timer runs at its own deadline
            }
            now = t;
        }

        /** Runs the earliest timer due by {@code limit}, with the clock at its deadline; false if none. */
        boolean runNext(long limit) {
            long[] next = order.stream().filter(o -> !cancelled.get((int) o[1])[0] && o[0] <= limit)
                    .min(Comparator.comparingLong((long[] o) -> o[0]).thenComparingLong(o -> o[1])).orElse(null);
            if (next == null) {
                return false;
            }
            order.remove(next);
            now = Math.max(now, next[0]);
            tasks.get((int) next[1]).run();
            return true;
        }
    }

    private record Outcome(long closedAt, int pings) {
    }

    /** Starts at 0, hears the peer at {@code heardAt} (times), then silence; returns when it closed. */
    private static Outcome run(int misses, long... heardAt) {
        FakeLoop loop = new FakeLoop();
        RecordingConnection c = new RecordingConnection();
        c.loop = loop;
        int[] pings = {0};
        Heartbeat hb = new Heartbeat(c, Duration.ofNanos(INTERVAL), misses, () -> pings[0]++, () -> loop.now);
        hb.start();
        for (long t : heardAt) {
            loop.advanceTo(t);
            assertFalse(c.closed, "closed at " + t + " while the peer was still talking");
            hb.heard();
        }
        long limit = loop.now + (misses + 5) * INTERVAL;
        while (!c.closed && loop.runNext(limit)) {
            // the clock jumps from timer to timer: the close is seen at its exact time
        }
        assertTrue(c.closed, "a silent peer must be closed");
        assertEquals(0, loop.pending(), "no timer left behind after the close");
        return new Outcome(loop.now, pings[0]);
    }

    @Test
    void aPeerSilentFromTheStartIsClosedWithinTheBound() {
        for (int misses = 1; misses <= 5; misses++) {
            Outcome o = run(misses);
            assertTrue(o.closedAt >= misses * INTERVAL, "not before misses × interval: " + o.closedAt);
            assertTrue(o.closedAt <= misses * INTERVAL + INTERVAL, "within misses × interval + interval: " + o.closedAt);
            assertEquals(misses - 1, o.pings, "one PING per silent interval before the last");
        }
    }

    /** Whenever the peer falls silent, between the heartbeat's checks or right on one. */
    @Test
    void aPeerThatFallsSilentAtAnyMomentIsClosedWithinTheBound() {
        Random random = new Random(11);
        for (int trial = 0; trial < 500; trial++) {
            int misses = 1 + random.nextInt(4);
            int talks = random.nextInt(6);
            long[] heard = new long[talks];
            long t = 0;
            for (int i = 0; i < talks; i++) {
                // Gaps shorter than the close threshold, so the peer counts as alive until its last word.
                t += 1 + (long) (random.nextDouble() * (misses * INTERVAL - 2));
                heard[i] = t;
            }
            Outcome o = run(misses, heard);
            long lastHeard = talks == 0 ? 0 : heard[talks - 1];
            long silence = o.closedAt - lastHeard;
            assertTrue(silence >= misses * INTERVAL, "trial " + trial + ": closed after only " + silence + " ns of silence");
            assertTrue(silence <= misses * INTERVAL + INTERVAL,
                    "trial " + trial + ": " + silence + " ns of silence exceeds misses × interval + interval");
        }
    }

    @Test
    void aPeerThatKeepsTalkingIsNeverClosedAndStopCancelsTheTimer() {
        FakeLoop loop = new FakeLoop();
        RecordingConnection c = new RecordingConnection();
        c.loop = loop;
        Heartbeat hb = new Heartbeat(c, Duration.ofNanos(INTERVAL), 2, () -> { }, () -> loop.now);
        hb.start();
        for (int i = 1; i <= 100; i++) {
            loop.advanceTo(i * INTERVAL * 3 / 2); // heard every 1.5 intervals: under 2 misses
            assertFalse(c.closed, "closed at " + loop.now);
            hb.heard();
        }
        hb.stop();
        assertEquals(0, loop.pending());
        loop.advanceTo(loop.now + 100 * INTERVAL);
        assertFalse(c.closed, "a stopped heartbeat closes nothing");
    }
}

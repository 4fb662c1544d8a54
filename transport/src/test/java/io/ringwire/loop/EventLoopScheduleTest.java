package io.ringwire.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoop;
import io.ringwire.EventLoopGroup;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.TransportUnderTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;

/** EventLoop.schedule on a running loop of each backend: tasks run on the loop, in deadline order, unless cancelled. */
@Timeout(20)
class EventLoopScheduleTest {

    @ConformanceTest
    void scheduledTaskRunsOnTheLoop(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup group = transport.newGroup(1)) {
            EventLoop loop = group.next();
            CompletableFuture<Boolean> ranOnLoop = new CompletableFuture<>();
            loop.schedule(() -> ranOnLoop.complete(loop.inEventLoop()), 20, TimeUnit.MILLISECONDS);
            assertTrue(Await.get(ranOnLoop, "the scheduled task"));
        }
    }

    @ConformanceTest
    void cancelledTaskDoesNotRun(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup group = transport.newGroup(1)) {
            EventLoop loop = group.next();
            AtomicBoolean cancelledRan = new AtomicBoolean();
            CompletableFuture<Void> later = new CompletableFuture<>();
            EventLoop.Cancellable c = loop.schedule(() -> cancelledRan.set(true), 30, TimeUnit.MILLISECONDS);
            // The sentinel's deadline is later: once it has run, the cancelled task's time has passed.
            loop.schedule(() -> later.complete(null), 60, TimeUnit.MILLISECONDS);
            assertTrue(c.cancel(), "cancelled before it started");
            Await.get(later, "the sentinel task");
            assertFalse(cancelledRan.get(), "a cancelled task must not run");
            assertFalse(c.cancel() && cancelledRan.get());
        }
    }

    @ConformanceTest
    void cancelFromTheLoopThreadIsExact(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup group = transport.newGroup(1)) {
            EventLoop loop = group.next();
            AtomicBoolean ran = new AtomicBoolean();
            CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
            CompletableFuture<Void> sentinel = new CompletableFuture<>();
            loop.execute(() -> {
                EventLoop.Cancellable c = loop.schedule(() -> ran.set(true), 0, TimeUnit.MILLISECONDS);
                cancelled.complete(c.cancel());
                loop.schedule(() -> sentinel.complete(null), 5, TimeUnit.MILLISECONDS);
            });
            assertTrue(Await.get(cancelled, "cancel"));
            Await.get(sentinel, "the sentinel");
            assertFalse(ran.get());
        }
    }

    @ConformanceTest
    void tasksRunInDeadlineOrder(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup group = transport.newGroup(1)) {
            EventLoop loop = group.next();
            List<Integer> delays = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                delays.add(i * 15);
            }
            Collections.shuffle(delays, new java.util.Random(5));
            List<Integer> ran = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> all = new CompletableFuture<>();
            // Scheduled from the loop thread in one task, so every deadline is measured from (almost) one instant.
            loop.execute(() -> {
                for (int d : delays) {
                    loop.schedule(() -> {
                        ran.add(d);
                        if (ran.size() == delays.size()) {
                            all.complete(null);
                        }
                    }, d, TimeUnit.MILLISECONDS);
                }
            });
            Await.get(all, "every scheduled task");
            List<Integer> sorted = new ArrayList<>(delays);
            Collections.sort(sorted);
            assertEquals(sorted, ran);
        }
    }

    @ConformanceTest
    void scheduleFromAnotherThreadWakesAParkedLoop(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup group = transport.newGroup(1)) {
            EventLoop loop = group.next();
            for (int i = 0; i < 50; i++) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                loop.schedule(() -> done.complete(null), i % 3, TimeUnit.MILLISECONDS);
                Await.get(done, "scheduled task #" + i);
            }
        }
    }

    /**
     * Tasks scheduled an hour out and cancelled from another thread leave the wheel within a
     * turn of the loop, not an hour later: until then each node holds its task and whatever the
     * task captured.
     */
    @ConformanceTest
    void tasksCancelledFromAnotherThreadLeaveTheWheelWithinATurn(TransportUnderTest transport) throws Exception {
        int n = 10_000;
        try (EventLoopGroup group = transport.newGroup(1)) {
            AbstractEventLoop loop = (AbstractEventLoop) group.next();
            int before = timersAfterThisTurn(loop);
            List<EventLoop.Cancellable> handles = new ArrayList<>(n);
            AtomicBoolean ran = new AtomicBoolean();
            for (int i = 0; i < n; i++) {
                handles.add(loop.schedule(() -> ran.set(true), 1, TimeUnit.HOURS));
            }
            assertEquals(before + n, timersAfterThisTurn(loop), "all scheduled");
            for (EventLoop.Cancellable h : handles) {
                assertTrue(h.cancel());
            }
            assertEquals(before, timersAfterThisTurn(loop), "every cancelled task left the wheel");
            assertFalse(ran.get());
        }
    }

    /**
     * The loop's pending timers as a timer due now sees them: it runs after the loop has applied
     * what other threads sent before this call (scheduled tasks, cancels) and after every timer
     * due before it, so its count is the turn's outcome. It does not count itself.
     */
    private static int timersAfterThisTurn(AbstractEventLoop loop) {
        CompletableFuture<Integer> size = new CompletableFuture<>();
        loop.execute(() -> loop.schedule(() -> size.complete(loop.timers().size()), 0, TimeUnit.NANOSECONDS));
        return Await.get(size, "the loop's timer count");
    }

    /** A delay meant as "practically never" must not overflow into the past and run at once. */
    @ConformanceTest
    void veryLongDelaysDoNotRunEarly(TransportUnderTest transport) throws Exception {
        try (EventLoopGroup group = transport.newGroup(1)) {
            EventLoop loop = group.next();
            AtomicBoolean farRan = new AtomicBoolean();
            // First from the loop thread, alone: the loop's cached clock is behind the caller's,
            // and the timer pass right after this task looks at exactly this deadline.
            Await.get(CompletableFuture.runAsync(
                    () -> loop.schedule(() -> farRan.set(true), Long.MAX_VALUE, TimeUnit.NANOSECONDS), loop),
                    "scheduling from the loop");
            loop.schedule(() -> farRan.set(true), Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            loop.schedule(() -> farRan.set(true), Long.MAX_VALUE, TimeUnit.DAYS);
            CompletableFuture<Void> sentinel = new CompletableFuture<>();
            loop.schedule(() -> sentinel.complete(null), 20, TimeUnit.MILLISECONDS);
            Await.get(sentinel, "a near task scheduled after the far ones");
            assertFalse(farRan.get(), "a far deadline ran early");
        }
    }
}

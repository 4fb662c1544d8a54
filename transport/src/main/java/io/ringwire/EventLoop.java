package io.ringwire;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One thread that owns a set of connections and runs their handlers.
 *
 * <p>{@link #execute} may be called from any thread; tasks run on the loop thread in the order
 * they were submitted. Tasks submitted after the loop stopped are rejected with
 * {@link java.util.concurrent.RejectedExecutionException}.
 */
public interface EventLoop extends Executor {

    /** True if the calling thread is this loop's thread. */
    boolean inEventLoop();

    /**
     * Runs {@code task} on the loop after {@code delay}. The returned handle cancels it; cancelling
     * from the loop thread is exact, from another thread it may race with the task starting.
     */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /**
     * A reusable timer that runs {@code task} on this loop each time it is scheduled and comes
     * due; see {@link LoopTimer}. Loop thread only. ringwire's loops put it in their timing wheel,
     * so re-arming it allocates nothing; the default falls back on {@link #schedule}.
     */
    default LoopTimer newTimer(Runnable task) {
        return new ScheduledLoopTimer(this, java.util.Objects.requireNonNull(task, "task"));
    }

    /**
     * The current time of the clock this loop's timers run on ({@link #schedule}, deadlines, idle
     * and connect timeouts), in nanoseconds from an arbitrary origin: compare values by
     * difference, as with {@link System#nanoTime()}. On a group built with a fake clock
     * ({@link EventLoopGroup.Builder#clock}) it is the fake time, so code that measures intervals
     * beside the loop's timers (a heartbeat's silence, say) agrees with them. Any thread.
     */
    default long clockNanos() {
        return System.nanoTime();
    }

    /** A scheduled task's handle. */
    interface Cancellable {
        /** Returns true if the task had not started and will not run. */
        boolean cancel();
    }
}

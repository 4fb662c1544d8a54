package io.ringwire;

import java.util.concurrent.TimeUnit;

/**
 * A timer made once and moved for as long as its owner lives: a connection's heartbeat, say,
 * which re-arms every interval. On ringwire's loops it is a node of the loop's timing wheel, so
 * {@link #schedule}, a move and {@link #cancel} allocate nothing, where
 * {@link EventLoop#schedule} makes a task per call. Made by {@link EventLoop#newTimer}.
 *
 * <p>Confined to its loop's thread: every method must be called there, and the task runs there.
 */
public interface LoopTimer {
    /** Runs the task once, {@code delay} from now; moves the timer if it was already scheduled. */
    void schedule(long delay, TimeUnit unit);

    /** Takes the timer out if it is scheduled; the task will not run until scheduled again. */
    void cancel();

    /** True while the timer waits to run. */
    boolean isScheduled();
}

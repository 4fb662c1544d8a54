package io.ringwire.loop;

/**
 * One timer of a {@link TimerWheel}: an intrusive list node that carries its own links, so
 * scheduling, moving and cancelling it allocate nothing. A connection keeps one per deadline for
 * its whole life and moves it as the deadline moves.
 *
 * <p>Confined to the thread of the wheel it is scheduled on (a loop thread). A timer is in at most
 * one wheel at a time; scheduling it again moves it.
 */
public class WheelTimer {
    final Runnable task;
    /** When it is due, in the wheel's clock (nanoseconds). Valid while scheduled. */
    long deadline;
    WheelTimer prev;
    WheelTimer next;
    /** The slot it is linked into, or -1 when not scheduled. */
    int slot = -1;

    public WheelTimer(Runnable task) {
        this.task = java.util.Objects.requireNonNull(task, "task");
    }

    /** True while the timer waits in a wheel. */
    public final boolean isScheduled() {
        return slot >= 0;
    }

    /** The deadline it was last scheduled for; meaningful while {@link #isScheduled()}. */
    public final long deadline() {
        return deadline;
    }

    /** Runs the task; a subclass may check a condition first (a cancel flag, say). */
    void fire() {
        task.run();
    }
}

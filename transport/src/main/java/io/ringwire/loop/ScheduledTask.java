package io.ringwire.loop;

import io.ringwire.EventLoop;

/** A task due at a point in {@link System#nanoTime()} time; see {@link TimerQueue}. */
final class ScheduledTask implements EventLoop.Cancellable, Comparable<ScheduledTask> {
    final long deadlineNanos;
    /** Filing order, so tasks with one deadline run first-in first-out; set by {@link TimerQueue}. */
    long sequence;
    final Runnable task;
    /** Written by any thread, read by the loop just before running: a cancel that wins the race stops the task. */
    private volatile boolean cancelled;
    private volatile boolean started;

    ScheduledTask(long deadlineNanos, Runnable task) {
        this.deadlineNanos = deadlineNanos;
        this.task = task;
    }

    @Override
    public boolean cancel() {
        if (started) {
            return false;
        }
        cancelled = true;
        return !started;
    }

    boolean isCancelled() {
        return cancelled;
    }

    void markStarted() {
        started = true;
    }

    @Override
    public int compareTo(ScheduledTask o) {
        // By difference, as System.nanoTime() values must be compared: its origin is arbitrary.
        int c = Long.signum(deadlineNanos - o.deadlineNanos);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}

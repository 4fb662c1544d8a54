package io.ringwire.loop;

import io.ringwire.EventLoop;

/**
 * A task given to {@link EventLoop#schedule}: a one-shot {@link WheelTimer} whose handle may be
 * cancelled from any thread. From the loop thread a cancel unlinks it at once; from another
 * thread it sets a flag the loop checks just before running it, and the node leaves the wheel
 * when its time comes.
 */
final class ScheduledTask extends WheelTimer implements EventLoop.Cancellable {
    private final AbstractEventLoop loop;
    /** Written by any thread, read by the loop just before running: a cancel that wins the race stops the task. */
    private volatile boolean cancelled;
    private volatile boolean started;

    /** {@code loop} may be null for a task driven by a bare wheel (tests, preloading). */
    ScheduledTask(AbstractEventLoop loop, Runnable task) {
        super(task);
        this.loop = loop;
    }

    @Override
    public boolean cancel() {
        if (started) {
            return false;
        }
        cancelled = true;
        if (loop != null && loop.inEventLoop()) {
            loop.timers().cancel(this);
        }
        return !started;
    }

    @Override
    void fire() {
        if (cancelled) {
            return;
        }
        started = true;
        if (cancelled) {
            return; // a cancel from another thread between the two reads wins
        }
        task.run();
    }
}

package io.ringwire;

import java.util.concurrent.TimeUnit;

/**
 * {@link EventLoop#newTimer}'s fallback for an event loop without a reusable timer of its own (a
 * test's fake loop): one {@link EventLoop#schedule} per arming. Loop thread only.
 */
final class ScheduledLoopTimer implements LoopTimer {
    private final EventLoop loop;
    private final Runnable task;
    private final Runnable fire = this::fire;
    private EventLoop.Cancellable pending;

    ScheduledLoopTimer(EventLoop loop, Runnable task) {
        this.loop = loop;
        this.task = task;
    }

    @Override
    public void schedule(long delay, TimeUnit unit) {
        cancel();
        pending = loop.schedule(fire, delay, unit);
    }

    @Override
    public void cancel() {
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }

    @Override
    public boolean isScheduled() {
        return pending != null;
    }

    private void fire() {
        pending = null;
        task.run();
    }
}

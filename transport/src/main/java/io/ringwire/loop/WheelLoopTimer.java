package io.ringwire.loop;

import io.ringwire.LoopTimer;
import java.util.concurrent.TimeUnit;

/** {@link AbstractEventLoop#newTimer}: a {@link WheelTimer} of the loop's wheel. Loop thread only. */
final class WheelLoopTimer extends WheelTimer implements LoopTimer {
    private final AbstractEventLoop loop;

    WheelLoopTimer(AbstractEventLoop loop, Runnable task) {
        super(task);
        this.loop = loop;
    }

    @Override
    public void schedule(long delay, TimeUnit unit) {
        // Capped as in AbstractEventLoop.schedule: a "never" delay must not wrap into the past.
        long delayNanos = Math.min(unit.toNanos(delay), Long.MAX_VALUE / 2);
        loop.timers().schedule(this, loop.clock().nanoTime() + delayNanos);
    }

    @Override
    public void cancel() {
        loop.timers().cancel(this);
    }
}

package io.ringwire.loop;

import io.ringwire.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A task given to {@link EventLoop#schedule}: a one-shot {@link WheelTimer} whose handle may be
 * cancelled from any thread. From the loop thread a cancel unlinks it at once. From another
 * thread it sets a flag the loop checks just before running it, and hands the node to the loop's
 * queue of cancelled tasks, which the loop drains every turn: the node and whatever its task
 * holds leave the wheel within a turn, not at the deadline, which may be hours away.
 */
final class ScheduledTask extends WheelTimer implements EventLoop.Cancellable {
    private static final VarHandle CANCELLED;

    static {
        try {
            CANCELLED = MethodHandles.lookup().findVarHandle(ScheduledTask.class, "cancelled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AbstractEventLoop loop;
    /** Written by any thread, read by the loop just before running: a cancel that wins the race stops the task. */
    @SuppressWarnings("unused")
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
        // Only the first cancel queues the node, so it is queued at most once.
        if (CANCELLED.compareAndSet(this, false, true) && loop != null) {
            if (loop.inEventLoop()) {
                loop.timers().cancel(this);
            } else {
                loop.unlinkSoon(this);
            }
        }
        return !started;
    }

    boolean isCancelled() {
        return cancelled;
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

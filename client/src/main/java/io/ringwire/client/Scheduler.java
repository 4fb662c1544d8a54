package io.ringwire.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay; injectable so that retry timing can be tested without waiting.
 * Implementations must be thread-safe and must not run the task on the calling thread before
 * {@code schedule} returns unless the delay is zero.
 */
@FunctionalInterface
public interface Scheduler {
    /** The JDK's shared delayed executor (a daemon thread in the common pool). */
    Scheduler DEFAULT = (task, delayNanos) ->
            CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS).execute(task);

    void schedule(Runnable task, long delayNanos);
}

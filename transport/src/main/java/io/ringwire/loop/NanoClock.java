package io.ringwire.loop;

/**
 * The monotonic clock a loop's timers run on, in nanoseconds with an arbitrary origin (compare
 * values by difference, as with {@link System#nanoTime()}). Injectable so that tests drive timers
 * without sleeping. Implementations must be thread-safe: deadlines are computed on any thread.
 */
@FunctionalInterface
public interface NanoClock {
    /** The system's monotonic clock. */
    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}

package io.ringwire.client;

/**
 * A monotonic clock in nanoseconds, injectable so that policies can be tested with a fake one.
 * Implementations must be thread-safe; {@link #SYSTEM} is {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface NanoClock {
    NanoClock SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();
}

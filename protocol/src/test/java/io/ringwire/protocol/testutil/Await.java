package io.ringwire.protocol.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded waiting on a condition. Nothing here sleeps a fixed time and hopes: it checks the
 * condition about once a millisecond and fails, naming what it waited for, at the deadline.
 */
public final class Await {
    /** Long enough for a loaded 2-core machine; a healthy run needs a small fraction of it. */
    public static final Duration DEFAULT = Duration.ofSeconds(20);

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEFAULT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + DEFAULT.toSeconds() + " s waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}

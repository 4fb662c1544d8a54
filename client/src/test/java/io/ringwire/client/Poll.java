package io.ringwire.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded polling for the client tests (the transport's test utilities are not published as a jar). */
public final class Poll {
    /** Generous for a loaded 2-core machine; a healthy run needs a fraction of it. */
    public static final long TIMEOUT_SECONDS = 20;

    private Poll() {
    }

    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}

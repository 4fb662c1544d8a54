package io.ringwire.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded waiting for tests. Nothing here sleeps a fixed time and hopes: every wait checks a
 * condition and gives up with a failure naming what it waited for once the deadline passes.
 */
public final class Await {
    /** Long enough for a loaded 2-core CI machine; a healthy run needs a small fraction of it. */
    public static final Duration DEFAULT = Duration.ofSeconds(20);
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #DEFAULT}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }

    /**
     * Polls {@code condition} until it holds, parking about a millisecond between checks; fails
     * naming {@code what} once {@code timeout} has passed.
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            LockSupport.parkNanos(PARK_NANOS);
        }
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; returns whether it held. */
    public static boolean holdsWithin(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(PARK_NANOS);
        }
        return true;
    }

    /** The future's value; fails if it does not complete within {@link #DEFAULT} or failed. */
    public static <T> T get(Future<T> future, String what) {
        return get(future, what, DEFAULT);
    }

    public static <T> T get(Future<T> future, String what, Duration timeout) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
        } catch (ExecutionException e) {
            return fail(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted waiting for " + what);
        }
    }

    /** The exception the future failed with; fails if it succeeds or does not complete in time. */
    public static Throwable failure(CompletableFuture<?> future, String what) {
        try {
            Object value = future.get(DEFAULT.toNanos(), TimeUnit.NANOSECONDS);
            return fail(what + " was expected to fail but succeeded with " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return fail("timed out after " + DEFAULT.toMillis() + " ms waiting for " + what + " to fail");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted waiting for " + what);
        }
    }
}

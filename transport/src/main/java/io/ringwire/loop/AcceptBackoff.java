package io.ringwire.loop;

import io.ringwire.internal.Errors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a listener does when accept fails for want of resources (EMFILE, ENFILE, ENOBUFS,
 * ENOMEM): the pending connection stays in the backlog, and retrying at once would spin the loop.
 * So it pauses accepting for {@link #MILLIS}, logs once per episode, and retries on a timer.
 *
 * <p>Confined to the listener's loop thread. The retry task is built up front and logging cannot
 * throw: with no descriptors left, loading a class or opening a log file may fail too.
 */
public final class AcceptBackoff {
    public static final long MILLIS = 100;
    private static final System.Logger LOG = System.getLogger("io.ringwire.server");

    private final AbstractEventLoop loop;
    private final Supplier<Object> address;
    private final Runnable retryTask;
    private boolean backingOff;
    private boolean logged;

    /** {@code retry} runs on the loop when the pause is over; {@code address} names the listener in logs. */
    public AcceptBackoff(AbstractEventLoop loop, Supplier<Object> address, Runnable retry) {
        this.loop = loop;
        this.address = address;
        this.retryTask = () -> {
            backingOff = false;
            retry.run();
        };
    }

    /** True while accepting is paused. */
    public boolean isBackingOff() {
        return backingOff;
    }

    /** True for the errors that mean "out of resources": back off rather than retry. */
    public static boolean isExhaustion(int result) {
        return result == -io.ringwire.internal.Errno.EMFILE || result == -io.ringwire.internal.Errno.ENFILE
                || result == -io.ringwire.internal.Errno.ENOBUFS || result == -io.ringwire.internal.Errno.ENOMEM;
    }

    /** Accept failed with {@code -errno} {@code result} for want of resources: pause and retry later. */
    public void exhausted(int result) {
        pause();
        if (!logged) {
            logged = true;
            quietly(System.Logger.Level.WARNING, Errors.describe("accept", address.get(), -result)
                    + "; pausing accepts for " + MILLIS + " ms at a time until descriptors free up"
                    + " (raise the limit with ulimit -n or LimitNOFILE=)", null);
        }
    }

    /** The listener's own code failed: pause and retry, as for exhaustion. */
    public void failed(Throwable cause) {
        loop.stats().acceptErrors++;
        quietly(System.Logger.Level.ERROR, "accept on " + address.get() + " failed; retrying", cause);
        pause();
    }

    /** A connection was accepted: an episode of exhaustion, if any, is over. */
    public void accepted() {
        if (logged) {
            logged = false;
            quietly(System.Logger.Level.INFO, "accept on " + address.get() + " recovered", null);
        }
    }

    private void pause() {
        if (!backingOff) {
            backingOff = true;
            loop.schedule(retryTask, MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Logs a problem that the accepting path got over (such as ECONNABORTED); never throws. */
    public void warn(int result) {
        quietly(System.Logger.Level.WARNING, Errors.describe("accept", address.get(), -result), null);
    }

    private static void quietly(System.Logger.Level level, String message, Throwable cause) {
        try {
            if (cause == null) {
                LOG.log(level, message);
            } else {
                LOG.log(level, message, cause);
            }
        } catch (Throwable ignored) {
            // Nothing better to do: the event itself has been dealt with.
        }
    }
}

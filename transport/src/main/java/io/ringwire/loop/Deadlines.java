package io.ringwire.loop;

import io.ringwire.DeadlineExceededException.Kind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * A connection's read and write deadlines (Go's {@code SetReadDeadline}/{@code SetWriteDeadline}):
 * settable from any thread, kept on the loop's {@link TimerWheel} with one reusable timer each.
 *
 * <h2>Threading</h2>
 * A setter publishes the new deadline in a volatile field and, off the loop, queues the one
 * {@link #apply} task unless it is queued already, so a burst of extensions from another thread
 * costs one task and no allocation. {@code apply} clears the queued flag before it reads the
 * fields: a set that comes after the read queues the task again, one that comes before is read.
 * Expiry re-reads the field and fires only if it still holds the deadline the timer was set for;
 * a newer value wins, and is applied by the task it queued.
 */
final class Deadlines {
    /** No deadline. A computed deadline that happens to equal it is nudged by a nanosecond. */
    static final long NONE = Long.MIN_VALUE;
    /** Longer timeouts are capped here (146 years), so that {@code now + timeout} cannot overflow. */
    private static final Duration FAR = Duration.ofNanos(Long.MAX_VALUE / 2);
    private static final VarHandle READ_AT;
    private static final VarHandle WRITE_AT;
    private static final VarHandle QUEUED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            READ_AT = l.findVarHandle(Deadlines.class, "readAt", long.class);
            WRITE_AT = l.findVarHandle(Deadlines.class, "writeAt", long.class);
            QUEUED = l.findVarHandle(Deadlines.class, "queued", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AbstractConnection connection;
    private final AbstractEventLoop loop;
    private final WheelTimer readTimer = new WheelTimer(this::readExpired);
    private final WheelTimer writeTimer = new WheelTimer(this::writeExpired);
    private final Runnable apply = this::apply;
    @SuppressWarnings("unused")
    private volatile long readAt = NONE;
    @SuppressWarnings("unused")
    private volatile long writeAt = NONE;
    @SuppressWarnings("unused")
    private volatile boolean queued;

    Deadlines(AbstractConnection connection, AbstractEventLoop loop) {
        this.connection = connection;
        this.loop = loop;
    }

    /** Sets one deadline {@code timeout} from now, or clears it with zero. Any thread. */
    void set(Kind kind, Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " deadline must not be negative: " + timeout);
        }
        long at = NONE;
        if (!timeout.isZero()) {
            // Capped as in EventLoop.schedule: a "never" timeout must not wrap into the past.
            long nanos = timeout.compareTo(FAR) >= 0 ? FAR.toNanos() : timeout.toNanos();
            at = loop.clock().nanoTime() + nanos;
            if (at == NONE) {
                at++;
            }
        }
        (kind == Kind.READ ? READ_AT : WRITE_AT).setVolatile(this, at);
        if (loop.inEventLoop()) {
            apply();
        } else if (QUEUED.compareAndSet(this, false, true)) {
            try {
                loop.execute(apply);
            } catch (RejectedExecutionException stopped) {
                // The loop has stopped and closed the connection: no deadline matters any more.
            }
        }
    }

    /** Moves the timers to the published deadlines. Loop thread. */
    private void apply() {
        QUEUED.setVolatile(this, false);
        arm(readTimer, (long) READ_AT.getVolatile(this));
        arm(writeTimer, (long) WRITE_AT.getVolatile(this));
    }

    private void arm(WheelTimer timer, long at) {
        if (at == NONE || connection.closed) {
            loop.timers().cancel(timer);
        } else if (!timer.isScheduled() || timer.deadline() != at) {
            loop.timers().schedule(timer, at);
        }
    }

    private void readExpired() {
        if (claim(READ_AT, readTimer)) {
            connection.deadlineExceeded(Kind.READ);
        }
    }

    private void writeExpired() {
        if (claim(WRITE_AT, writeTimer) && connection.hasQueuedOutput()) {
            connection.deadlineExceeded(Kind.WRITE);
        }
    }

    /**
     * True if the deadline in {@code field} has passed and this call cleared it. A deadline moved
     * later meanwhile re-arms the timer instead; one cleared or replaced by another thread is left
     * to the apply task that the change queued.
     */
    private boolean claim(VarHandle field, WheelTimer timer) {
        long at = (long) field.getVolatile(this);
        if (at == NONE || connection.closed) {
            return false;
        }
        if (at - loop.nanoTime() > 0) {
            loop.timers().schedule(timer, at);
            return false;
        }
        return field.compareAndSet(this, at, NONE);
    }

    /** The connection closed: both timers leave the wheel. Loop thread. */
    void cancel() {
        loop.timers().cancel(readTimer);
        loop.timers().cancel(writeTimer);
    }
}

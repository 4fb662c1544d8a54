package io.ringwire.loop;

/**
 * A connection's idle timeout ({@link io.ringwire.ConnectionConfig#idleTimeout}): closes it once
 * nothing has been read or sent for that long.
 *
 * <p>Activity only stores the time in the connection's {@code lastActivity}, a plain field write
 * on the hot path; the check, when its timer fires, moves the same timer on to the new due time.
 * So a busy connection costs one timer move per timeout period, not per message, and nothing is
 * allocated after the connection opened.
 *
 * <p>Confined to the connection's loop thread. Made when the connection opens, and only if it has
 * an idle timeout; the connection cancels it when it closes.
 */
final class IdleTimeout implements Runnable {
    private final AbstractConnection connection;
    private final long timeoutNanos;
    /** Runs {@link #run}: one timer for the connection's whole life, moved rather than remade. */
    private final WheelTimer timer = new WheelTimer(this);

    IdleTimeout(AbstractConnection connection, long timeoutNanos) {
        this.connection = connection;
        this.timeoutNanos = timeoutNanos;
    }

    /** Arms the check for when the connection would have been idle for the whole timeout. */
    void schedule() {
        if (connection.closed) {
            return;
        }
        connection.loop.timers().schedule(timer, connection.lastActivity + timeoutNanos);
    }

    /** The timer fired: closes the connection if it was idle for the whole timeout, else looks again later. */
    @Override
    public void run() {
        if (connection.closed) {
            return;
        }
        if (connection.loop.nanoTime() - connection.lastActivity >= timeoutNanos) {
            connection.closeNow(null);
        } else {
            schedule();
        }
    }

    /** The connection closed: the timer leaves the wheel. */
    void cancel() {
        connection.loop.timers().cancel(timer);
    }
}

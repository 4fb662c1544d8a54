package io.ringwire.protocol.frame;

import io.ringwire.Connection;
import io.ringwire.EventLoop;
import io.ringwire.LoopTimer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The contract's heartbeat for one connection: a side that has heard nothing for one interval
 * sends a PING; after {@code misses} intervals with nothing heard at all, it closes the
 * connection as dead. Any bytes received count as being heard, a PONG as much as a request.
 *
 * <p>Timing runs on one reusable timer of the connection's loop ({@link EventLoop#newTimer}, a
 * node of the loop's timing wheel): one check per interval, moved to when the silence would reach
 * the next interval, so a busy connection costs one timer move a period, allocates nothing after
 * {@link #start()}, and does no work per message beyond {@link #heard()}'s clock read.
 *
 * <p>Only bytes read count as heard. While the server pauses reading for backpressure (the frame
 * server does while unwritable), a peer that still sends but reads its replies slowly is silent
 * to the heartbeat, and after {@code misses} intervals it is closed as dead. Intervals must
 * therefore be longer than the slowest reader to keep.
 *
 * <p>Confined to the connection's loop thread: create, {@link #start()}, {@link #heard()} and
 * {@link #stop()} from its handler.
 */
public final class Heartbeat {
    private final Connection connection;
    private final long intervalNanos;
    private final int misses;
    private final Runnable ping;
    private final Runnable check = this::check;
    private final LongSupplier clock;
    private long lastHeard;
    /** Made by {@link #start()}; null before. */
    private LoopTimer timer;
    private boolean stopped;

    /**
     * @param ping sends one PING on the connection (and flushes it); run on the loop thread
     */
    public Heartbeat(Connection connection, Duration interval, int misses, Runnable ping) {
        // The loop's clock, which its timer runs on: under a fake clock both must move together.
        this(connection, interval, misses, ping, connection.eventLoop()::clockNanos);
    }

    /** As above, with time from {@code clock} (nanoseconds, any origin), so that tests drive it. */
    Heartbeat(Connection connection, Duration interval, int misses, Runnable ping, LongSupplier clock) {
        this.clock = clock;
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive: " + interval);
        }
        if (misses < 1) {
            throw new IllegalArgumentException("heartbeat misses must be at least 1: " + misses);
        }
        this.connection = connection;
        this.intervalNanos = interval.toNanos();
        this.misses = misses;
        this.ping = ping;
    }

    /** Starts the clock: the connection counts as heard from now. */
    public void start() {
        lastHeard = clock.getAsLong();
        if (timer == null) {
            timer = connection.eventLoop().newTimer(check);
        }
        schedule(intervalNanos);
    }

    /** Bytes arrived from the peer. */
    public void heard() {
        lastHeard = clock.getAsLong();
    }

    /** No more checks; call from {@code onClose}. */
    public void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
        }
    }

    /** The timer's task; package-private so that a test can count what one tick allocates. */
    void check() {
        if (stopped || !connection.isOpen()) {
            return;
        }
        long silent = clock.getAsLong() - lastHeard;
        if (silent >= misses * intervalNanos) {
            connection.close(); // dead: nothing heard for `misses` intervals, PINGs included
            return;
        }
        if (silent >= intervalNanos) {
            ping.run();
        }
        // Next check when the silence reaches the next whole interval.
        long intervals = silent / intervalNanos + 1;
        schedule(intervals * intervalNanos - silent);
    }

    private void schedule(long delayNanos) {
        timer.schedule(Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
    }
}

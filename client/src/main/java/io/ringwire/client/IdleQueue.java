package io.ringwire.client;

import java.util.concurrent.atomic.AtomicInteger;
import org.jctools.queues.MpmcArrayQueue;

/**
 * The idle connections of one endpoint: what the borrow fast path polls and a release offers to.
 *
 * <p>A JCTools MPMC array queue, with a count beside it for the idle limit and the stats (the
 * count may trail the queue by an operation in flight). A connection in the queue is IDLE;
 * whoever polls it owns it until it hands it out (a CAS to IN_USE), offers it back or retires
 * it, so a connection is never handed out twice. The queue has a place for every slot of the
 * endpoint, so an offer cannot fail; if one did, the connection is retired rather than lost.
 *
 * <p>Lock-free: any thread may poll and offer at once, with the endpoint's lock held or not.
 * Housekeeping and shutdown take the lock around their sweeps only to order them against each
 * other and against dispatch; the queue itself needs none. Closing calls the factory's close,
 * which must not block.
 */
final class IdleQueue<T> {
    private final MpmcArrayQueue<PooledConnection<T>> queue;
    private final AtomicInteger count = new AtomicInteger();
    private final ConnectionFactory<T> factory;
    private final PoolConfig config;
    private final NanoClock clock;
    private final Slots<T> slots;

    IdleQueue(PoolConfig config, ConnectionFactory<T> factory, Slots<T> slots) {
        this.queue = new MpmcArrayQueue<>(Math.max(2, config.maxPerEndpoint()));
        this.factory = factory;
        this.config = config;
        this.clock = config.clock();
        this.slots = slots;
    }

    /**
     * Polls until a connection passes validation, moving it to IN_USE, and closes the rest; null
     * when none is left. Allocates nothing, and reads the clock only when a lifetime is set.
     */
    PooledConnection<T> pollUsable() {
        PooledConnection<T> e;
        while ((e = queue.poll()) != null) {
            count.decrementAndGet();
            if (!e.state.compareAndSet(PooledConnection.IDLE, PooledConnection.IN_USE)) {
                continue; // cannot happen while only queue holders are IDLE; kept as the guard it is
            }
            if (factory.isUsable(e.get()) && !expired(e)) {
                return e;
            }
            close(e);
        }
        return null;
    }

    /** Polls one connection, still IDLE and now the caller's; null when the queue is empty. */
    PooledConnection<T> poll() {
        PooledConnection<T> e = queue.poll();
        if (e != null) {
            count.decrementAndGet();
        }
        return e;
    }

    /** Queues {@code e}, which the caller owns and has moved to IDLE. */
    void offer(PooledConnection<T> e) {
        if (queue.offer(e)) {
            count.incrementAndGet();
        } else {
            close(e); // more idle than slots: cannot happen, but never lose count
        }
    }

    /** Whether a connection whose borrow ends at {@code now} may wait here for the next borrower. */
    boolean keeps(PooledConnection<T> e, long now) {
        return count.get() < config.maxIdlePerEndpoint() && !expired(e, now) && factory.isUsable(e.get());
    }

    boolean expired(PooledConnection<T> e, long now) {
        return !config.maxLifetime().isZero() && now - e.createdAt >= config.maxLifetime().toNanos();
    }

    /** As above, reading the clock only when there is a lifetime to check: it costs ~20 ns a call. */
    private boolean expired(PooledConnection<T> e) {
        return !config.maxLifetime().isZero() && clock.nanoTime() - e.createdAt >= config.maxLifetime().toNanos();
    }

    /** Closes every idle connection now; returns how many. */
    int closeAll() {
        int n = 0;
        for (PooledConnection<T> e; (e = poll()) != null; ) {
            close(e);
            n++;
        }
        return n;
    }

    /** Closes one idle connection, so that another endpoint can use its slot; false if none. */
    boolean closeOne() {
        PooledConnection<T> e = poll();
        if (e == null) {
            return false;
        }
        if (e.state.compareAndSet(PooledConnection.IDLE, PooledConnection.CLOSED)) {
            slots.retire(e);
            return true;
        }
        return false;
    }

    /** Retires {@code e}, which the caller has polled (or otherwise owns). */
    void close(PooledConnection<T> e) {
        e.state.set(PooledConnection.CLOSED);
        slots.retire(e);
    }

    /** Idle connections, by the count. */
    int size() {
        return count.get();
    }

    /** Connections in the queue now, for a sweep that visits each once. */
    int queued() {
        return queue.size();
    }
}

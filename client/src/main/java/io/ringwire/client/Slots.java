package io.ringwire.client;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one endpoint counts against the pool's limits, and how its connections are retired.
 *
 * <p>A slot is reserved before a connection is opened, here by CAS against
 * {@link PoolConfig#maxPerEndpoint()} and then in the pool's total, and freed when the connection
 * is retired or fails to open: so the limits hold while connections are still connecting.
 * Retiring hands the connection to {@link ConnectionFactory#close}, which may let it finish work
 * it still carries (a pipelined frame connection drains its replies first); the slot is free at
 * once, so for that while more sockets may be open than the limits allow.
 *
 * <p>Thread-safe and lock-free (atomics and a concurrent set): called from any thread, with or
 * without the endpoint's lock. {@link #retire} calls the factory's close, which must not block,
 * and {@link #free} may ask other endpoints to dispatch (on the housekeeper, never inline).
 */
final class Slots<T> {
    private final EndpointPool<T> owner;
    private final ConnectionPool<T> pool;
    private final ConnectionFactory<T> factory;
    private final int maxPerEndpoint;

    /** Slots taken: open connections plus those being opened. */
    private final AtomicInteger live = new AtomicInteger();
    /** Every open connection, for housekeeping and leak scans; changes only on open and close. */
    private final Set<PooledConnection<T>> all = ConcurrentHashMap.newKeySet();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong destroyed = new AtomicLong();

    Slots(EndpointPool<T> owner, ConnectionPool<T> pool, ConnectionFactory<T> factory, int maxPerEndpoint) {
        this.owner = owner;
        this.pool = pool;
        this.factory = factory;
        this.maxPerEndpoint = maxPerEndpoint;
    }

    /** Takes a slot here and in the pool's total, or returns false. */
    boolean reserve() {
        for (int l; (l = live.get()) < maxPerEndpoint; ) {
            if (live.compareAndSet(l, l + 1)) {
                if (pool.reserveTotal(owner)) {
                    return true;
                }
                live.decrementAndGet();
                return false;
            }
        }
        return false;
    }

    /** Gives back a slot whose connection failed to open, or has been retired. */
    void free() {
        live.decrementAndGet();
        pool.freeTotal(owner);
    }

    /** A connection has opened into a reserved slot. */
    void opened(PooledConnection<T> e) {
        created.incrementAndGet();
        all.add(e);
    }

    /**
     * Closes {@code e} and frees its slot. The caller owns {@code e} and has moved it to CLOSED:
     * polled it from the idle queue, or ended its borrow.
     */
    void retire(PooledConnection<T> e) {
        all.remove(e);
        destroyed.incrementAndGet();
        try {
            factory.close(e.get());
        } finally {
            free();
        }
    }

    /** Slots taken: open connections plus those being opened. */
    int taken() {
        return live.get();
    }

    /** Every open connection, borrowed or idle; a weakly consistent view. */
    Iterable<PooledConnection<T>> openConnections() {
        return all;
    }

    long created() {
        return created.get();
    }

    long destroyed() {
        return destroyed.get();
    }
}

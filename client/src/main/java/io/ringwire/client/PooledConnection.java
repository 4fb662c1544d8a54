package io.ringwire.client;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection borrowed from a {@link ConnectionPool}: use {@link #get()}, then give it back with
 * {@link #release()} (reusable) or {@link #discard()} (broken, or state unknown), exactly once per
 * borrow. A second release of the same borrow throws {@link IllegalStateException}.
 *
 * <p>The same object is handed out again on a later borrow (it is the pool's own entry, so a
 * borrow allocates nothing): do not keep it after releasing it.
 *
 * <p>Thread-safe: a borrow may be released from any thread.
 */
public final class PooledConnection<T> {
    static final int IDLE = 0;
    static final int IN_USE = 1;
    static final int CLOSED = 2;

    private final EndpointPool<T> owner;
    private final T connection;
    final long createdAt;
    /** The state; a CAS from IDLE to IN_USE is what guarantees a connection is never handed out twice. */
    final AtomicInteger state = new AtomicInteger(IN_USE);
    /** When it last went idle, or was handed out; written by whoever moves the state. */
    volatile long since;
    volatile Throwable acquiredAt;
    volatile boolean leakReported;
    /** Set on hand-out: the borrower must run the health check first. Written and read by the borrowing thread. */
    boolean checkNeeded;

    PooledConnection(EndpointPool<T> owner, T connection, long createdAt) {
        this.owner = owner;
        this.connection = connection;
        this.createdAt = createdAt;
        this.since = createdAt;
    }

    /** The connection itself. */
    public T get() {
        return connection;
    }

    public Endpoint endpoint() {
        return owner.endpoint;
    }

    /** Gives the connection back for reuse; one that is no longer usable is closed instead. */
    public void release() {
        owner.release(this, false);
    }

    /** Gives the connection back to be closed: after an error, or with a response left unread. */
    public void discard() {
        owner.release(this, true);
    }

    boolean isIdle() {
        return state.get() == IDLE;
    }

    boolean isInUse() {
        return state.get() == IN_USE;
    }

    @Override
    public String toString() {
        return "PooledConnection[" + owner.endpoint + ", " + connection + "]";
    }
}

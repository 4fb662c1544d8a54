package io.ringwire.client;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection borrowed from a {@link ConnectionPool}: use {@link #get()}, then give it back with
 * {@link #release()} (reusable) or {@link #discard()} (broken, or state unknown), exactly once per
 * borrow. A second release of the same borrow throws {@link IllegalStateException}.
 *
 * <p>The same object is handed out again on a later borrow (it is the pool's own entry, so a
 * borrow allocates nothing): do not keep it after releasing it. A stale second release that
 * comes after someone else has borrowed it again cannot be told from theirs by
 * {@link #release()}, and would hand the connection out twice. Code that gives a borrow back
 * from callbacks it does not fully control should take the borrow's {@link #stamp()} when it gets
 * the connection and give it back with {@link #release(long)} or {@link #discard(long)}, which
 * refuse a stale stamp.
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
    /**
     * Borrows ended so far. Written only by the thread that ends a borrow, before its state CAS,
     * and read after a state read: the CASes order the writes and the reads (see the release path).
     */
    int generation;

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

    /** This borrow's stamp, for {@link #release(long)} and {@link #discard(long)}; read it while you hold the borrow. */
    public long stamp() {
        return generation;
    }

    /**
     * {@link #release()}, refusing with {@link IllegalStateException} a stamp of an earlier
     * borrow: that borrow was already given back, and the connection may be someone else's now.
     */
    public void release(long stamp) {
        checkStamp(stamp);
        owner.release(this, false);
    }

    /** {@link #discard()}, refusing a stale stamp as {@link #release(long)} does. */
    public void discard(long stamp) {
        checkStamp(stamp);
        owner.release(this, true);
    }

    private void checkStamp(long stamp) {
        // The state first: a volatile read that sees the newer borrow's CAS also sees the generation written before it.
        int s = state.get();
        if (s != IN_USE || stamp != generation) {
            throw new IllegalStateException("released twice: the borrow with stamp " + stamp + " was already given back: " + this);
        }
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

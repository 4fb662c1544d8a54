package io.ringwire.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connections of one endpoint: borrowing and returning, and the dispatch that hands
 * connections to waiters. The parts it coordinates are package-private classes of their own:
 * <ul>
 *   <li>{@link IdleQueue}: the idle connections, lock-free;</li>
 *   <li>{@link WaiterQueue}: the borrowers waiting, in FIFO order, with deadlines and cancellation;</li>
 *   <li>{@link Slots}: what counts against the limits, and retiring a connection;</li>
 *   <li>{@link Opener}: opening connections, and the reconnect backoff after a failure;</li>
 *   <li>{@link HealthCheck}: the check of a connection idle long enough to need one;</li>
 *   <li>{@link Housekeeping}: minIdle, idle timeout, lifetime and leak reports.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * The fast paths take no lock: a borrow when nobody waits is one poll of a JCTools MPMC queue and
 * one CAS; a release is one CAS and one offer. Everything slower (waiters, opening connections,
 * the backoff after a failure, housekeeping) runs under {@link #lock}, one per endpoint, which
 * the parts above share.
 * <ul>
 *   <li>Never handed out twice: an entry moves IDLE to IN_USE only by CAS, and only the thread
 *       that polled it from the idle queue tries.</li>
 *   <li>Never over the limits: a slot (this endpoint's, and one of the pool's total) is reserved
 *       by CAS before a connection is opened, and freed when it is retired or fails to open.</li>
 *   <li>Fair: a borrower takes an idle connection only when no one waits; otherwise releases and
 *       new connections go to the waiters in FIFO order. A release offers, then looks for
 *       waiters; a waiter enqueues, then polls: whichever comes second sees the other.</li>
 * </ul>
 * Futures are completed outside the lock. The factory's cheap local calls ({@link
 * ConnectionFactory#isUsable}, {@link ConnectionFactory#close}) may run under it, which is why
 * they must not block or call back into the pool from another thread; {@link
 * ConnectionFactory#open} and {@link ConnectionFactory#healthCheck} run outside it.
 *
 * <h2>Time</h2>
 * Lifetimes, idleness and the reconnect backoff read {@link PoolConfig#clock()}, so that tests
 * can drive them. Acquire deadlines read {@link System#nanoTime()}, because the timers that
 * enforce them are real ones.
 */
final class EndpointPool<T> {
    final Endpoint endpoint;
    final ConnectionPool<T> pool;
    final ConnectionFactory<T> factory;
    final PoolConfig config;
    final NanoClock clock;
    /** Guards the slow paths of this endpoint and of its parts; see the class comment. */
    final ReentrantLock lock = new ReentrantLock();

    final Slots<T> slots;
    final IdleQueue<T> idle;
    final WaiterQueue<T> waiters;
    final Opener<T> opener;
    private final HealthCheck<T> healthCheck;
    private final Housekeeping<T> housekeeping;

    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicLong timeouts = new AtomicLong();
    /** Per thread: whether it is inside {@link #dispatch()}, and whether a nested call asked for another round. */
    private final ThreadLocal<boolean[]> dispatching = ThreadLocal.withInitial(() -> new boolean[2]);

    EndpointPool(ConnectionPool<T> pool, Endpoint endpoint, ConnectionFactory<T> factory, PoolConfig config) {
        this.pool = pool;
        this.endpoint = endpoint;
        this.factory = factory;
        this.config = config;
        this.clock = config.clock();
        // In this order: each part may read those made before it.
        this.slots = new Slots<>(this, pool, factory, config.maxPerEndpoint());
        this.idle = new IdleQueue<>(config, factory, slots);
        this.waiters = new WaiterQueue<>(this);
        this.opener = new Opener<>(this);
        this.healthCheck = new HealthCheck<>(this);
        this.housekeeping = new Housekeeping<>(this);
    }

    // ---------------------------------------------------------------- borrowing

    /** An idle connection, handed out, or null; never waits, and allocates nothing unless leak detection is on. */
    PooledConnection<T> tryAcquire() {
        if (!waiters.isEmpty()) {
            return null; // no barging past those already waiting
        }
        PooledConnection<T> e = idle.pollUsable();
        if (e != null) {
            handOut(e);
        }
        return e;
    }

    CompletableFuture<PooledConnection<T>> acquire() {
        return acquire(config.acquireTimeout().toNanos());
    }

    /**
     * A connection within {@code timeoutNanos}, its health check included. A caller that cancels
     * the returned future gives up its place in the queue; a connection that reaches it anyway
     * goes back to the pool.
     */
    CompletableFuture<PooledConnection<T>> acquire(long timeoutNanos) {
        long deadline = deadlineAfter(timeoutNanos);
        PooledConnection<T> fast = tryAcquire();
        if (fast != null) {
            return healthCheck.before(fast, deadline, timeoutNanos);
        }
        WaiterQueue.Waiter<T> w = waiters.start(deadline, timeoutNanos);
        if (w == null) {
            return CompletableFuture.failedFuture(closedFailure());
        }
        IOException refused = null;
        lock.lock();
        try {
            housekeeping.inService();
            if (pool.isClosed()) {
                refused = closedFailure();
            } else if (opener.inBackoff() && opener.openConnections() == 0) {
                refused = opener.backoffFailure(); // nothing open to wait for, and no new one may be tried yet
            } else {
                waiters.add(w);
            }
        } finally {
            lock.unlock();
        }
        if (refused != null) {
            w.cancelTimer();
            return CompletableFuture.failedFuture(refused);
        }
        waiters.leaveOnCancel(w);
        dispatch();
        if (timeoutNanos <= 0) {
            waiters.timeOutNow(w);
        }
        return w.future;
    }

    private static long deadlineAfter(long timeoutNanos) {
        long now = System.nanoTime();
        return timeoutNanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + Math.max(0, timeoutNanos);
    }

    private NotSentException closedFailure() {
        return new NotSentException("acquire " + endpoint + ": the pool is closed", null);
    }

    private void handOut(PooledConnection<T> e) {
        boolean leaks = !config.leakThreshold().isZero();
        boolean checks = !config.healthCheckAfterIdle().isZero();
        // The hand-out time matters only to these two; the clock costs ~20 ns or more a read.
        if (leaks || checks) {
            long now = clock.nanoTime();
            e.checkNeeded = checks && now - e.since >= config.healthCheckAfterIdle().toNanos();
            e.since = now;
            e.leakReported = false;
            if (leaks) {
                e.acquiredAt = new Throwable("acquired from the pool of " + endpoint + " by " + Thread.currentThread().getName());
            }
        }
        inUse.incrementAndGet();
    }

    // ---------------------------------------------------------------- returning

    void release(PooledConnection<T> e, boolean discard) {
        if (e.state.get() != PooledConnection.IN_USE) {
            throw new IllegalStateException("released twice, or never borrowed: " + e);
        }
        long now = clock.nanoTime();
        boolean keep = !discard && !pool.isClosed() && idle.keeps(e, now);
        e.acquiredAt = null;
        e.since = now;
        // Before the CAS that ends this borrow: whoever borrows it next sees the new value, so a
        // stale release with the old stamp is told apart (see PooledConnection#release(long)).
        e.generation++;
        if (!e.state.compareAndSet(PooledConnection.IN_USE, keep ? PooledConnection.IDLE : PooledConnection.CLOSED)) {
            throw new IllegalStateException("released twice concurrently: " + e);
        }
        inUse.decrementAndGet();
        if (!keep) {
            slots.retire(e);
        } else {
            idle.offer(e);
        }
        if (!waiters.isEmpty()) {
            dispatch();
        }
    }

    // ---------------------------------------------------------------- waiters

    /**
     * Hands idle connections to waiters in order, and opens connections for those still waiting.
     *
     * <p>A delivery completes the waiter's future, and a borrower that releases in that callback
     * (a pipelining client does) calls back in here on the same thread: nested, that went one
     * level deeper per waiter, and 2000 queued waiters overflowed the stack. So a dispatch asked
     * for while this thread is already dispatching only marks that another round is due, and
     * the outer call runs it when its deliveries return.
     */
    void dispatch() {
        boolean[] state = dispatching.get(); // {running on this thread, another round asked for}
        if (state[0]) {
            state[1] = true;
            return;
        }
        state[0] = true;
        try {
            do {
                state[1] = false;
                dispatchOnce();
            } while (state[1]);
        } finally {
            state[0] = false;
            state[1] = false;
        }
    }

    private void dispatchOnce() {
        List<Runnable> after = new ArrayList<>(2);
        lock.lock();
        try {
            WaiterQueue.Waiter<T> w;
            while ((w = waiters.peek()) != null) {
                if (w.isDone()) {
                    waiters.remove(w);
                    continue;
                }
                PooledConnection<T> e = idle.pollUsable();
                if (e == null) {
                    break;
                }
                if (w.claim()) {
                    waiters.remove(w);
                    handOut(e);
                    WaiterQueue.Waiter<T> to = w;
                    after.add(() -> deliver(to, e));
                } else {
                    e.state.set(PooledConnection.IDLE); // it timed out meanwhile: back in the queue
                    idle.offer(e);
                }
            }
            if (opener.inBackoff(clock.nanoTime())) {
                // No new connection may be tried yet. Waiters that open connections can serve
                // (they come back when released) keep their place; with none open, fail fast.
                if (opener.openConnections() == 0) {
                    waiters.failAll(opener.backoffFailure(), after);
                }
            } else if (!waiters.isEmpty()) {
                opener.openFor(waiters.size(), after);
            }
        } finally {
            lock.unlock();
        }
        after.forEach(Runnable::run);
    }

    private void deliver(WaiterQueue.Waiter<T> w, PooledConnection<T> e) {
        w.cancelTimer();
        HealthCheck.forward(healthCheck.before(e, w.deadline, w.timeoutNanos), w.future);
    }

    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    // ---------------------------------------------------------------- upkeep and closing

    /** See {@link Housekeeping#prewarm}. */
    CompletableFuture<Void> prewarm() {
        return housekeeping.prewarm();
    }

    /** One housekeeping round; on the pool's housekeeping thread. */
    void housekeep() {
        housekeeping.run();
    }

    /** Fails the waiters and closes the idle connections; those in use close on release. */
    void shutdown() {
        List<Runnable> after = new ArrayList<>();
        lock.lock();
        try {
            waiters.failAll(new NotSentException("acquire " + endpoint + ": the pool was closed", null), after);
            // Idle ones close now; the factory's close may let a connection finish work it still
            // carries (a pipelined frame connection drains its replies first).
            idle.closeAll();
        } finally {
            lock.unlock();
        }
        after.forEach(Runnable::run);
    }

    /** Closes every idle connection now; returns how many. */
    int evictIdle() {
        lock.lock();
        try {
            return idle.closeAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes one idle connection so that another endpoint can use its slot; false if none. Lock-free. */
    boolean evictOneIdle() {
        return idle.closeOne();
    }

    // ---------------------------------------------------------------- state

    void countTimeout() {
        timeouts.incrementAndGet();
    }

    /** The state, for error messages: what was busy and what was waiting. */
    String describe() {
        return "active=" + inUse.get() + " idle=" + idle.size() + " waiting=" + waiters.size() + " connecting="
                + opener.connecting() + " (maxPerEndpoint=" + config.maxPerEndpoint() + ", pool total=" + pool.total()
                + "/" + config.maxTotal() + ")";
    }

    PoolStats stats() {
        return new PoolStats(inUse.get(), idle.size(), waiters.size(), opener.connecting(), slots.created(), slots.destroyed(),
                timeouts.get(), opener.failures());
    }
}

package io.ringwire.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connections of one endpoint. The idle connections are an {@link IdleQueue}; what counts
 * against the limits, and retiring a connection, is {@link Slots}; the borrowers waiting are a
 * {@link WaiterQueue}; the check of a connection idle long enough to need one is a
 * {@link HealthCheck}.
 *
 * <h2>Concurrency</h2>
 * The fast paths take no lock: a borrow when nobody waits is one poll of a JCTools MPMC queue and
 * one CAS; a release is one CAS and one offer. Everything slower (waiters, opening connections,
 * the backoff after a failure, housekeeping) runs under {@link #lock}, one per endpoint.
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
    private final PoolConfig config;
    private final NanoClock clock;

    private final ReentrantLock lock = new ReentrantLock();

    private final Slots<T> slots;
    private final IdleQueue<T> idle;
    private final WaiterQueue<T> waiters;
    private final HealthCheck<T> healthCheck;
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger connecting = new AtomicInteger();
    /** Per thread: whether it is inside {@link #dispatch()}, and whether a nested call asked for another round. */
    private final ThreadLocal<boolean[]> dispatching = ThreadLocal.withInitial(() -> new boolean[2]);
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();

    // Reconnect state after a failed open; guarded by lock.
    private final Backoff.Schedule reconnect;
    private boolean failing;
    private long retryAt;
    private Throwable lastFailure;
    /** Set once the endpoint has been used; minIdle is kept only for endpoints in use. Guarded by lock. */
    private boolean inService;

    EndpointPool(ConnectionPool<T> pool, Endpoint endpoint, ConnectionFactory<T> factory, PoolConfig config) {
        this.pool = pool;
        this.endpoint = endpoint;
        this.factory = factory;
        this.config = config;
        this.clock = config.clock();
        this.slots = new Slots<>(this, pool, factory, config.maxPerEndpoint());
        this.idle = new IdleQueue<>(config, factory, slots);
        this.waiters = new WaiterQueue<>(this);
        this.healthCheck = new HealthCheck<>(this);
        this.reconnect = config.reconnectBackoff().start(clock, Backoff.THREAD_LOCAL_RANDOM);
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
            inService = true;
            if (pool.isClosed()) {
                refused = closedFailure();
            } else if (failing && clock.nanoTime() - retryAt < 0 && openConnections() == 0) {
                refused = backoffFailure(); // nothing open to wait for, and no new one may be tried yet
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

    /** Open connections, borrowed or idle: the slots taken less those still connecting. */
    private int openConnections() {
        return slots.taken() - connecting.get();
    }

    private IOException backoffFailure() {
        long wait = Math.max(0, retryAt - clock.nanoTime()) / 1_000_000;
        return new NotSentException("acquire " + endpoint + ": connecting failed (" + oneLine(lastFailure)
                + "); next attempt in " + wait + " ms", lastFailure);
    }

    private static String oneLine(Throwable t) {
        Throwable c = RetryPolicy.unwrap(t);
        return c == null ? "unknown" : (c.getMessage() == null ? c.toString() : c.getMessage());
    }

    /** The state, for error messages: what was busy and what was waiting. */
    String describe() {
        return "active=" + inUse.get() + " idle=" + idle.size() + " waiting=" + waiters.size() + " connecting="
                + connecting.get() + " (maxPerEndpoint=" + config.maxPerEndpoint() + ", pool total=" + pool.total()
                + "/" + config.maxTotal() + ")";
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

    // ---------------------------------------------------------------- waiters and new connections

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
            long now = clock.nanoTime();
            if (failing && now - retryAt < 0) {
                // No new connection may be tried yet. Waiters that open connections can serve
                // (they come back when released) keep their place; with none open, fail fast.
                if (openConnections() == 0) {
                    waiters.failAll(backoffFailure(), after);
                }
            } else if (!waiters.isEmpty()) {
                // While recovering from a failure, one probe connection at a time: no reconnect storm.
                int want = failing ? 1 - connecting.get() : waiters.size() - connecting.get();
                while (want-- > 0 && slots.reserve()) {
                    connecting.incrementAndGet();
                    after.add(this::open);
                }
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

    /**
     * Opens one connection into a reserved slot; the result goes to the idle queue and then to
     * waiters. The future fails with the open's cause, for {@link #prewarm}.
     */
    private CompletableFuture<Void> open() {
        CompletableFuture<T> f;
        try {
            f = factory.open(endpoint);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        f.whenComplete((c, err) -> {
            Throwable cause = err == null ? null : RetryPolicy.unwrap(err);
            try {
                if (cause == null) {
                    opened(c);
                } else {
                    openFailed(cause);
                }
            } finally {
                if (cause == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(cause);
                }
            }
        });
        return done;
    }

    private void opened(T c) {
        long now = clock.nanoTime();
        PooledConnection<T> e = new PooledConnection<>(this, c, now);
        slots.opened(e);
        lock.lock();
        try {
            connecting.decrementAndGet();
            failing = false;
            reconnect.reset();
        } finally {
            lock.unlock();
        }
        if (pool.isClosed() || !factory.isUsable(c)) {
            e.state.set(PooledConnection.CLOSED);
            slots.retire(e);
        } else {
            e.state.set(PooledConnection.IDLE);
            idle.offer(e);
        }
        dispatch();
    }

    private void openFailed(Throwable cause) {
        connectFailures.incrementAndGet();
        List<Runnable> after = new ArrayList<>();
        lock.lock();
        try {
            connecting.decrementAndGet();
            slots.free();
            failing = true;
            lastFailure = cause;
            long delay = reconnect.nextDelayNanos();
            if (delay < 0) {
                reconnect.reset();
                delay = reconnect.nextDelayNanos();
            }
            retryAt = clock.nanoTime() + Math.max(0, delay);
            // Fail fast: those waiting get the cause now rather than their timeout later; the
            // request layer's retry policy decides what to do (nothing was sent). Not while
            // connections are open, though: those waiters needed no new one, and one will come
            // back to them when released.
            if (openConnections() == 0) {
                waiters.failAll(new NotSentException("acquire " + endpoint + ": connecting failed: " + oneLine(cause), cause), after);
            }
        } finally {
            lock.unlock();
        }
        after.forEach(Runnable::run);
    }

    // ---------------------------------------------------------------- housekeeping

    /**
     * Opens connections until minIdle are open or opening; the future completes when they have,
     * and fails with the cause if one of them could not be opened.
     */
    CompletableFuture<Void> prewarm() {
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        lock.lock();
        try {
            inService = true;
            int want = config.minIdle() - idle.size() - connecting.get();
            while (want-- > 0 && !pool.isClosed() && slots.reserve()) {
                connecting.incrementAndGet();
                opening.add(null);
            }
        } finally {
            lock.unlock();
        }
        opening.replaceAll(x -> open());
        return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new));
    }

    /**
     * Closes idle connections past the idle timeout (above minIdle), past their lifetime, or no
     * longer usable; reports leaks; tops up minIdle. Runs on the pool's housekeeping thread.
     */
    void housekeep() {
        long now = clock.nanoTime();
        List<PoolConfig.LeakReport> leaks = new ArrayList<>(0);
        boolean topUp;
        lock.lock();
        try {
            long idleLimit = config.idleTimeout().toNanos();
            for (int n = idle.queued(); n > 0; n--) {
                PooledConnection<T> e = idle.poll();
                if (e == null) {
                    break;
                }
                // The count no longer counts e: closing e still leaves minIdle idle if it is at least minIdle.
                // (Borrowed connections do not count: they are not there to serve the next borrower.)
                boolean idleTooLong = idleLimit > 0 && now - e.since >= idleLimit && idle.size() >= config.minIdle();
                if (idleTooLong || idle.expired(e, now) || !factory.isUsable(e.get())) {
                    idle.close(e);
                } else {
                    idle.offer(e);
                }
            }
            long leakNanos = config.leakThreshold().toNanos();
            if (leakNanos > 0) {
                for (PooledConnection<T> e : slots.openConnections()) {
                    if (e.isInUse() && !e.leakReported && now - e.since >= leakNanos) {
                        e.leakReported = true;
                        leaks.add(new PoolConfig.LeakReport(endpoint, e.get(), now - e.since, e.acquiredAt));
                    }
                }
            }
            topUp = inService && !pool.isClosed() && !(failing && now - retryAt < 0);
        } finally {
            lock.unlock();
        }
        leaks.forEach(config.leakListener());
        if (topUp && config.minIdle() > 0) {
            prewarm();
        }
        dispatch();
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

    /** Closes one idle connection so that another endpoint can use its slot; false if none. */
    boolean evictOneIdle() {
        return idle.closeOne();
    }

    void countTimeout() {
        timeouts.incrementAndGet();
    }

    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    PoolStats stats() {
        return new PoolStats(inUse.get(), idle.size(), waiters.size(), connecting.get(), slots.created(), slots.destroyed(),
                timeouts.get(), connectFailures.get());
    }
}

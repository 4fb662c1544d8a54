package io.ringwire.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connections of one endpoint. The idle connections are an {@link IdleQueue}; what counts
 * against the limits, and retiring a connection, is {@link Slots}.
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
    private final ConnectionPool<T> pool;
    private final ConnectionFactory<T> factory;
    private final PoolConfig config;
    private final NanoClock clock;

    private final ConcurrentLinkedQueue<Waiter<T>> waiters = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();

    private final Slots<T> slots;
    private final IdleQueue<T> idle;
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
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
        this.reconnect = config.reconnectBackoff().start(clock, Backoff.THREAD_LOCAL_RANDOM);
    }

    /** A waiting borrower. Whoever wins {@link #claim} (delivery, timeout or cancellation) completes it. */
    private static final class Waiter<T> {
        final CompletableFuture<PooledConnection<T>> future = new CompletableFuture<>();
        final AtomicBoolean claimed = new AtomicBoolean();
        /** {@link System#nanoTime()} by which it must be served, health check included. */
        final long deadline;
        final long timeoutNanos;
        volatile Future<?> timer;

        Waiter(long deadline, long timeoutNanos) {
            this.deadline = deadline;
            this.timeoutNanos = timeoutNanos;
        }

        boolean claim() {
            return !claimed.get() && claimed.compareAndSet(false, true);
        }

        boolean isDone() {
            return claimed.get();
        }

        void cancelTimer() {
            Future<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
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
            return checked(fast, deadline, timeoutNanos);
        }
        Waiter<T> w = new Waiter<>(deadline, timeoutNanos);
        // The timer goes first: a delivery on another thread may follow the enqueue at once, and
        // it must find the timer to cancel it.
        if (timeoutNanos > 0) {
            Future<?> timer = pool.schedule(() -> timeOut(w), timeoutNanos);
            if (timer == null) {
                return CompletableFuture.failedFuture(closedFailure());
            }
            w.timer = timer;
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
                waiting.incrementAndGet();
            }
        } finally {
            lock.unlock();
        }
        if (refused != null) {
            w.cancelTimer();
            return CompletableFuture.failedFuture(refused);
        }
        w.future.whenComplete((c, e) -> {
            if (e instanceof CancellationException) {
                abandon(w);
            }
        });
        dispatch();
        if (timeoutNanos <= 0 && !w.isDone()) {
            timeOut(w);
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

    /** The borrower cancelled its future: leave the queue now rather than at the timeout. */
    private void abandon(Waiter<T> w) {
        if (w.claim()) {
            w.cancelTimer();
            removeWaiter(w);
        }
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

    private void timeOut(Waiter<T> w) {
        if (!w.claim()) {
            return;
        }
        timeouts.incrementAndGet();
        String state = describe(); // before it leaves the queue: a waiter that times out still counts as waiting
        removeWaiter(w);
        w.future.completeExceptionally(new PoolTimeoutException("acquire " + endpoint + " timed out after "
                + TimeUnit.NANOSECONDS.toMillis(w.timeoutNanos) + " ms: " + state));
    }

    /** The state, for error messages: what was busy and what was waiting. */
    String describe() {
        return "active=" + inUse.get() + " idle=" + idle.size() + " waiting=" + waiting.get() + " connecting="
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

    /**
     * Completes at once, or after the health check when the connection was idle long enough to
     * need one. The check gets what is left until {@code deadline}: one that does not answer by
     * then counts as failed (the connection is discarded) and the acquire times out. After a
     * failed check the acquire goes on, for the time that is left.
     */
    private CompletableFuture<PooledConnection<T>> checked(PooledConnection<T> e, long deadline, long timeoutNanos) {
        if (!e.checkNeeded) {
            return CompletableFuture.completedFuture(e);
        }
        CompletableFuture<Boolean> check;
        try {
            check = factory.healthCheck(e.get());
        } catch (RuntimeException ex) {
            check = CompletableFuture.failedFuture(ex);
        }
        CompletableFuture<PooledConnection<T>> result = new CompletableFuture<>();
        AtomicBoolean decided = new AtomicBoolean();
        Future<?> timer = null;
        if (!check.isDone()) {
            long left = deadline - System.nanoTime();
            Runnable expire = () -> {
                if (decided.compareAndSet(false, true)) {
                    timeouts.incrementAndGet();
                    e.discard(); // no answer: the connection cannot be trusted
                    result.completeExceptionally(new PoolTimeoutException("acquire " + endpoint + " timed out after "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms: the health check of an idle connection"
                            + " did not answer; " + describe()));
                }
            };
            if (left <= 0 || (timer = pool.schedule(expire, left)) == null) {
                expire.run();
                return result;
            }
        }
        Future<?> checkTimer = timer;
        check.whenComplete((ok, err) -> {
            if (!decided.compareAndSet(false, true)) {
                return; // timed out first: already discarded
            }
            if (checkTimer != null) {
                checkTimer.cancel(false);
            }
            if (err == null && Boolean.TRUE.equals(ok)) {
                handTo(result, e);
                return;
            }
            e.discard();
            acquire(Math.max(0, deadline - System.nanoTime())).whenComplete((c, x) -> {
                if (x != null) {
                    result.completeExceptionally(RetryPolicy.unwrap(x));
                } else {
                    handTo(result, c);
                }
            });
        });
        return result;
    }

    /** Completes {@code f} with {@code e}, or gives {@code e} back if its borrower cancelled meanwhile. */
    private static <T> void handTo(CompletableFuture<PooledConnection<T>> f, PooledConnection<T> e) {
        if (!f.complete(e)) {
            e.release();
        }
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
            Waiter<T> w;
            while ((w = waiters.peek()) != null) {
                if (w.isDone()) {
                    removeWaiter(w);
                    continue;
                }
                PooledConnection<T> e = idle.pollUsable();
                if (e == null) {
                    break;
                }
                if (w.claim()) {
                    removeWaiter(w);
                    handOut(e);
                    Waiter<T> to = w;
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
                    failWaiters(backoffFailure(), after);
                }
            } else if (!waiters.isEmpty()) {
                // While recovering from a failure, one probe connection at a time: no reconnect storm.
                int want = failing ? 1 - connecting.get() : waiting.get() - connecting.get();
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

    private void removeWaiter(Waiter<T> w) {
        if (waiters.remove(w)) {
            waiting.decrementAndGet();
        }
    }

    private void deliver(Waiter<T> w, PooledConnection<T> e) {
        w.cancelTimer();
        checked(e, w.deadline, w.timeoutNanos).whenComplete((c, err) -> {
            if (err != null) {
                w.future.completeExceptionally(RetryPolicy.unwrap(err));
            } else {
                handTo(w.future, c);
            }
        });
    }

    /** Claims every waiter and adds its failure to {@code after}. Under lock. */
    private void failWaiters(IOException cause, List<Runnable> after) {
        for (Waiter<T> w; (w = waiters.poll()) != null; ) {
            waiting.decrementAndGet();
            if (w.claim()) {
                Waiter<T> to = w;
                after.add(() -> {
                    to.cancelTimer();
                    to.future.completeExceptionally(cause);
                });
            }
        }
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
                failWaiters(new NotSentException("acquire " + endpoint + ": connecting failed: " + oneLine(cause), cause), after);
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
            failWaiters(new NotSentException("acquire " + endpoint + ": the pool was closed", null), after);
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

    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    PoolStats stats() {
        return new PoolStats(inUse.get(), idle.size(), waiting.get(), connecting.get(), slots.created(), slots.destroyed(),
                timeouts.get(), connectFailures.get());
    }
}

package io.ringwire.client;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The borrowers of one endpoint that wait for a connection, in FIFO order, each with its acquire
 * deadline and the timer that enforces it.
 *
 * <p>A waiter is completed once, by whoever wins its {@link Waiter#claim}: a delivery (the
 * endpoint's dispatch), its timer (on the pool's housekeeping thread) or its borrower cancelling
 * the future (on the canceller's thread). Timing out and cancelling need no lock: the queue is a
 * {@link ConcurrentLinkedQueue} and a claimed waiter may leave it from any thread. Adding and
 * serving ({@link #add}, {@link #peek} then {@link #remove}, {@link #failAll}) happen under the
 * endpoint's lock, which is what keeps deliveries in arrival order. {@link #isEmpty} is a
 * lock-free read for the borrow and release fast paths.
 */
final class WaiterQueue<T> {
    private final EndpointPool<T> owner;
    private final ConcurrentLinkedQueue<Waiter<T>> queue = new ConcurrentLinkedQueue<>();
    /** Waiters in the queue; one that has timed out counts until it has left. */
    private final AtomicInteger waiting = new AtomicInteger();

    WaiterQueue(EndpointPool<T> owner) {
        this.owner = owner;
    }

    /** A waiting borrower. Whoever wins {@link #claim} (delivery, timeout or cancellation) completes it. */
    static final class Waiter<T> {
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

    /**
     * A waiter with its timer started, not yet queued; null when the pool is closing and takes no
     * timers. The timer goes first: a delivery on another thread may follow the {@link #add} at
     * once, and it must find the timer to cancel it. A timeout of zero or less starts none: the
     * caller times such a waiter out itself once dispatch has had its chance
     * ({@link #timeOutNow}).
     */
    Waiter<T> start(long deadline, long timeoutNanos) {
        Waiter<T> w = new Waiter<>(deadline, timeoutNanos);
        if (timeoutNanos > 0) {
            Future<?> timer = owner.pool.schedule(() -> timeOut(w), timeoutNanos);
            if (timer == null) {
                return null;
            }
            w.timer = timer;
        }
        return w;
    }

    /** Queues {@code w} last. Under the endpoint's lock. */
    void add(Waiter<T> w) {
        queue.add(w);
        waiting.incrementAndGet();
    }

    /** From now on a borrower that cancels {@code w}'s future gives up its place at once, not at the timeout. */
    void leaveOnCancel(Waiter<T> w) {
        w.future.whenComplete((c, e) -> {
            if (e instanceof CancellationException) {
                abandon(w);
            }
        });
    }

    /** Times {@code w} out now, unless it was served meanwhile; for a waiter that had no time to wait. */
    void timeOutNow(Waiter<T> w) {
        if (!w.isDone()) {
            timeOut(w);
        }
    }

    private void abandon(Waiter<T> w) {
        if (w.claim()) {
            w.cancelTimer();
            remove(w);
        }
    }

    private void timeOut(Waiter<T> w) {
        if (!w.claim()) {
            return;
        }
        owner.countTimeout();
        String state = owner.describe(); // before it leaves the queue: a waiter that times out still counts as waiting
        remove(w);
        w.future.completeExceptionally(new PoolTimeoutException("acquire " + owner.endpoint + " timed out after "
                + TimeUnit.NANOSECONDS.toMillis(w.timeoutNanos) + " ms: " + state));
    }

    /** The first waiter, served or not; null if none. */
    Waiter<T> peek() {
        return queue.peek();
    }

    void remove(Waiter<T> w) {
        if (queue.remove(w)) {
            waiting.decrementAndGet();
        }
    }

    /** Claims every waiter and adds its failure to {@code after}, to run outside the lock. Under the endpoint's lock. */
    void failAll(IOException cause, List<Runnable> after) {
        for (Waiter<T> w; (w = queue.poll()) != null; ) {
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

    /** Lock-free: the fast paths ask this before they take or give back an idle connection. */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return waiting.get();
    }
}

package io.ringwire.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens the connections of one endpoint, and holds the reconnect backoff after a failed open.
 *
 * <p>After a failure no new connection is tried until {@link PoolConfig#reconnectBackoff()}
 * passes ({@link #inBackoff}); after it, one probe at a time ({@link #openFor}) until one
 * succeeds. So a server restart costs a trickle of probes, never a storm of reconnects. A failure
 * while nothing is open fails the waiters at once: nothing was sent, and the request layer's
 * retry policy decides what to do.
 *
 * <p>The backoff state ({@code failing}, {@code retryAt}, {@code lastFailure} and the schedule)
 * is guarded by the endpoint's lock, and so is every method that reads it. {@link #open} runs
 * outside the lock, as the factory's open may do real work; its completion runs on whichever
 * thread completes the factory's future (an event loop, or the caller's), takes the lock for the
 * backoff state only, and then dispatches. The counters are atomics, read without the lock.
 */
final class Opener<T> {
    private final EndpointPool<T> owner;
    private final NanoClock clock;
    private final AtomicInteger connecting = new AtomicInteger();
    private final AtomicLong failures = new AtomicLong();

    // Reconnect state after a failed open; guarded by the endpoint's lock.
    private final Backoff.Schedule reconnect;
    private boolean failing;
    private long retryAt;
    private Throwable lastFailure;

    Opener(EndpointPool<T> owner) {
        this.owner = owner;
        this.clock = owner.clock;
        this.reconnect = owner.config.reconnectBackoff().start(clock, Backoff.THREAD_LOCAL_RANDOM);
    }

    /** Whether the last open failed and the backoff has not passed yet, so no new one may be tried. Under the lock. */
    boolean inBackoff(long now) {
        return failing && now - retryAt < 0;
    }

    /** As above, reading the clock only after a failure: that is rare, and a read costs ~20 ns. */
    boolean inBackoff() {
        return failing && clock.nanoTime() - retryAt < 0;
    }

    /** Why an acquire is refused within the backoff: the last cause, and how long until the next try. Under the lock. */
    IOException backoffFailure() {
        long wait = Math.max(0, retryAt - clock.nanoTime()) / 1_000_000;
        return new NotSentException("acquire " + owner.endpoint + ": connecting failed (" + oneLine(lastFailure)
                + "); next attempt in " + wait + " ms", lastFailure);
    }

    private static String oneLine(Throwable t) {
        Throwable c = RetryPolicy.unwrap(t);
        return c == null ? "unknown" : (c.getMessage() == null ? c.toString() : c.getMessage());
    }

    /** Open connections, borrowed or idle: the slots taken less those still connecting. */
    int openConnections() {
        return owner.slots.taken() - connecting.get();
    }

    /**
     * Reserves slots for those of {@code waiting} waiters that no open under way will serve, and
     * adds an {@link #open} per slot to {@code after}. While recovering from a failure, one probe
     * at a time. Under the lock, past the backoff.
     */
    void openFor(int waiting, List<Runnable> after) {
        int want = failing ? probeRoom() : waiting - connecting.get();
        while (want-- > 0 && reserve()) {
            after.add(this::open);
        }
    }

    /** Of {@code want} opens, those that may start now: all, or while recovering from a failure, one probe at a time. Under the lock. */
    int allowed(int want) {
        return failing ? Math.min(want, probeRoom()) : want;
    }

    /** While recovering: room for a probe if none is under way. */
    private int probeRoom() {
        return 1 - connecting.get();
    }

    /** Takes a slot for a connection about to be opened, or returns false; {@link #open} then fills it. */
    boolean reserve() {
        if (!owner.slots.reserve()) {
            return false;
        }
        connecting.incrementAndGet();
        return true;
    }

    /**
     * Opens one connection into a slot {@link #reserve} took; the result goes to the idle queue
     * and then to waiters. The future fails with the open's cause, for prewarm. Outside the lock.
     */
    CompletableFuture<Void> open() {
        CompletableFuture<T> f;
        try {
            f = owner.factory.open(owner.endpoint);
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
        PooledConnection<T> e = new PooledConnection<>(owner, c, now);
        owner.slots.opened(e);
        owner.lock.lock();
        try {
            connecting.decrementAndGet();
            failing = false;
            reconnect.reset();
        } finally {
            owner.lock.unlock();
        }
        if (owner.pool.isClosed() || !owner.factory.isUsable(c)) {
            e.state.set(PooledConnection.CLOSED);
            owner.slots.retire(e);
        } else {
            e.state.set(PooledConnection.IDLE);
            owner.idle.offer(e);
        }
        owner.dispatch();
    }

    private void openFailed(Throwable cause) {
        failures.incrementAndGet();
        List<Runnable> after = new ArrayList<>();
        owner.lock.lock();
        try {
            connecting.decrementAndGet();
            owner.slots.free();
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
                owner.waiters.failAll(new NotSentException("acquire " + owner.endpoint + ": connecting failed: "
                        + oneLine(cause), cause), after);
            }
        } finally {
            owner.lock.unlock();
        }
        after.forEach(Runnable::run);
    }

    /** Opens under way: slots reserved whose connection has not opened or failed yet. */
    int connecting() {
        return connecting.get();
    }

    long failures() {
        return failures.get();
    }
}

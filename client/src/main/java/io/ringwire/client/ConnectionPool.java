package io.ringwire.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection pool, one sub-pool per {@link Endpoint}, for connections of any protocol: what a
 * connection is, how to open, check and close one, is the {@link ConnectionFactory}'s business.
 *
 * <pre>{@code
 * ConnectionPool<FrameClient> pool = new ConnectionPool<>(factory, PoolConfig.builder().maxPerEndpoint(4).build());
 * PooledConnection<FrameClient> c = pool.acquire(new Endpoint("127.0.0.1", 7100)).get();
 * try { c.get().ping(body).get(); c.release(); } catch (Exception e) { c.discard(); throw e; }
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 * At most {@link PoolConfig#maxTotal()} connections in all and {@link PoolConfig#maxPerEndpoint()}
 * per endpoint, counting those being opened; a connection is never handed to two borrowers at
 * once; one that {@link ConnectionFactory#isUsable} rejects (closed, half-closed) is never handed
 * out. Waiters are served in FIFO order. When all slots are taken by other endpoints' idle
 * connections, the oldest-queued idle one elsewhere is closed to make room.
 *
 * <h2>Failures and recovery</h2>
 * A failed open starts the {@link PoolConfig#reconnectBackoff()}: until it passes no new
 * connection to that endpoint is tried, and after it one probe connection at a time until one
 * succeeds. While the endpoint has no open connection, its waiters fail at once with a
 * {@link NotSentException} (nothing was sent, so the caller's {@link RetryPolicy} may retry any
 * request), and so do acquires that find nothing idle. While it has some, waiters stay queued for
 * the ones in use: a transient connect failure under load does not fail requests that needed
 * no new connection. A server restart thus costs a few fast failures and a trickle of probes,
 * never a storm of reconnects.
 *
 * <h2>Threads</h2>
 * Thread-safe. {@link #acquire} never blocks: its future completes on the caller's thread when an
 * idle connection is at hand, otherwise on the thread that released or opened one, or on the
 * pool's housekeeping thread (timeouts, eviction, minIdle, leak reports). Do not block in a
 * continuation of it on an event loop. Cancelling an acquire's future gives up its place in the
 * queue; a connection that reaches it anyway goes back to the pool. {@link #close()} closes idle
 * connections at once and the others as they are released.
 */
public final class ConnectionPool<T> implements AutoCloseable {
    private final ConnectionFactory<T> factory;
    private final PoolConfig config;
    private final ConcurrentHashMap<Endpoint, EndpointPool<T>> endpoints = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicLong rounds = new AtomicLong();
    private final ScheduledThreadPoolExecutor housekeeper;
    private volatile boolean closed;

    public ConnectionPool(ConnectionFactory<T> factory, PoolConfig config) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.config = Objects.requireNonNull(config, "config");
        this.housekeeper = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ringwire-pool-housekeeper");
            t.setDaemon(true);
            return t;
        });
        housekeeper.setRemoveOnCancelPolicy(true);
        // On close the periodic round stops, but the acquire deadlines already scheduled still
        // fire (see close()). These are the defaults; set here because close relies on them.
        housekeeper.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        housekeeper.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
        long period = config.housekeepingPeriod().toNanos();
        housekeeper.scheduleWithFixedDelay(this::housekeep, period, period, TimeUnit.NANOSECONDS);
    }

    public PoolConfig config() {
        return config;
    }

    /**
     * A connection to {@code endpoint}: an idle one at once if there is one, else a new one if
     * the limits allow, else the next one released, within the acquire timeout. Fails with
     * {@link PoolTimeoutException} (naming the pool's state) or a {@link NotSentException}.
     */
    public CompletableFuture<PooledConnection<T>> acquire(Endpoint endpoint) {
        return acquire(endpoint, config.acquireTimeout());
    }

    /**
     * As {@link #acquire(Endpoint)}, waiting at most {@code timeout} instead of the configured
     * acquire timeout (a request with a deadline of its own passes what is left of it). A health
     * check counts toward the wait. {@link Duration#ZERO} fails at once when nothing is idle.
     */
    public CompletableFuture<PooledConnection<T>> acquire(Endpoint endpoint, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (closed) {
            return CompletableFuture.failedFuture(new NotSentException("acquire " + endpoint + ": the pool is closed", null));
        }
        return endpoint(endpoint).acquire(timeout.isNegative() ? 0 : saturatedNanos(timeout));
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * An idle connection to {@code endpoint}, or null at once when none is idle (or some
     * borrower is already waiting). Opens nothing. Allocates nothing unless leak detection is on.
     * A connection due for a health check is handed out without it: use {@link #acquire} for that.
     */
    public PooledConnection<T> tryAcquire(Endpoint endpoint) {
        EndpointPool<T> ep = endpoints.get(endpoint);
        return ep == null || closed ? null : ep.tryAcquire();
    }

    /**
     * Opens {@link PoolConfig#minIdle()} connections to {@code endpoint} ahead of use; completes
     * when they are open, or fails with the cause when one could not be opened.
     */
    public CompletableFuture<Void> prewarm(Endpoint endpoint) {
        return endpoint(endpoint).prewarm();
    }

    private EndpointPool<T> endpoint(Endpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        EndpointPool<T> ep = endpoints.get(endpoint);
        return ep != null ? ep : endpoints.computeIfAbsent(endpoint, e -> new EndpointPool<>(this, e, factory, config));
    }

    /**
     * Closes every idle connection to {@code endpoint} now, and returns how many. For a client
     * that has just found one of them closed by the server: those that sat idle as long are
     * suspect too, and the next borrower should not meet them one by one.
     */
    public int evictIdle(Endpoint endpoint) {
        EndpointPool<T> ep = endpoints.get(endpoint);
        return ep == null ? 0 : ep.evictIdle();
    }

    /** Counters summed over every endpoint. */
    public PoolStats stats() {
        PoolStats s = PoolStats.ZERO;
        for (EndpointPool<T> ep : endpoints.values()) {
            s = s.plus(ep.stats());
        }
        return s;
    }

    /** One endpoint's counters (zeros for one never used). */
    public PoolStats stats(Endpoint endpoint) {
        EndpointPool<T> ep = endpoints.get(endpoint);
        return ep == null ? PoolStats.ZERO : ep.stats();
    }

    /** Connections open or being opened, over all endpoints. */
    public int total() {
        return total.get();
    }

    boolean isClosed() {
        return closed;
    }

    /** Runs {@code task} on the housekeeper after the delay; null if the pool is closing and takes no more. */
    Future<?> schedule(Runnable task, long delayNanos) {
        try {
            return housekeeper.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            return null;
        }
    }

    /** Housekeeping rounds finished since the pool started: tests wait for one to assert that it changed nothing. */
    long housekeepingRounds() {
        return rounds.get();
    }

    /** Takes a slot of the total; when full, closes an idle connection of another endpoint to make one. */
    boolean reserveTotal(EndpointPool<T> requester) {
        for (int attempt = 0; attempt < 2; attempt++) {
            for (int t; (t = total.get()) < config.maxTotal(); ) {
                if (total.compareAndSet(t, t + 1)) {
                    return true;
                }
            }
            if (attempt == 0 && !evictIdleElsewhere(requester)) {
                return false;
            }
        }
        return false;
    }

    private boolean evictIdleElsewhere(EndpointPool<T> requester) {
        for (EndpointPool<T> ep : endpoints.values()) {
            if (ep != requester && ep.evictOneIdle()) {
                return true;
            }
        }
        return false;
    }

    /** A slot was freed: endpoints that wait because the total was full may now open one. */
    void freeTotal(EndpointPool<T> from) {
        int before = total.getAndDecrement();
        if (before >= config.maxTotal() && !closed) {
            for (EndpointPool<T> ep : endpoints.values()) {
                if (ep != from && ep.hasWaiters()) {
                    // On the housekeeper, never inline: the caller may hold its own endpoint's lock.
                    try {
                        housekeeper.execute(ep::dispatch);
                    } catch (RejectedExecutionException closing) {
                        return; // closed meanwhile: shutdown fails the waiters
                    }
                }
            }
        }
    }

    private void housekeep() {
        for (EndpointPool<T> ep : endpoints.values()) {
            try {
                ep.housekeep();
            } catch (RuntimeException e) {
                System.getLogger(ConnectionPool.class.getName()).log(System.Logger.Level.WARNING,
                        "pool housekeeping of " + ep.endpoint + " failed", e);
            }
        }
        rounds.incrementAndGet();
    }

    /** Fails the waiters, closes the idle connections now and the borrowed ones on release, stops housekeeping. */
    @Override
    public void close() {
        closed = true;
        endpoints.values().forEach(EndpointPool::shutdown);
        // Not shutdownNow: that would drop the deadline of an acquire whose health check is under
        // way, and a check that never answers would then leave its future pending for good. The
        // waiters' timers were cancelled as they were failed, so what still runs is bounded by
        // those deadlines, and the thread ends after the last one.
        housekeeper.shutdown();
    }
}

package io.ringwire.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The upkeep of one endpoint's connections: {@link PoolConfig#minIdle()} (opened ahead of use by
 * {@link #prewarm}, topped up by {@link #run}), closing idle connections past the idle timeout,
 * past their lifetime or no longer usable, and leak reports.
 *
 * <p>{@link #run} is called on the pool's housekeeping thread, {@link #prewarm} on the caller's.
 * Both decide under the endpoint's lock, which also guards {@code inService}, and open, report
 * and dispatch outside it: the leak listener is user code.
 */
final class Housekeeping<T> {
    private final EndpointPool<T> owner;
    private final PoolConfig config;
    /** Set once the endpoint has been used; minIdle is kept only for endpoints in use. Guarded by the lock. */
    private boolean inService;

    Housekeeping(EndpointPool<T> owner) {
        this.owner = owner;
        this.config = owner.config;
    }

    /** The endpoint is in use: keep minIdle for it from now on. Under the lock. */
    void inService() {
        inService = true;
    }

    /**
     * Opens connections until minIdle are open or opening; the future completes when they have,
     * and fails with the cause if one of them could not be opened. The caller asked for them, so
     * a reconnect backoff does not hold them back; the housekeeping top-up is held to it.
     */
    CompletableFuture<Void> prewarm() {
        return openToMinIdle(false);
    }

    /** As {@link #prewarm}; {@code probing}: after a failed open, only one probe at a time. */
    private CompletableFuture<Void> openToMinIdle(boolean probing) {
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        owner.lock.lock();
        try {
            inService = true;
            int want = config.minIdle() - owner.idle.size() - owner.opener.connecting();
            if (probing) {
                want = owner.opener.allowed(want);
            }
            while (want-- > 0 && !owner.pool.isClosed() && owner.opener.reserve()) {
                opening.add(null);
            }
        } finally {
            owner.lock.unlock();
        }
        opening.replaceAll(x -> owner.opener.open());
        return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new));
    }

    /**
     * Closes idle connections past the idle timeout (above minIdle), past their lifetime, or no
     * longer usable; reports leaks; tops up minIdle; then dispatches, so that waiters the
     * reconnect backoff held back get their probe once it has passed.
     */
    void run() {
        long now = owner.clock.nanoTime();
        List<PoolConfig.LeakReport> leaks = new ArrayList<>(0);
        boolean topUp;
        owner.lock.lock();
        try {
            sweepIdle(now);
            long leakNanos = config.leakThreshold().toNanos();
            if (leakNanos > 0) {
                for (PooledConnection<T> e : owner.slots.openConnections()) {
                    if (e.isInUse() && !e.leakReported && now - e.since >= leakNanos) {
                        e.leakReported = true;
                        leaks.add(new PoolConfig.LeakReport(owner.endpoint, e.get(), now - e.since, e.acquiredAt));
                    }
                }
            }
            topUp = inService && !owner.pool.isClosed() && !owner.opener.inBackoff(now);
        } finally {
            owner.lock.unlock();
        }
        leaks.forEach(config.leakListener());
        if (topUp && config.minIdle() > 0) {
            // Past the backoff, but maybe not past the failure: like a waiter's open, a probe.
            openToMinIdle(true);
        }
        owner.dispatch();
    }

    /** Visits each idle connection once, closing those no longer worth keeping. Under the lock. */
    private void sweepIdle(long now) {
        IdleQueue<T> idle = owner.idle;
        long idleLimit = config.idleTimeout().toNanos();
        for (int n = idle.queued(); n > 0; n--) {
            PooledConnection<T> e = idle.poll();
            if (e == null) {
                break;
            }
            // The count no longer counts e: closing e still leaves minIdle idle if it is at least minIdle.
            // (Borrowed connections do not count: they are not there to serve the next borrower.)
            boolean idleTooLong = idleLimit > 0 && now - e.since >= idleLimit && idle.size() >= config.minIdle();
            if (idleTooLong || idle.expired(e, now) || !owner.factory.isUsable(e.get())) {
                idle.close(e);
            } else {
                idle.offer(e);
            }
        }
    }
}

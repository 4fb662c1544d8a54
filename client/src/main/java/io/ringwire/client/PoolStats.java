package io.ringwire.client;

/**
 * A snapshot of a pool's gauges and counters. The fields are read one by one, not atomically
 * together, so under load they may disagree by a connection or two.
 *
 * @param active    connections handed out and not yet released
 * @param idle      connections waiting in the pool
 * @param pending   acquirers waiting for a connection
 * @param connecting connections being opened
 * @param created   connections opened since the pool started
 * @param destroyed connections closed by the pool since it started
 * @param timeouts  acquires that timed out
 * @param connectFailures connections that failed to open
 */
public record PoolStats(int active, int idle, int pending, int connecting, long created, long destroyed, long timeouts,
                        long connectFailures) {
    /** The sum of two snapshots, for totals over endpoints. */
    PoolStats plus(PoolStats o) {
        return new PoolStats(active + o.active, idle + o.idle, pending + o.pending, connecting + o.connecting,
                created + o.created, destroyed + o.destroyed, timeouts + o.timeouts, connectFailures + o.connectFailures);
    }

    static final PoolStats ZERO = new PoolStats(0, 0, 0, 0, 0, 0, 0, 0);
}

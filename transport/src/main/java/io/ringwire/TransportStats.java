package io.ringwire;

/**
 * A snapshot of a group's counters, summed over its loops. Each loop's share may lag by one
 * iteration; the sum is consistent enough for metrics, not for accounting.
 */
public record TransportStats(
        int loops,
        long connectionsOpened,
        long connectionsClosed,
        long bytesRead,
        long bytesWritten,
        long readErrors,
        long writeErrors,
        long handlerErrors,
        long acceptErrors,
        long connectionsRejected,
        long wakeups) {

    /** Connections open now: opened minus closed. */
    public long connectionsActive() {
        return connectionsOpened - connectionsClosed;
    }
}

package io.ringwire;

/**
 * A snapshot of a group's counters, summed over its loops. Each loop's share may lag by one
 * iteration; the sum is consistent enough for metrics, not for accounting.
 *
 * <p>{@code connectionsRejected} counts refusals by every limit; {@code rejectedPerIp} and
 * {@code rejectedByRate} are the parts of it over the per-IP limit and over the accept rate.
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
        long wakeups,
        long rejectedPerIp,
        long rejectedByRate) {

    /**
     * Of {@link #connectionsRejected}: those over the connection limit ({@code maxConnections}),
     * that is, neither over the per-IP limit nor over the accept rate.
     */
    public long rejectedMaxConnections() {
        return connectionsRejected - rejectedPerIp - rejectedByRate;
    }

    /** Connections open now: opened minus closed. */
    public long connectionsActive() {
        return connectionsOpened - connectionsClosed;
    }
}

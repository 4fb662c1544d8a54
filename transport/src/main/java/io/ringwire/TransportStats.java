package io.ringwire;

/**
 * A snapshot of a group's counters, summed over its loops. Each loop's share may lag by one
 * iteration; the sum is consistent enough for metrics, not for accounting.
 *
 * <p>{@code connectionsRejected} counts refusals by every limit; {@code rejectedPerIp} and
 * {@code rejectedByRate} are the parts of it over the per-IP limit and over the accept rate.
 *
 * <p>{@code sendfileBytes} and {@code spliceBytes} show that zero-copy is used: the bytes the
 * kernel took from {@code sendfile(2)} for {@link Connection#sendFile} (a part of
 * {@code bytesWritten}), and the bytes splice relays moved into their destination sockets with
 * {@code splice(2)} (not in {@code bytesWritten}). Each is counted where its syscall returns, so
 * bytes copied through Java instead never show there.
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
        long rejectedByRate,
        long sendfileBytes,
        long spliceBytes) {

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

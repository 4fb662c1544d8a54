package io.ringwire.loop;

/**
 * Counters of one loop. Written only by the loop thread; other threads read them without
 * synchronisation, so a snapshot may lag by an iteration but never tears (64-bit JVMs write longs
 * atomically). Hot-path updates are plain increments: no atomic instruction per message. The
 * fields are public for the backends' packages; nothing outside a loop thread may write them.
 */
public final class LoopStats {
    public long connectionsOpened;
    public long connectionsClosed;
    public long bytesRead;
    public long bytesWritten;
    public long readErrors;
    public long writeErrors;
    public long handlerErrors;
    public long acceptErrors;
    public long connectionsRejected;
    public long wakeups;
    public long recvBufferShortages;
    public long cqOverflows;
    public long deadlinesExceeded;
    public long rejectedPerIp;
    public long rejectedByRate;
    public long sendfileBytes;
    public long spliceBytes;

    public long connectionsOpened() {
        return connectionsOpened;
    }

    public long connectionsClosed() {
        return connectionsClosed;
    }

    public long bytesRead() {
        return bytesRead;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    public long readErrors() {
        return readErrors;
    }

    public long writeErrors() {
        return writeErrors;
    }

    public long handlerErrors() {
        return handlerErrors;
    }

    public long acceptErrors() {
        return acceptErrors;
    }

    /** Connections refused by any limit: max connections, per IP, or accept rate. */
    public long connectionsRejected() {
        return connectionsRejected;
    }

    /** io_uring: times a multishot recv ended because the provided-buffer ring was empty. */
    public long recvBufferShortages() {
        return recvBufferShortages;
    }

    /** io_uring: times the completion queue overflowed into the kernel's backlog. */
    public long cqOverflows() {
        return cqOverflows;
    }

    /** Of {@link #connectionsRejected}: those over the per-IP limit. */
    public long rejectedPerIp() {
        return rejectedPerIp;
    }

    /** Of {@link #connectionsRejected}: those over the accept rate. */
    public long rejectedByRate() {
        return rejectedByRate;
    }

    /** Read or write deadlines that passed and were reported to a handler. */
    public long deadlinesExceeded() {
        return deadlinesExceeded;
    }

    /**
     * Of {@link #bytesWritten}: file bytes the kernel took from {@code sendfile(2)} calls
     * ({@link io.ringwire.Connection#sendFile}), counted where each call returns. They never
     * passed through Java; a file sent any other way would not show here.
     */
    public long sendfileBytes() {
        return sendfileBytes;
    }

    /**
     * Bytes the splice relays on this loop ({@link io.ringwire.splice.SpliceRelay}) moved from a
     * pipe into a destination socket with {@code splice(2)}: each relayed byte once, whichever
     * way it went. Not part of {@link #bytesWritten}, which counts connections only.
     */
    public long spliceBytes() {
        return spliceBytes;
    }

    /** Times another thread had to wake the parked loop through its eventfd. */
    public long wakeups() {
        return wakeups;
    }
}

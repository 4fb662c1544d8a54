package io.ringwire.epoll;

/**
 * Counters of one loop. Written only by the loop thread; other threads read them without
 * synchronisation, so a snapshot may lag by an iteration but never tears (64-bit JVMs write longs
 * atomically). Hot-path updates are plain increments: no atomic instruction per message.
 */
public final class LoopStats {
    long connectionsOpened;
    long connectionsClosed;
    long bytesRead;
    long bytesWritten;
    long readErrors;
    long writeErrors;
    long handlerErrors;
    long acceptErrors;
    long connectionsRejected;
    long wakeups;

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

    public long connectionsRejected() {
        return connectionsRejected;
    }

    /** Times another thread had to wake the parked loop through its eventfd. */
    public long wakeups() {
        return wakeups;
    }
}

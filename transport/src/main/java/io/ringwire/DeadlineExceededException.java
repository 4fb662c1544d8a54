package io.ringwire;

import java.net.SocketTimeoutException;

/**
 * A connection's read or write deadline passed; see {@link Connection#setReadDeadline} and
 * {@link Connection#setWriteDeadline}. Delivered to {@link ConnectionHandler#onTimeout}, never
 * thrown: the connection stays open, and the handler decides what a timeout means.
 */
public final class DeadlineExceededException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    /** Which deadline passed. */
    public enum Kind {
        /** No read deadline extension came before it passed. */
        READ,
        /** Queued bytes were still waiting for the kernel (the peer stopped reading) when it passed. */
        WRITE
    }

    private final Kind kind;

    public DeadlineExceededException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

package io.ringwire.client;

import java.net.SocketTimeoutException;

/**
 * A dial ran out of time: resolving, or connecting to every address it tried (ETIMEDOUT), or the
 * overall deadline. Nothing was sent, so any request may be retried. Each address's own failure
 * is attached as a suppressed exception.
 */
public class DialTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    public DialTimeoutException(String message) {
        super(message);
    }
}

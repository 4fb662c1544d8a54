package io.ringwire.client.http;

import io.ringwire.client.NotSentException;

/**
 * The pooled connection a request was given had closed (the server ended an idle keep-alive
 * connection, most often) by the time the request was to be written: not a byte went out. The
 * pool's validation and the server's close race; whichever wins, the request is provably unsent,
 * so the client's default policy retries it, whatever its method.
 */
public final class ClosedBeforeSendException extends NotSentException {
    private static final long serialVersionUID = 1L;

    public ClosedBeforeSendException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.ringwire.client;

import java.io.IOException;

/**
 * A request failed before any of its bytes could reach the server: no connection could be made
 * or acquired. Such a failure is safe to retry even for a non-idempotent request, because the
 * server cannot have acted on it.
 */
public class NotSentException extends IOException {
    private static final long serialVersionUID = 1L;

    public NotSentException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.ringwire.client.http;

import java.io.IOException;

/**
 * A reused keep-alive connection was closed by the server before any byte of the response came
 * back: the classic race of a server closing an idle connection just as a request goes out on it.
 * The server most likely never processed the request, but cannot be proved not to have, so the
 * client's default policy retries such a failure once, and only for idempotent requests (as Go's
 * http.Transport does).
 */
public final class StaleConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    public StaleConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}

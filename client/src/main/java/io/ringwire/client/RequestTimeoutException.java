package io.ringwire.client;

import java.net.SocketTimeoutException;

/**
 * A request's own deadline passed: no complete answer came within the time the caller gave it
 * ({@code HttpClient.Builder.responseTimeout}, a per-request timeout, or the frame client's
 * request timeout). The connection it was on has been taken out of service, since its state is
 * unknown. The server may have acted on the request. {@link RetryPolicy} never retries it: the
 * deadline covers the retries too, so there is no time left for one.
 */
public final class RequestTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String message) {
        super(message);
    }

    public RequestTimeoutException(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }
}

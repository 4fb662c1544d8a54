package io.ringwire.client;

/**
 * A request refused on this side before anything was sent: its host's {@link CircuitBreaker} is
 * open, or the {@link RateLimiter} had no token. Safe to retry later, whatever the request.
 */
public final class RejectedException extends NotSentException {
    private static final long serialVersionUID = 1L;

    public RejectedException(String message) {
        super(message, null);
    }
}

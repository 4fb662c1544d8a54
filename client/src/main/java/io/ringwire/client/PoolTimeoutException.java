package io.ringwire.client;

/**
 * No connection became available within the acquire timeout. The message gives the pool's state
 * at that moment (active, idle, waiting, and the limits), which tells an undersized pool from a
 * leak or a slow server. Nothing was sent, so the request may be retried.
 */
public final class PoolTimeoutException extends NotSentException {
    private static final long serialVersionUID = 1L;

    public PoolTimeoutException(String message) {
        super(message, null);
    }
}

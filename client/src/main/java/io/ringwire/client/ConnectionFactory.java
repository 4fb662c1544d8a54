package io.ringwire.client;

import java.util.concurrent.CompletableFuture;

/**
 * What a {@link ConnectionPool} needs to know about the connections it holds, whatever their
 * protocol: how to open one, whether one can still be used, and how to close one.
 *
 * <p>Thread-safe: the pool calls these from any thread, including event loops, so none may block.
 *
 * @param <T> the pooled connection type: a transport connection or a protocol client on one
 */
public interface ConnectionFactory<T> {
    /** Opens a connection to {@code endpoint}; a failure should be a {@link java.io.IOException}. */
    CompletableFuture<T> open(Endpoint endpoint);

    /**
     * A cheap local check made on every borrow and release: false if the connection is closed,
     * half-closed by the peer, or broken at the protocol level. The pool never hands out a
     * connection that fails it.
     */
    boolean isUsable(T connection);

    /**
     * An optional round trip (a PING) made on borrow when the connection has been idle longer
     * than {@link PoolConfig#healthCheckAfterIdle()}; true means healthy. The default trusts
     * {@link #isUsable}.
     */
    default CompletableFuture<Boolean> healthCheck(T connection) {
        return CompletableFuture.completedFuture(Boolean.TRUE);
    }

    /** Closes the connection; the pool no longer counts it. Idempotent. */
    void close(T connection);
}

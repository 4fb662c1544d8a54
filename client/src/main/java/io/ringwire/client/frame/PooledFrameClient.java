package io.ringwire.client.frame;

import io.ringwire.EventLoopGroup;
import io.ringwire.client.ConnectionFactory;
import io.ringwire.client.ConnectionPool;
import io.ringwire.client.DialConfig;
import io.ringwire.client.Dialer;
import io.ringwire.client.Endpoint;
import io.ringwire.client.PoolConfig;
import io.ringwire.client.PoolStats;
import io.ringwire.client.PooledConnection;
import io.ringwire.client.RequestTimeoutException;
import io.ringwire.client.RetryPolicy;
import io.ringwire.protocol.frame.FrameClient;
import io.ringwire.protocol.frame.FrameCommand;
import io.ringwire.protocol.frame.FrameConfig;
import io.ringwire.protocol.frame.FrameReply;
import io.ringwire.protocol.frame.FrameTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The frame-protocol client on a {@link ConnectionPool}. The protocol answers in request order,
 * so one connection can carry many requests at once: a request borrows a connection only long
 * enough to queue its frame, then gives it back, and the next request pipelines behind it. Each
 * reply is matched to its request by order ({@link FrameClient}). Up to
 * {@link PoolConfig#maxPerEndpoint()} connections spread the load.
 *
 * <p>PING and ECHO are idempotent, so failures are retried per the {@link RetryPolicy}; other
 * commands only when the policy says so or nothing was sent. A PING is also the pool's health
 * check after {@link PoolConfig#healthCheckAfterIdle()}.
 *
 * <h2>Timeouts, and connections retired with requests on them</h2>
 * {@link FrameConfig#requestTimeout()} (or a per-request timeout) bounds a request as a whole,
 * waiting for a connection and retries included; past it the request fails with a
 * {@link RequestTimeoutException} and its connection stops taking requests. Because a request
 * gives its connection back as soon as its frame is queued, the pool may retire a connection
 * (lifetime, idle limits, another endpoint's need, {@link #close()}) while replies are still due
 * on it: the connection then takes no new requests and closes once those replies are in, or
 * after the request timeout (30 s without one). The pool counts it
 * closed at once, so for that short while the sockets open may exceed its limits.
 *
 * <p>Thread-safe. Futures complete on event loops: do not block in their continuations.
 */
public final class PooledFrameClient implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];
    /** How long a retired connection may take to drain its replies when requests have no timeout. */
    static final int DRAIN_LIMIT_SECONDS = 30;

    private final ConnectionPool<FrameClient> pool;
    private final RetryPolicy retry;
    private final Duration requestTimeout;
    private final long acquireTimeoutNanos;

    public PooledFrameClient(EventLoopGroup group, DialConfig dial, FrameConfig frames, PoolConfig poolConfig, RetryPolicy retry) {
        Dialer dialer = new Dialer(group, dial);
        this.retry = Objects.requireNonNull(retry, "retry");
        this.requestTimeout = frames.requestTimeout();
        this.acquireTimeoutNanos = poolConfig.acquireTimeout().toNanos();
        Duration drainLimit = requestTimeout.isZero() ? Duration.ofSeconds(DRAIN_LIMIT_SECONDS) : requestTimeout;
        this.pool = new ConnectionPool<>(new ConnectionFactory<>() {
            @Override
            public CompletableFuture<FrameClient> open(Endpoint endpoint) {
                return FrameClient.connect(handler -> dialer.dial(endpoint.host(), endpoint.port(), handler), frames);
            }

            @Override
            public boolean isUsable(FrameClient c) {
                return c.isUsable();
            }

            @Override
            public CompletableFuture<Boolean> healthCheck(FrameClient c) {
                return c.ping(EMPTY).handle((reply, error) -> error == null && reply.cmd() == FrameCommand.PONG);
            }

            /** Replies may still be due on it (see the class comment): let them come, then close. */
            @Override
            public void close(FrameClient c) {
                c.closeWhenIdle(drainLimit);
            }
        }, poolConfig);
    }

    /** Sends one frame to {@code endpoint}; the future gets its reply, within the configured request timeout. */
    public CompletableFuture<FrameReply> send(Endpoint endpoint, int cmd, byte[] body) {
        return send(endpoint, cmd, body, requestTimeout);
    }

    /**
     * Sends one frame to {@code endpoint}; the future gets its reply, or fails with a
     * {@link RequestTimeoutException} once {@code timeout} has passed since this call
     * ({@link Duration#ZERO}: no limit), waiting for a connection and retries included.
     */
    public CompletableFuture<FrameReply> send(Endpoint endpoint, int cmd, byte[] body, Duration timeout) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        byte[] copy = body.clone();
        boolean idempotent = cmd == FrameCommand.PING || cmd == FrameCommand.ECHO;
        long timeoutNanos = timeout.toNanos();
        long deadline = System.nanoTime() + timeoutNanos;
        return retry.execute(() -> {
            long left = timeoutNanos == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left <= 0) {
                return CompletableFuture.failedFuture(timedOut(endpoint, timeoutNanos, null));
            }
            Duration wait = Duration.ofNanos(Math.min(left, acquireTimeoutNanos));
            return pool.acquire(endpoint, wait).thenCompose(lease -> sendOn(lease, cmd, copy, timeoutNanos, deadline));
        }, idempotent);
    }

    private static RequestTimeoutException timedOut(Endpoint endpoint, long timeoutNanos, Throwable cause) {
        return new RequestTimeoutException("frame request to " + endpoint + " timed out after "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", cause);
    }

    private static CompletableFuture<FrameReply> sendOn(PooledConnection<FrameClient> lease, int cmd, byte[] body,
                                                        long timeoutNanos, long deadline) {
        long stamp = lease.stamp();
        CompletableFuture<FrameReply> reply;
        try {
            // What is left of the request's own deadline; at least 1 ns, as zero would mean none.
            Duration left = timeoutNanos == 0 ? Duration.ZERO : Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            reply = lease.get().send(cmd, body, left);
        } catch (RuntimeException e) {
            lease.discard(stamp);
            throw e;
        }
        lease.release(stamp); // queued: the next borrower pipelines behind this request
        if (timeoutNanos == 0) {
            return reply;
        }
        // One exception type for "the request's deadline passed", which the retry policy knows not to retry.
        return reply.exceptionallyCompose(e -> {
            Throwable c = RetryPolicy.unwrap(e);
            return CompletableFuture.failedFuture(c instanceof FrameTimeoutException t
                    ? timedOut(lease.endpoint(), timeoutNanos, t) : c);
        });
    }

    public CompletableFuture<FrameReply> ping(Endpoint endpoint, byte[] body) {
        return send(endpoint, FrameCommand.PING, body);
    }

    public CompletableFuture<FrameReply> echo(Endpoint endpoint, byte[] body) {
        return send(endpoint, FrameCommand.ECHO, body);
    }

    public PoolStats stats() {
        return pool.stats();
    }

    @Override
    public void close() {
        pool.close();
    }
}

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
import io.ringwire.client.RetryPolicy;
import io.ringwire.protocol.frame.FrameClient;
import io.ringwire.protocol.frame.FrameCommand;
import io.ringwire.protocol.frame.FrameConfig;
import io.ringwire.protocol.frame.FrameReply;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

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
 * <p>Thread-safe. Futures complete on event loops: do not block in their continuations.
 */
public final class PooledFrameClient implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];

    private final ConnectionPool<FrameClient> pool;
    private final RetryPolicy retry;

    public PooledFrameClient(EventLoopGroup group, DialConfig dial, FrameConfig frames, PoolConfig poolConfig, RetryPolicy retry) {
        Dialer dialer = new Dialer(group, dial);
        this.retry = Objects.requireNonNull(retry, "retry");
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

            @Override
            public void close(FrameClient c) {
                c.close();
            }
        }, poolConfig);
    }

    /** Sends one frame to {@code endpoint}; the future gets its reply. */
    public CompletableFuture<FrameReply> send(Endpoint endpoint, int cmd, byte[] body) {
        Objects.requireNonNull(endpoint, "endpoint");
        byte[] copy = body.clone();
        boolean idempotent = cmd == FrameCommand.PING || cmd == FrameCommand.ECHO;
        return retry.execute(() -> pool.acquire(endpoint).thenCompose(lease -> sendOn(lease, cmd, copy)), idempotent);
    }

    private static CompletableFuture<FrameReply> sendOn(PooledConnection<FrameClient> lease, int cmd, byte[] body) {
        CompletableFuture<FrameReply> reply;
        try {
            reply = lease.get().send(cmd, body);
        } catch (RuntimeException e) {
            lease.discard();
            throw e;
        }
        lease.release(); // queued: the next borrower pipelines behind this request
        return reply;
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

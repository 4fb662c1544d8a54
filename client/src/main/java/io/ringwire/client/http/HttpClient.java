package io.ringwire.client.http;

import io.ringwire.EventLoopGroup;
import io.ringwire.client.Backoff;
import io.ringwire.client.CircuitBreaker;
import io.ringwire.client.ConnectionFactory;
import io.ringwire.client.ConnectionPool;
import io.ringwire.client.DialConfig;
import io.ringwire.client.Dialer;
import io.ringwire.client.Endpoint;
import io.ringwire.client.PoolConfig;
import io.ringwire.client.PoolStats;
import io.ringwire.client.PooledConnection;
import io.ringwire.client.RateLimiter;
import io.ringwire.client.RejectedException;
import io.ringwire.client.RetryPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An HTTP/1.1 client on a {@link ConnectionPool}: keep-alive connections are reused per host,
 * within {@code maxConnsPerHost} open and {@code maxIdleConnsPerHost} idle (Go's
 * {@code MaxConnsPerHost} and {@code MaxIdleConnsPerHost}); failures are retried per the
 * {@link RetryPolicy}, which repeats only idempotent requests unless a failure proves the
 * request was never sent.
 *
 * <pre>{@code
 * try (HttpClient client = HttpClient.builder(group).maxConnsPerHost(8).build();
 *      HttpClientResponse r = client.send(HttpClientRequest.get("http://127.0.0.1:8080/plaintext")).get()) {
 *     String text = r.bodyAsString().get();
 * }
 * }</pre>
 *
 * <p>Read or close every response: see {@link HttpClientResponse} for what happens otherwise.
 * Thread-safe; futures complete on event loops (do not block in their continuations).
 * {@link #close()} closes the pool; it does not close the event loop group.
 */
public final class HttpClient implements AutoCloseable {
    /** The knobs the per-connection code reads. */
    record Settings(int maxHead, long maxBody, int bodyWindow, Duration unconsumedBodyTimeout) {
    }

    private final ConnectionPool<HttpConnection> pool;
    private final RetryPolicy retry;
    private final Function<Endpoint, CircuitBreaker> breakerFactory;
    private final ConcurrentHashMap<Endpoint, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final RateLimiter rateLimiter;

    private HttpClient(Builder b) {
        Dialer dialer = new Dialer(b.group, b.dial);
        Settings settings = new Settings(b.maxHead, b.maxBody, b.bodyWindow, b.unconsumedBodyTimeout);
        this.pool = new ConnectionPool<>(new ConnectionFactory<>() {
            @Override
            public CompletableFuture<HttpConnection> open(Endpoint endpoint) {
                return HttpConnection.open(dialer, endpoint, settings);
            }

            @Override
            public boolean isUsable(HttpConnection c) {
                return c.isUsable();
            }

            @Override
            public void close(HttpConnection c) {
                c.close();
            }
        }, b.pool.build());
        this.retry = b.retry;
        this.breakerFactory = b.breakers;
        this.rateLimiter = b.rateLimiter;
    }

    public static Builder builder(EventLoopGroup group) {
        return new Builder(group);
    }

    /**
     * Sends {@code request} on a pooled connection; the future completes when the response head
     * arrives (or fails with an {@link java.io.IOException} once retries are spent).
     */
    public CompletableFuture<HttpClientResponse> send(HttpClientRequest request) {
        Objects.requireNonNull(request, "request");
        Endpoint endpoint = new Endpoint(request.uri().getHost(), request.port());
        byte[] bytes = request.encode();
        return retry.execute(() -> attempt(endpoint, bytes, request.isHead()), request.idempotent());
    }

    /** One try: the rate limiter and the host's breaker may refuse it; its outcome feeds the breaker. */
    private CompletableFuture<HttpClientResponse> attempt(Endpoint endpoint, byte[] bytes, boolean head) {
        if (rateLimiter != null && !rateLimiter.tryAcquire()) {
            return CompletableFuture.failedFuture(new RejectedException("request to " + endpoint + " refused: rate limit reached"));
        }
        CircuitBreaker breaker = breakerFactory == null ? null : breakers.computeIfAbsent(endpoint, breakerFactory);
        if (breaker != null && !breaker.tryAcquire()) {
            return CompletableFuture.failedFuture(new RejectedException("request to " + endpoint + " refused: circuit "
                    + breaker.state()));
        }
        CompletableFuture<HttpClientResponse> f = pool.acquire(endpoint).thenCompose(lease -> exchange(lease, bytes, head));
        if (breaker != null) {
            // A 5xx is the server failing; a 4xx is the request's fault and says nothing of the server's health.
            f.whenComplete((r, e) -> {
                if (e == null && r.status() < 500) {
                    breaker.onSuccess();
                } else {
                    breaker.onFailure();
                }
            });
        }
        return f;
    }

    /** The circuit breaker of {@code host:port}, or null if there is none (yet, or at all). */
    public CircuitBreaker circuitBreaker(Endpoint endpoint) {
        return breakers.get(endpoint);
    }

    private static CompletableFuture<HttpClientResponse> exchange(PooledConnection<HttpConnection> lease, byte[] request,
                                                                  boolean head) {
        Exchange ex = new Exchange(lease);
        CompletableFuture<HttpClientResponse> response = ex.head;
        lease.get().send(request, head, ex);
        return response;
    }

    /** The pool's counters: {@code created} is the number of connections opened. */
    public PoolStats stats() {
        return pool.stats();
    }

    @Override
    public void close() {
        pool.close();
    }

    public static final class Builder {
        private final EventLoopGroup group;
        private DialConfig dial = DialConfig.defaults();
        private final PoolConfig.Builder pool = PoolConfig.builder().maxTotal(1024).maxPerEndpoint(64).maxIdlePerEndpoint(64);
        /** One immediate retry of an idempotent request that met a stale keep-alive connection. */
        private RetryPolicy retry = RetryPolicy.builder(Backoff.of(Duration.ofMillis(1), Duration.ofMillis(1), 2, Duration.ZERO))
                .retryOn(t -> t instanceof StaleConnectionException).build();
        private Function<Endpoint, CircuitBreaker> breakers;
        private RateLimiter rateLimiter;
        private int maxHead = 16 * 1024;
        private long maxBody = 64L * 1024 * 1024;
        private int bodyWindow = 64 * 1024;
        private Duration unconsumedBodyTimeout = Duration.ofSeconds(30);

        private Builder(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
        }

        public Builder dial(DialConfig dial) {
            this.dial = Objects.requireNonNull(dial, "dial");
            return this;
        }

        /** Connections to one host at once (Go's MaxConnsPerHost). Default 64. */
        public Builder maxConnsPerHost(int n) {
            pool.maxPerEndpoint(n);
            return this;
        }

        /** Idle keep-alive connections kept per host (Go's MaxIdleConnsPerHost). Default 64. */
        public Builder maxIdleConnsPerHost(int n) {
            pool.maxIdlePerEndpoint(n);
            return this;
        }

        /** Connections over all hosts. Default 1024. */
        public Builder maxConns(int n) {
            pool.maxTotal(n);
            return this;
        }

        /** Idle keep-alive connections unused for this long are closed. Default 90 s, as Go. */
        public Builder idleConnTimeout(Duration d) {
            pool.idleTimeout(d);
            return this;
        }

        /** How long a request waits for a free connection. Default 5 s. */
        public Builder acquireTimeout(Duration d) {
            pool.acquireTimeout(d);
            return this;
        }

        /** Further pool settings (leak threshold, lifetime, backoff...). */
        public Builder pool(java.util.function.Consumer<PoolConfig.Builder> settings) {
            settings.accept(pool);
            return this;
        }

        /**
         * Replaces the default, which retries once, at once, an idempotent request that met a
         * stale keep-alive connection ({@link StaleConnectionException}) and nothing else.
         */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * One circuit breaker per host, made by {@code perHost} on first use. An open breaker fails
         * requests at once with {@link RejectedException}; IOExceptions and 5xx count as failures.
         */
        public Builder circuitBreaker(Function<Endpoint, CircuitBreaker> perHost) {
            this.breakers = Objects.requireNonNull(perHost, "perHost");
            return this;
        }

        /** Every attempt takes a token; without one it fails at once with {@link RejectedException}. */
        public Builder rateLimiter(RateLimiter limiter) {
            this.rateLimiter = Objects.requireNonNull(limiter, "limiter");
            return this;
        }

        public Builder maxResponseBody(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxResponseBody must not be negative: " + bytes);
            }
            this.maxBody = bytes;
            return this;
        }

        /** Body bytes read ahead of the user before reading pauses. Default 64 KiB. */
        public Builder bodyWindow(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("bodyWindow must be positive: " + bytes);
            }
            this.bodyWindow = bytes;
            return this;
        }

        /** A response whose body is neither read nor closed this long after its head is abandoned. Default 30 s. */
        public Builder unconsumedBodyTimeout(Duration d) {
            Objects.requireNonNull(d, "unconsumedBodyTimeout");
            if (d.isNegative()) {
                throw new IllegalArgumentException("unconsumedBodyTimeout must not be negative: " + d);
            }
            this.unconsumedBodyTimeout = d;
            return this;
        }

        public HttpClient build() {
            return new HttpClient(this);
        }
    }
}

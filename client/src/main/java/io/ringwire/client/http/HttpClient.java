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
import io.ringwire.client.PoolTimeoutException;
import io.ringwire.client.PooledConnection;
import io.ringwire.client.RateLimiter;
import io.ringwire.client.RejectedException;
import io.ringwire.client.RequestTimeoutException;
import io.ringwire.client.RetryPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 *
 * <h2>Deadlines and cancellation</h2>
 * With {@link Builder#responseTimeout} (or {@link #send(HttpClientRequest, Duration)}), a request
 * is bounded as a whole: from the call until its body has fully arrived, waiting for a connection
 * and retries included. When it passes, the request (or its body) fails with a
 * {@link RequestTimeoutException} and its connection is closed, so a server that never answers
 * costs one connection for the length of the timeout, not for good. Cancelling the future that
 * {@link #send} returns, before the head has arrived, does the same at once: no more attempts,
 * the place in the pool's queue given up, the connection of the exchange in flight closed.
 * Without a timeout (the default, as Go's) nothing bounds a request the server never answers.
 *
 * <p>Thread-safe; futures complete on event loops (do not block in their continuations).
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
    private final Duration responseTimeout;
    private final long acquireTimeoutNanos;

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
        this.retry = b.retry != null ? b.retry : defaultRetry(pool.config().maxIdlePerEndpoint());
        this.breakerFactory = b.breakers;
        this.rateLimiter = b.rateLimiter;
        this.responseTimeout = b.responseTimeout;
        this.acquireTimeoutNanos = pool.config().acquireTimeout().toNanos();
    }

    public static Builder builder(EventLoopGroup group) {
        return new Builder(group);
    }

    /**
     * Sends {@code request} on a pooled connection; the future completes when the response head
     * arrives (or fails with an {@link java.io.IOException} once retries are spent). The
     * client's {@link Builder#responseTimeout} bounds it.
     */
    public CompletableFuture<HttpClientResponse> send(HttpClientRequest request) {
        return send(request, responseTimeout);
    }

    /**
     * As {@link #send(HttpClientRequest)}, with {@code timeout} instead of the client's
     * response timeout: the whole request, from this call to the end of the response body,
     * waiting for a connection and retries included; {@link Duration#ZERO} for none.
     */
    public CompletableFuture<HttpClientResponse> send(HttpClientRequest request, Duration timeout) {
        Objects.requireNonNull(request, "request");
        Builder.notNegative(timeout, "timeout");
        Endpoint endpoint = new Endpoint(request.uri().getHost(), request.port());
        byte[] bytes = request.encode();
        Call call = new Call(timeout.isZero() ? 0 : saturatedNanos(timeout));
        return call.watch(retry.execute(() -> attempt(call, endpoint, bytes, request.isHead()), request.idempotent()));
    }

    /**
     * {@code d} in nanoseconds. One too long for a long becomes half of the range (146 years),
     * not all of it: the call's deadline is {@code System.nanoTime()} plus this, which must not overflow.
     */
    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** One try: the rate limiter and the host's breaker may refuse it; its outcome feeds the breaker. */
    private CompletableFuture<HttpClientResponse> attempt(Call call, Endpoint endpoint, byte[] bytes, boolean head) {
        long left = call.remainingNanos();
        if (left <= 0) {
            return CompletableFuture.failedFuture(new RequestTimeoutException("request to " + endpoint + " timed out after "
                    + TimeUnit.NANOSECONDS.toMillis(call.timeoutNanos) + " ms before it could be sent"));
        }
        if (rateLimiter != null && !rateLimiter.tryAcquire()) {
            return CompletableFuture.failedFuture(new RejectedException("request to " + endpoint + " refused: rate limit reached"));
        }
        CircuitBreaker breaker = breakerFactory == null ? null : breakers.computeIfAbsent(endpoint, breakerFactory);
        long permit = breaker == null ? CircuitBreaker.REFUSED : breaker.acquirePermit();
        if (breaker != null && permit == CircuitBreaker.REFUSED) {
            return CompletableFuture.failedFuture(new RejectedException("request to " + endpoint + " refused: circuit "
                    + breaker.state()));
        }
        CompletableFuture<PooledConnection<HttpConnection>> acquiring;
        try {
            // The wait for a connection counts toward the request's deadline.
            acquiring = pool.acquire(endpoint, Duration.ofNanos(Math.min(left, acquireTimeoutNanos)));
        } catch (RuntimeException e) {
            acquiring = CompletableFuture.failedFuture(e);
        }
        call.acquiring(acquiring);
        CompletableFuture<HttpClientResponse> f = acquiring.thenCompose(lease -> exchange(call, lease, bytes, head));
        f.whenComplete((r, e) -> {
            if (breaker != null) {
                report(breaker, permit, r, e);
            }
            if (e != null && retriesByDefault(RetryPolicy.unwrap(e))) {
                // The server drops idle connections: the others idle in the pool are suspect too,
                // and a retry that met them one by one would spend its attempts on dead ones.
                pool.evictIdle(endpoint);
            }
        });
        return f;
    }

    /** A 5xx or an I/O failure is the server failing; a 4xx is the request's fault and says nothing of the server's health. */
    private static void report(CircuitBreaker breaker, long permit, HttpClientResponse r, Throwable e) {
        Throwable c = RetryPolicy.unwrap(e);
        if (c == null) {
            if (r.status() < 500) {
                breaker.onSuccess(permit);
            } else {
                breaker.onFailure(permit);
            }
        } else if (saysNothingOfTheHost(c)) {
            breaker.onIgnored(permit);
        } else {
            breaker.onFailure(permit);
        }
    }

    /**
     * Local outcomes: a saturated pool, a cancelled call, a keep-alive connection that
     * the server had closed while idle (retried at once). Counting them would let this client's
     * own load or its callers open the breaker on a healthy host.
     */
    private static boolean saysNothingOfTheHost(Throwable c) {
        return c instanceof PoolTimeoutException || c instanceof CancellationException || c instanceof ClosedBeforeSendException;
    }

    /**
     * The default retry test: a keep-alive connection the server closed as the request went out,
     * whether before a byte of it was written (provably unsent, so any method) or before a byte
     * of the response came back (idempotent requests only). Not a pool timeout, a refusal or a
     * failed connect: those would only be retried into the same wall.
     */
    static boolean retriesByDefault(Throwable t) {
        return t instanceof StaleConnectionException || t instanceof ClosedBeforeSendException;
    }

    /**
     * The default policy: retry the keep-alive race at once (within 1 ms), up to once per idle
     * connection allowed, plus one. A race also closes the endpoint's other idle connections
     * (see {@link #attempt}), so a retry normally gets a fresh or just-used connection at once;
     * the extra attempts are for a server whose idle timeout is so short that it races again.
     */
    static RetryPolicy defaultRetry(int maxIdlePerHost) {
        int attempts = (int) Math.min(Integer.MAX_VALUE, Math.max(2L, maxIdlePerHost + 1L));
        return RetryPolicy.builder(Backoff.of(Duration.ofMillis(1), Duration.ofMillis(1), attempts, Duration.ZERO))
                .retryOn(HttpClient::retriesByDefault).build();
    }

    /** The circuit breaker of {@code host:port}, or null if there is none (yet, or at all). */
    public CircuitBreaker circuitBreaker(Endpoint endpoint) {
        return breakers.get(endpoint);
    }

    private static CompletableFuture<HttpClientResponse> exchange(Call call, PooledConnection<HttpConnection> lease,
                                                                  byte[] request, boolean head) {
        Exchange ex = new Exchange(lease, call);
        CompletableFuture<HttpClientResponse> response = ex.head;
        if (!call.exchanging(ex)) {
            // The caller went before anything was written: the connection goes back unharmed.
            ex.failUnsent(new CancellationException("request cancelled before it was sent"));
            return response;
        }
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
        /** Null for the default: {@link #defaultRetry}, sized by the idle limit. */
        private RetryPolicy retry;
        private Function<Endpoint, CircuitBreaker> breakers;
        private RateLimiter rateLimiter;
        private int maxHead = 16 * 1024;
        private long maxBody = 64L * 1024 * 1024;
        private int bodyWindow = 64 * 1024;
        private Duration unconsumedBodyTimeout = Duration.ofSeconds(30);
        private Duration responseTimeout = Duration.ZERO;

        private Builder(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
        }

        static Duration notNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + d);
            }
            return d;
        }

        /**
         * Bounds every request as a whole, from {@link #send} to the end of its response body,
         * waiting for a connection and retries included; past it the request fails with a
         * {@link RequestTimeoutException} and its connection is closed. Default
         * {@link Duration#ZERO}: none, as Go's. {@link #send(HttpClientRequest, Duration)}
         * overrides it per request.
         */
        public Builder responseTimeout(Duration d) {
            this.responseTimeout = notNegative(d, "responseTimeout");
            return this;
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
         * Replaces the default, which retries at once a request that met a keep-alive connection
         * the server had closed: before the request was written ({@link ClosedBeforeSendException},
         * any method), or before any byte of the response ({@link StaleConnectionException},
         * idempotent requests only); and nothing else. It tries at most once per idle connection
         * allowed ({@link #maxIdleConnsPerHost}) plus one, since each such failure closes the dead
         * connection it met and the next attempt takes another.
         */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * One circuit breaker per host, made by {@code perHost} on first use. An open breaker fails
         * requests at once with {@link RejectedException}; IOExceptions (timeouts included) and 5xx
         * count as failures; a pool timeout (this client's own saturation), a cancelled request
         * and a keep-alive connection found closed before the send count as nothing.
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

        /**
         * A response whose body is neither asked for nor closed this long after its head is
         * abandoned (a body being read is not). Default 30 s.
         */
        public Builder unconsumedBodyTimeout(Duration d) {
            this.unconsumedBodyTimeout = notNegative(d, "unconsumedBodyTimeout");
            return this;
        }

        public HttpClient build() {
            return new HttpClient(this);
        }
    }
}

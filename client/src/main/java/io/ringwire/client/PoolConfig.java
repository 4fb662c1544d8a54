package io.ringwire.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The limits and timers of a {@link ConnectionPool}. Immutable and thread-safe; build one with
 * {@link #builder()}. Durations of zero turn the feature off.
 */
public final class PoolConfig {
    private final int maxTotal;
    private final int maxPerEndpoint;
    private final int maxIdlePerEndpoint;
    private final int minIdle;
    private final Duration acquireTimeout;
    private final Duration idleTimeout;
    private final Duration maxLifetime;
    private final Duration healthCheckAfterIdle;
    private final Duration leakThreshold;
    private final Duration housekeepingPeriod;
    private final Backoff reconnectBackoff;
    private final Consumer<LeakReport> leakListener;
    private final NanoClock clock;

    private PoolConfig(Builder b) {
        this.maxTotal = b.maxTotal;
        this.maxPerEndpoint = Math.min(b.maxPerEndpoint, b.maxTotal);
        this.maxIdlePerEndpoint = Math.min(b.maxIdlePerEndpoint, maxPerEndpoint);
        this.minIdle = Math.min(b.minIdle, maxIdlePerEndpoint);
        this.acquireTimeout = b.acquireTimeout;
        this.idleTimeout = b.idleTimeout;
        this.maxLifetime = b.maxLifetime;
        this.healthCheckAfterIdle = b.healthCheckAfterIdle;
        this.leakThreshold = b.leakThreshold;
        this.housekeepingPeriod = b.housekeepingPeriod;
        this.reconnectBackoff = b.reconnectBackoff;
        this.leakListener = b.leakListener;
        this.clock = b.clock;
    }

    public static PoolConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Connections over all endpoints at once. */
    public int maxTotal() {
        return maxTotal;
    }

    /** Connections to one endpoint at once (Go's MaxConnsPerHost). */
    public int maxPerEndpoint() {
        return maxPerEndpoint;
    }

    /** Idle connections kept per endpoint; a release above it closes the connection (Go's MaxIdleConnsPerHost). */
    public int maxIdlePerEndpoint() {
        return maxIdlePerEndpoint;
    }

    /** Idle connections kept open per endpoint in use, and opened ahead by {@link ConnectionPool#prewarm}. */
    public int minIdle() {
        return minIdle;
    }

    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration maxLifetime() {
        return maxLifetime;
    }

    public Duration healthCheckAfterIdle() {
        return healthCheckAfterIdle;
    }

    public Duration leakThreshold() {
        return leakThreshold;
    }

    public Duration housekeepingPeriod() {
        return housekeepingPeriod;
    }

    public Backoff reconnectBackoff() {
        return reconnectBackoff;
    }

    public Consumer<LeakReport> leakListener() {
        return leakListener;
    }

    public NanoClock clock() {
        return clock;
    }

    /**
     * A connection held past {@link #leakThreshold()}: reported once per borrow, with where it was
     * borrowed ({@code acquiredAt} is a throwable whose stack trace is the acquire call).
     */
    public record LeakReport(Endpoint endpoint, Object connection, long heldNanos, Throwable acquiredAt) {
    }

    public static final class Builder {
        private static final System.Logger LOG = System.getLogger("io.ringwire.client.ConnectionPool");

        private int maxTotal = 64;
        private int maxPerEndpoint = 8;
        private int maxIdlePerEndpoint = Integer.MAX_VALUE;
        private int minIdle;
        private Duration acquireTimeout = Duration.ofSeconds(5);
        private Duration idleTimeout = Duration.ofSeconds(90);
        private Duration maxLifetime = Duration.ofMinutes(30);
        private Duration healthCheckAfterIdle = Duration.ZERO;
        private Duration leakThreshold = Duration.ZERO;
        private Duration housekeepingPeriod = Duration.ofSeconds(1);
        private Backoff reconnectBackoff = Backoff.of(Duration.ofMillis(50), Duration.ofSeconds(5), Integer.MAX_VALUE, Duration.ZERO);
        private Consumer<LeakReport> leakListener = r -> LOG.log(System.Logger.Level.WARNING,
                "connection to " + r.endpoint() + " held for " + r.heldNanos() / 1_000_000 + " ms without release: a leak?",
                r.acquiredAt());
        private NanoClock clock = NanoClock.SYSTEM;

        private Builder() {
        }

        private static int atLeast(int min, int v, String name) {
            if (v < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ": " + v);
            }
            return v;
        }

        private static Duration notNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + d);
            }
            return d;
        }

        public Builder maxTotal(int n) {
            this.maxTotal = atLeast(1, n, "maxTotal");
            return this;
        }

        public Builder maxPerEndpoint(int n) {
            this.maxPerEndpoint = atLeast(1, n, "maxPerEndpoint");
            return this;
        }

        public Builder maxIdlePerEndpoint(int n) {
            this.maxIdlePerEndpoint = atLeast(0, n, "maxIdlePerEndpoint");
            return this;
        }

        public Builder minIdle(int n) {
            this.minIdle = atLeast(0, n, "minIdle");
            return this;
        }

        /** How long {@link ConnectionPool#acquire} waits; zero fails at once when nothing is free. */
        public Builder acquireTimeout(Duration d) {
            this.acquireTimeout = notNegative(d, "acquireTimeout");
            return this;
        }

        /** Idle connections above minIdle unused for this long are closed. */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = notNegative(d, "idleTimeout");
            return this;
        }

        /** Connections older than this are closed when next idle, whatever their use. */
        public Builder maxLifetime(Duration d) {
            this.maxLifetime = notNegative(d, "maxLifetime");
            return this;
        }

        /** Run {@link ConnectionFactory#healthCheck} on a borrow after this much idleness; zero never. */
        public Builder healthCheckAfterIdle(Duration d) {
            this.healthCheckAfterIdle = notNegative(d, "healthCheckAfterIdle");
            return this;
        }

        /**
         * Report connections held longer than this. Non-zero makes every borrow record its stack
         * (one allocation), so it is off by default.
         */
        public Builder leakThreshold(Duration d) {
            this.leakThreshold = notNegative(d, "leakThreshold");
            return this;
        }

        /** How often idle eviction, lifetime, minIdle and leak checks run. */
        public Builder housekeepingPeriod(Duration d) {
            Objects.requireNonNull(d, "housekeepingPeriod");
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("housekeepingPeriod must be positive: " + d);
            }
            this.housekeepingPeriod = d;
            return this;
        }

        /** The pause after a failed connect before an endpoint is tried again (attempt limits are ignored). */
        public Builder reconnectBackoff(Backoff b) {
            this.reconnectBackoff = Objects.requireNonNull(b, "reconnectBackoff");
            return this;
        }

        public Builder leakListener(Consumer<LeakReport> listener) {
            this.leakListener = Objects.requireNonNull(listener, "leakListener");
            return this;
        }

        public Builder clock(NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public PoolConfig build() {
            return new PoolConfig(this);
        }
    }
}

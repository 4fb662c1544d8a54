package io.ringwire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of a listening server. Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class ServerConfig {
    /** The listen backlog when none is given; the kernel caps it at net.core.somaxconn. */
    public static final int DEFAULT_BACKLOG = 4096;

    /**
     * How a server with several loops spreads new connections across them. Measured with
     * {@code AcceptModeBenchmark} in bench/ (2 loops, connect + 64 B echo + close): REUSEPORT costs
     * a little less per connection on epoll (96-98 us against 102-110 us a cycle here) and the
     * same on io_uring, with 1-2% imbalance over tens of thousands of connections. Hence the
     * default; ACCEPTOR suits few long-lived connections that must be spread exactly.
     */
    public enum AcceptMode {
        /**
         * One {@code SO_REUSEPORT} listener per loop: the kernel spreads connections by a hash of
         * the address pair, and no connection changes thread. The default.
         */
        REUSEPORT,
        /**
         * One listener on the first loop, which hands each accepted connection to the next loop
         * in turn: an even spread, at the cost of a cross-thread hand-off per connection.
         */
        ACCEPTOR
    }

    private final int backlog;
    private final AcceptMode acceptMode;
    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final double acceptRate;
    private final int acceptBurst;
    private final Map<SocketOption<?>, Object> listenerOptions;
    private final ConnectionConfig connectionConfig;

    private ServerConfig(Builder b) {
        this.backlog = b.backlog;
        this.acceptMode = b.acceptMode;
        this.maxConnections = b.maxConnections;
        this.maxConnectionsPerIp = b.maxConnectionsPerIp;
        this.acceptRate = b.acceptRate;
        this.acceptBurst = b.acceptBurst;
        this.listenerOptions = Collections.unmodifiableMap(new LinkedHashMap<>(b.listenerOptions));
        this.connectionConfig = b.connectionConfig;
    }

    public static ServerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int backlog() {
        return backlog;
    }

    public AcceptMode acceptMode() {
        return acceptMode;
    }

    /** Connections held at once; one over the limit is closed as soon as it is accepted. 0 = unlimited. */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Connections held at once from one remote IP address; one over the limit is closed as soon
     * as it is accepted. 0 = unlimited.
     */
    public int maxConnectionsPerIp() {
        return maxConnectionsPerIp;
    }

    /**
     * New connections admitted per second, on average, across the server's listeners; 0 =
     * unlimited. A connection over the rate is closed as soon as it is accepted.
     */
    public double acceptRate() {
        return acceptRate;
    }

    /** Connections the accept rate admits at once after a quiet spell (the token bucket's size). */
    public int acceptBurst() {
        return acceptBurst;
    }

    /** Options set on each listening socket before bind. */
    public Map<SocketOption<?>, Object> listenerOptions() {
        return listenerOptions;
    }

    /** Settings of each accepted connection. */
    public ConnectionConfig connectionConfig() {
        return connectionConfig;
    }

    public static final class Builder {
        private int backlog = DEFAULT_BACKLOG;
        private AcceptMode acceptMode = AcceptMode.REUSEPORT;
        private int maxConnections;
        private int maxConnectionsPerIp;
        private double acceptRate;
        private int acceptBurst = 1;
        private final Map<SocketOption<?>, Object> listenerOptions = new LinkedHashMap<>();
        private ConnectionConfig connectionConfig = ConnectionConfig.defaults();

        private Builder() {
            listenerOptions.put(SocketOption.SO_REUSEADDR, Boolean.TRUE);
        }

        public Builder backlog(int backlog) {
            if (backlog < 0) {
                throw new IllegalArgumentException("backlog must not be negative: " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        public Builder acceptMode(AcceptMode mode) {
            this.acceptMode = java.util.Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder maxConnections(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("max connections must not be negative: " + max);
            }
            this.maxConnections = max;
            return this;
        }

        public Builder maxConnectionsPerIp(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("max connections per IP must not be negative: " + max);
            }
            this.maxConnectionsPerIp = max;
            return this;
        }

        /**
         * Admits at most {@code perSecond} new connections a second on average, and {@code burst}
         * at once (a token bucket); {@code perSecond} 0 turns the limit off. Refused connections
         * are closed at once and counted, like those over {@link #maxConnections}.
         */
        public Builder acceptRate(double perSecond, int burst) {
            if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("accept rate must be a number of connections per second >= 0: " + perSecond);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("accept burst must be at least 1: " + burst);
            }
            this.acceptRate = perSecond;
            this.acceptBurst = burst;
            return this;
        }

        public <T> Builder listenerOption(SocketOption<T> option, T value) {
            listenerOptions.put(option, option.validate(value));
            return this;
        }

        public Builder connectionConfig(ConnectionConfig config) {
            this.connectionConfig = java.util.Objects.requireNonNull(config, "config");
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}

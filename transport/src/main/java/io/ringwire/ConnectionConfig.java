package io.ringwire;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings applied to each connection: socket options, write watermarks, idle timeout.
 * Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class ConnectionConfig {
    /** Netty's defaults: enough to keep a fast link busy, small enough for many connections. */
    public static final int DEFAULT_HIGH_WATERMARK = 64 * 1024;
    public static final int DEFAULT_LOW_WATERMARK = 32 * 1024;

    private static final ConnectionConfig DEFAULT = builder().build();

    private final Map<SocketOption<?>, Object> options;
    private final int highWatermark;
    private final int lowWatermark;
    private final Duration idleTimeout;
    private final InetSocketAddress localAddress;

    private ConnectionConfig(Builder b) {
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
        this.highWatermark = b.highWatermark;
        this.lowWatermark = b.lowWatermark;
        this.idleTimeout = b.idleTimeout;
        this.localAddress = b.localAddress;
    }

    /** TCP_NODELAY on, default watermarks, no idle timeout. */
    public static ConnectionConfig defaults() {
        return DEFAULT;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options applied to each new socket, in insertion order. */
    public Map<SocketOption<?>, Object> options() {
        return options;
    }

    public int highWatermark() {
        return highWatermark;
    }

    public int lowWatermark() {
        return lowWatermark;
    }

    /** Close a connection with no traffic either way for this long; {@link Duration#ZERO} means never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The local address a client socket binds before connecting; null (the default) lets the kernel choose. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public static final class Builder {
        private final Map<SocketOption<?>, Object> options = new LinkedHashMap<>();
        private int highWatermark = DEFAULT_HIGH_WATERMARK;
        private int lowWatermark = DEFAULT_LOW_WATERMARK;
        private Duration idleTimeout = Duration.ZERO;
        private InetSocketAddress localAddress;

        private Builder() {
            options.put(SocketOption.TCP_NODELAY, Boolean.TRUE);
        }

        public <T> Builder option(SocketOption<T> option, T value) {
            options.put(option, option.validate(value));
            return this;
        }

        /** Outbound bytes above {@code high} make the connection unwritable until they drain below {@code low}. */
        public Builder watermarks(int low, int high) {
            if (low < 0 || high <= 0 || low > high) {
                throw new IllegalArgumentException("watermarks need 0 <= low <= high and high > 0, got low=" + low + " high=" + high);
            }
            this.lowWatermark = low;
            this.highWatermark = high;
            return this;
        }

        /**
         * Turns on kernel keepalive probing and sets {@code TCP_USER_TIMEOUT}, as {@code keepalive}
         * says; {@link Keepalive#DEFAULT} drops a vanished peer after two minutes. Off by default.
         */
        public Builder keepalive(Keepalive keepalive) {
            Objects.requireNonNull(keepalive, "keepalive").applyTo(this);
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("idle timeout must not be negative: " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Client connections bind {@code local} before connecting, to pick the source address
         * (a given interface or alias). With port 0, {@link SocketOption#IP_BIND_ADDRESS_NO_PORT} is
         * set too, so that the port is chosen at connect time and is not used up by the bind alone.
         * Null restores the default (no bind). Servers ignore it.
         */
        public Builder localAddress(InetSocketAddress local) {
            if (local != null && local.isUnresolved()) {
                throw new IllegalArgumentException("local address must be resolved: " + local);
            }
            this.localAddress = local;
            if (local != null && local.getPort() == 0 && SocketOption.IP_BIND_ADDRESS_NO_PORT.isSupported()) {
                options.put(SocketOption.IP_BIND_ADDRESS_NO_PORT, Boolean.TRUE);
            } else {
                options.remove(SocketOption.IP_BIND_ADDRESS_NO_PORT);
            }
            return this;
        }

        public ConnectionConfig build() {
            return new ConnectionConfig(this);
        }
    }
}

package io.ringwire.client;

import io.ringwire.ConnectionConfig;
import io.ringwire.SocketOption;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Dialer} connects. Immutable and thread-safe; build one with {@link #builder()}.
 *
 * @param connectTimeout  per address tried; the kernel's SYN retries give up later than anyone wants
 * @param deadline        for the whole dial: resolution and every address; zero means none
 * @param resolveTimeout  for the host lookup alone
 * @param connection      socket options, watermarks and local bind of each connection
 */
public record DialConfig(Duration connectTimeout, Duration deadline, Duration resolveTimeout,
                         ConnectionConfig connection, Resolver resolver) {
    public DialConfig {
        positive(connectTimeout, "connectTimeout");
        positive(resolveTimeout, "resolveTimeout");
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative: " + deadline);
        }
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(resolver, "resolver");
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** 5 s per address, 10 s for resolution, no overall deadline, default connection settings. */
    public static DialConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration deadline = Duration.ZERO;
        private Duration resolveTimeout = Duration.ofSeconds(10);
        private ConnectionConfig connection = ConnectionConfig.defaults();
        private InetSocketAddress localAddress;
        private boolean fastOpen;
        private Resolver resolver = Resolver.JDK;

        private Builder() {
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder deadline(Duration d) {
            this.deadline = d;
            return this;
        }

        public Builder resolveTimeout(Duration d) {
            this.resolveTimeout = d;
            return this;
        }

        /** The base settings; the local address and Fast Open below are applied on top. */
        public Builder connection(ConnectionConfig c) {
            this.connection = Objects.requireNonNull(c, "connection");
            return this;
        }

        /** Bind this source address before connecting; port 0 sets IP_BIND_ADDRESS_NO_PORT. */
        public Builder localAddress(InetSocketAddress local) {
            this.localAddress = local;
            return this;
        }

        /** Sets TCP_FASTOPEN_CONNECT: the first write rides on the SYN when the kernel has a cookie. */
        public Builder fastOpen(boolean on) {
            this.fastOpen = on;
            return this;
        }

        public Builder resolver(Resolver r) {
            this.resolver = Objects.requireNonNull(r, "resolver");
            return this;
        }

        public DialConfig build() {
            ConnectionConfig c = connection;
            if (localAddress != null || fastOpen) {
                ConnectionConfig.Builder b = ConnectionConfig.builder()
                        .watermarks(c.lowWatermark(), c.highWatermark())
                        .idleTimeout(c.idleTimeout());
                c.options().forEach((k, v) -> put(b, k, v));
                b.localAddress(localAddress != null ? localAddress : c.localAddress());
                if (fastOpen) {
                    b.option(SocketOption.TCP_FASTOPEN_CONNECT, Boolean.TRUE);
                }
                c = b.build();
            }
            return new DialConfig(connectTimeout, deadline, resolveTimeout, c, resolver);
        }

        @SuppressWarnings("unchecked")
        private static <T> void put(ConnectionConfig.Builder b, SocketOption<T> option, Object value) {
            b.option(option, (T) value);
        }
    }
}

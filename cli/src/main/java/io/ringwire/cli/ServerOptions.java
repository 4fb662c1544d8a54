package io.ringwire.cli;

import io.ringwire.Backend;
import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.Keepalive;
import io.ringwire.ServerConfig;
import java.time.Duration;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** The options every server command takes (README, "The bin/ringwire launcher"). */
public final class ServerOptions {
    @Option(names = "--host", paramLabel = "H", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    /** Null means the command's own default port. */
    @Option(names = "--port", paramLabel = "P", description = "Port; 0 picks a free one.")
    Integer port;

    @Option(names = "--backend", paramLabel = "B", converter = BackendConverter.class,
            description = "auto, epoll or io_uring (default: auto).")
    Backend backend = Backend.AUTO;

    @Option(names = "--threads", paramLabel = "N", description = "Event-loop threads (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--idle-timeout", paramLabel = "D", converter = DurationConverter.class,
            description = "Close a connection idle in both directions for D (default: off).")
    Duration idleTimeout = Duration.ZERO;

    @Option(names = "--max-conns", paramLabel = "N",
            description = "Connections held at once; one over the limit is closed at once (default: unlimited).")
    int maxConns;

    @Option(names = "--read-timeout", paramLabel = "D", converter = DurationConverter.class,
            description = "Close a connection that has sent nothing for D, even while the server is still sending to it (default: off).")
    Duration readTimeout = Duration.ZERO;

    @Option(names = "--max-conns-per-ip", paramLabel = "N",
            description = "Connections held at once from one remote IP; one over the limit is closed at once (default: unlimited).")
    int maxConnsPerIp;

    @Option(names = "--accept-rate", paramLabel = "N",
            description = "New connections admitted per second, in bursts of up to N; the rest are closed at once (default: unlimited).")
    int acceptRate;

    @Option(names = "--tcp-keepalive",
            description = "Kernel keepalive on every connection: probes after 60s idle, every 10s, dropped after 2m unanswered (also TCP_USER_TIMEOUT).")
    boolean tcpKeepalive;

    @Option(names = "--drain-timeout", paramLabel = "D", converter = DurationConverter.class,
            description = "How long a graceful shutdown waits for in-flight work (default: 5s).")
    Duration drainTimeout = Duration.ofSeconds(5);

    @Option(names = "--busy-poll", description = "Spin the loops instead of parking them: lower latency, one busy core per loop.")
    boolean busyPoll;

    /** Checks what picocli's types cannot; throws IllegalArgumentException naming the option. */
    void validate() {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("--port must be within 0..65535, got " + port);
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("--threads must be within 1..1024, got " + threads);
        }
        if (maxConns < 0) {
            throw new IllegalArgumentException("--max-conns must not be negative, got " + maxConns);
        }
        if (maxConnsPerIp < 0) {
            throw new IllegalArgumentException("--max-conns-per-ip must not be negative, got " + maxConnsPerIp);
        }
        if (acceptRate < 0) {
            throw new IllegalArgumentException("--accept-rate must not be negative, got " + acceptRate);
        }
        requireOffOrMillis("--idle-timeout", idleTimeout);
        requireOffOrMillis("--read-timeout", readTimeout);
        requireOffOrMillis("--drain-timeout", drainTimeout);
    }

    /**
     * Timers tick about once a millisecond, so a shorter non-zero duration cannot mean what it
     * says: {@code --idle-timeout 1ns} would close every connection at its first check.
     */
    static void requireOffOrMillis(String option, Duration d) {
        if (!d.isZero() && d.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException(option + " must be 0 or at least 1ms, got " + d.toNanos() + "ns");
        }
    }

    /** The server's settings as these options give them. */
    ServerConfig serverConfig() {
        ConnectionConfig.Builder connection = ConnectionConfig.builder().idleTimeout(idleTimeout);
        if (tcpKeepalive) {
            connection.keepalive(Keepalive.DEFAULT);
        }
        ServerConfig.Builder server = ServerConfig.builder()
                .maxConnections(maxConns)
                .maxConnectionsPerIp(maxConnsPerIp)
                .connectionConfig(connection.build());
        if (acceptRate > 0) {
            server.acceptRate(acceptRate, acceptRate);
        }
        return server.build();
    }

    /** Wraps each handler for {@code --read-timeout}, if it is set. */
    Supplier<? extends ConnectionHandler> withReadTimeout(Supplier<? extends ConnectionHandler> handlers) {
        if (readTimeout.isZero()) {
            return handlers;
        }
        return () -> new ReadTimeoutHandler(handlers.get(), readTimeout);
    }

    static final class BackendConverter implements picocli.CommandLine.ITypeConverter<Backend> {
        @Override
        public Backend convert(String value) {
            try {
                return Backend.fromCliName(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}

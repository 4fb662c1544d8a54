package io.ringwire;

import java.time.Duration;
import java.util.Objects;

/**
 * Kernel-level liveness for a connection: TCP keepalive probes ({@code SO_KEEPALIVE},
 * {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT}) and {@code TCP_USER_TIMEOUT},
 * set together through {@link ConnectionConfig.Builder#keepalive}. It finds peers that vanished
 * without a FIN or reset (a crashed host, a pulled cable, a NAT that forgot the flow) without any
 * help from the protocol, at the cost of a few empty segments per idle connection.
 *
 * <p>Linux's own defaults (2 hours idle, then 9 probes 75 s apart) take over 2 h 11 min to give
 * up, which is why keepalive is usually dismissed. {@link #DEFAULT} gives up after two minutes.
 * {@code TCP_USER_TIMEOUT} is set to the same total: on Linux, once set it also decides when
 * keepalive gives up, and it bounds how long written data may stay unacknowledged, so a peer that
 * vanishes while we are sending is found as quickly as one that vanishes while we are idle.
 *
 * <p>Immutable and thread-safe.
 *
 * @param idle silence before the first probe; whole seconds, 1 s to 32767 s
 * @param interval time between probes; whole seconds, 1 s to 32767 s
 * @param probes unanswered probes before the connection is dropped; 1 to 127
 * @param userTimeout how long sent data may stay unacknowledged (and the keepalive total); whole
 *                    milliseconds, {@link Duration#ZERO} leaves the system's default
 */
public record Keepalive(Duration idle, Duration interval, int probes, Duration userTimeout) {
    /** 60 s idle, then 6 probes 10 s apart: a vanished peer is dropped after 2 minutes. */
    public static final Keepalive DEFAULT = of(Duration.ofSeconds(60), Duration.ofSeconds(10), 6);

    private static final long MAX_SECONDS = 32767;
    private static final int MAX_PROBES = 127;

    public Keepalive {
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(userTimeout, "userTimeout");
        checkSeconds("keepalive idle", idle);
        checkSeconds("keepalive interval", interval);
        if (probes < 1 || probes > MAX_PROBES) {
            throw new IllegalArgumentException("keepalive probes must be 1 to " + MAX_PROBES + ": " + probes);
        }
        if (userTimeout.isNegative() || userTimeout.toMillis() > Integer.MAX_VALUE
                || userTimeout.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException("TCP user timeout must be whole milliseconds, 0 to "
                    + Integer.MAX_VALUE + " ms: " + userTimeout);
        }
    }

    /** Probing as given, with the user timeout set to the keepalive total (idle + interval × probes). */
    public static Keepalive of(Duration idle, Duration interval, int probes) {
        checkSeconds("keepalive idle", idle);
        checkSeconds("keepalive interval", interval);
        return new Keepalive(idle, interval, probes, idle.plus(interval.multipliedBy(Math.max(probes, 0))));
    }

    private static void checkSeconds(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.getNano() != 0 || d.getSeconds() < 1 || d.getSeconds() > MAX_SECONDS) {
            throw new IllegalArgumentException(what + " must be whole seconds, 1 s to " + MAX_SECONDS + " s: " + d);
        }
    }

    /** How long a silent, vanished peer takes to be dropped by probing alone. */
    public Duration detectionTime() {
        return idle.plus(interval.multipliedBy(probes));
    }

    /** Puts the five socket options into {@code builder}. */
    void applyTo(ConnectionConfig.Builder builder) {
        builder.option(SocketOption.SO_KEEPALIVE, Boolean.TRUE);
        builder.option(SocketOption.TCP_KEEPIDLE, (int) idle.getSeconds());
        builder.option(SocketOption.TCP_KEEPINTVL, (int) interval.getSeconds());
        builder.option(SocketOption.TCP_KEEPCNT, probes);
        builder.option(SocketOption.TCP_USER_TIMEOUT, (int) userTimeout.toMillis());
    }
}

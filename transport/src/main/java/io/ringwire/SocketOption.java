package io.ringwire;

import io.ringwire.internal.Linux;
import java.util.List;
import java.util.Objects;

/**
 * A typed socket option. Booleans map to 0 or 1; integers are passed as they are, in the unit the
 * kernel uses, which each constant names.
 *
 * <p>Immutable and thread-safe. An option the running kernel or the library's headers lack is
 * reported by {@link #isSupported()} and fails with a clear error when set.
 */
public final class SocketOption<T> {
    private final String name;
    private final Class<T> type;
    private final int level;
    private final int optname;

    private SocketOption(String name, Class<T> type, int level, int optname) {
        this.name = name;
        this.type = type;
        this.level = level;
        this.optname = optname;
    }

    private static SocketOption<Boolean> bool(String name, int level) {
        return new SocketOption<>(name, Boolean.class, level, Linux.optional(name));
    }

    private static SocketOption<Integer> integer(String name, int level) {
        return new SocketOption<>(name, Integer.class, level, Linux.optional(name));
    }

    /** Lets a new listener bind a port still in TIME_WAIT. Servers set it by default. */
    public static final SocketOption<Boolean> SO_REUSEADDR = bool("SO_REUSEADDR", Linux.SOL_SOCKET);
    /** Lets several sockets of one user bind the same port; the kernel spreads connections across them. */
    public static final SocketOption<Boolean> SO_REUSEPORT = bool("SO_REUSEPORT", Linux.SOL_SOCKET);
    /** Enables TCP keepalive probes; see TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT. */
    public static final SocketOption<Boolean> SO_KEEPALIVE = bool("SO_KEEPALIVE", Linux.SOL_SOCKET);
    /** Linger on close, in seconds; -1 turns lingering off, 0 makes close send a reset. */
    public static final SocketOption<Integer> SO_LINGER = integer("SO_LINGER", Linux.SOL_SOCKET);
    /** Receive buffer in bytes (the kernel doubles the value it is given). */
    public static final SocketOption<Integer> SO_RCVBUF = integer("SO_RCVBUF", Linux.SOL_SOCKET);
    /** Send buffer in bytes (the kernel doubles the value it is given). */
    public static final SocketOption<Integer> SO_SNDBUF = integer("SO_SNDBUF", Linux.SOL_SOCKET);
    /** Busy-poll the device queue for this many microseconds on blocking reads (needs CAP_NET_ADMIN to raise). */
    public static final SocketOption<Integer> SO_BUSY_POLL = integer("SO_BUSY_POLL", Linux.SOL_SOCKET);
    /** Disables Nagle's algorithm. ringwire sets it by default on every connection. */
    public static final SocketOption<Boolean> TCP_NODELAY = bool("TCP_NODELAY", Linux.IPPROTO_TCP);
    /** Seconds of idleness before the first keepalive probe. */
    public static final SocketOption<Integer> TCP_KEEPIDLE = integer("TCP_KEEPIDLE", Linux.IPPROTO_TCP);
    /** Seconds between keepalive probes. */
    public static final SocketOption<Integer> TCP_KEEPINTVL = integer("TCP_KEEPINTVL", Linux.IPPROTO_TCP);
    /** Unanswered keepalive probes before the connection is dropped. */
    public static final SocketOption<Integer> TCP_KEEPCNT = integer("TCP_KEEPCNT", Linux.IPPROTO_TCP);
    /** Milliseconds that sent data may stay unacknowledged before the connection is dropped; 0 = system default. */
    public static final SocketOption<Integer> TCP_USER_TIMEOUT = integer("TCP_USER_TIMEOUT", Linux.IPPROTO_TCP);
    /** On a listener: the TCP Fast Open queue length; 0 disables. */
    public static final SocketOption<Integer> TCP_FASTOPEN = integer("TCP_FASTOPEN", Linux.IPPROTO_TCP);
    /** On a listener: seconds to wait for data before waking accept. */
    public static final SocketOption<Integer> TCP_DEFER_ACCEPT = integer("TCP_DEFER_ACCEPT", Linux.IPPROTO_TCP);
    /** Send ACKs at once rather than delaying them; the kernel may reset it, so it is a hint. */
    public static final SocketOption<Boolean> TCP_QUICKACK = bool("TCP_QUICKACK", Linux.IPPROTO_TCP);
    /** Holds back partial frames until uncorked; for assembling one response from several writes. */
    public static final SocketOption<Boolean> TCP_CORK = bool("TCP_CORK", Linux.IPPROTO_TCP);
    /** Bytes of unsent data above which the socket stops reporting writable. */
    public static final SocketOption<Integer> TCP_NOTSENT_LOWAT = integer("TCP_NOTSENT_LOWAT", Linux.IPPROTO_TCP);

    // Client-side connect options (issue 7). They are kept out of all(), whose listing is about
    // options that make sense on any socket at any time: these matter only before bind/connect.
    /**
     * Before a local bind with port 0: defers choosing the port to connect(), so many outbound
     * connections to different peers can share one local port (the kernel checks the 4-tuple).
     * Set it through {@link ConnectionConfig.Builder#localAddress}, which applies it for you.
     */
    public static final SocketOption<Boolean> IP_BIND_ADDRESS_NO_PORT = new SocketOption<>("IP_BIND_ADDRESS_NO_PORT",
            Boolean.class, Linux.optional("IPPROTO_IP"), Linux.optional("IP_BIND_ADDRESS_NO_PORT"));
    /**
     * On a client socket: connect() returns at once and the SYN leaves with the first write,
     * carrying it, when the kernel holds a Fast Open cookie for the peer (net.ipv4.tcp_fastopen bit 1).
     */
    public static final SocketOption<Boolean> TCP_FASTOPEN_CONNECT = bool("TCP_FASTOPEN_CONNECT", Linux.IPPROTO_TCP);

    /** Every option ringwire knows, for listings and tests. */
    public static List<SocketOption<?>> all() {
        return List.of(SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_LINGER, SO_RCVBUF, SO_SNDBUF, SO_BUSY_POLL,
                TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, TCP_USER_TIMEOUT, TCP_FASTOPEN,
                TCP_DEFER_ACCEPT, TCP_QUICKACK, TCP_CORK, TCP_NOTSENT_LOWAT);
    }

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    /** The {@code level} argument of setsockopt, such as SOL_SOCKET. */
    public int level() {
        return level;
    }

    /** The {@code optname} argument of setsockopt; -1 if the library's headers lack it. */
    public int optname() {
        return optname;
    }

    /** False if the library was built against headers that do not define this option. */
    public boolean isSupported() {
        return optname >= 0;
    }

    /** Checks the value's type and range before it reaches the kernel. */
    public T validate(Object value) {
        Objects.requireNonNull(value, name);
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(name + " takes a " + type.getSimpleName() + ", not " + value.getClass().getSimpleName());
        }
        if (value instanceof Integer i && i < 0 && this != SO_LINGER) {
            throw new IllegalArgumentException(name + " must not be negative: " + i);
        }
        return type.cast(value);
    }

    @Override
    public String toString() {
        return name;
    }
}

package io.ringwire.internal;

/**
 * Kernel ABI numbers, read from the native library once at class initialisation.
 *
 * <p>Java never hard-codes these: they come from the C headers the library was built against,
 * so a flag bit or a struct offset cannot drift from what the kernel expects.
 */
public final class Linux {
    private Linux() {
    }

    /** Reads a constant the library must know; a missing one is a build defect, so fail loudly. */
    public static int require(String name) {
        int v = Native.constant(name);
        if (v == Integer.MIN_VALUE) {
            throw new LinkageError("ringwire: the native library does not define " + name);
        }
        return v;
    }

    /** Reads a constant that older headers may lack; returns -1 when absent. */
    public static int optional(String name) {
        int v = Native.constant(name);
        return v == Integer.MIN_VALUE ? -1 : v;
    }

    public static final int AF_INET = require("AF_INET");
    public static final int AF_INET6 = require("AF_INET6");
    public static final int SOL_SOCKET = require("SOL_SOCKET");
    public static final int IPPROTO_TCP = require("IPPROTO_TCP");
    public static final int IPPROTO_IPV6 = require("IPPROTO_IPV6");
    public static final int SO_ERROR = require("SO_ERROR");
    public static final int IPV6_V6ONLY = require("IPV6_V6ONLY");

    public static final int SHUT_RD = require("SHUT_RD");
    public static final int SHUT_WR = require("SHUT_WR");
    public static final int SHUT_RDWR = require("SHUT_RDWR");
    /** Bytes sent (FIN included) that the peer has not acknowledged yet; an ioctl. */
    public static final int SIOCOUTQ = require("SIOCOUTQ");
    public static final int MSG_NOSIGNAL = require("MSG_NOSIGNAL");

    public static final int EPOLLIN = require("EPOLLIN");
    public static final int EPOLLOUT = require("EPOLLOUT");
    public static final int EPOLLRDHUP = require("EPOLLRDHUP");
    /**
     * {@code 1u << 31}: as a Java int it equals the "unknown" marker of {@link Native#constant},
     * so it is read without the check. Every epoll-capable kernel defines it.
     */
    public static final int EPOLLET = Native.constant("EPOLLET");
    public static final int EPOLLERR = require("EPOLLERR");
    public static final int EPOLLHUP = require("EPOLLHUP");
    public static final int EPOLL_CTL_ADD = require("EPOLL_CTL_ADD");
    public static final int EPOLL_CTL_MOD = require("EPOLL_CTL_MOD");
    public static final int EPOLL_CTL_DEL = require("EPOLL_CTL_DEL");
    public static final int CLOCK_MONOTONIC = require("CLOCK_MONOTONIC");
    public static final int SOMAXCONN = require("SOMAXCONN");

    public static final int SIZEOF_EPOLL_EVENT = require("SIZEOF_EPOLL_EVENT");
    public static final int OFFSETOF_EPOLL_EVENT_EVENTS = require("OFFSETOF_EPOLL_EVENT_EVENTS");
    public static final int OFFSETOF_EPOLL_EVENT_DATA = require("OFFSETOF_EPOLL_EVENT_DATA");
    public static final int SIZEOF_IOVEC = require("SIZEOF_IOVEC");
    public static final int OFFSETOF_IOVEC_BASE = require("OFFSETOF_IOVEC_BASE");
    public static final int OFFSETOF_IOVEC_LEN = require("OFFSETOF_IOVEC_LEN");
    public static final int SIZEOF_SOCKADDR_IN = require("SIZEOF_SOCKADDR_IN");
    public static final int SIZEOF_SOCKADDR_IN6 = require("SIZEOF_SOCKADDR_IN6");
    public static final int SIZEOF_SOCKADDR_STORAGE = require("SIZEOF_SOCKADDR_STORAGE");
    public static final int OFFSETOF_SOCKADDR_IN_PORT = require("OFFSETOF_SOCKADDR_IN_PORT");
    public static final int OFFSETOF_SOCKADDR_IN_ADDR = require("OFFSETOF_SOCKADDR_IN_ADDR");
    public static final int OFFSETOF_SOCKADDR_IN6_PORT = require("OFFSETOF_SOCKADDR_IN6_PORT");
    public static final int OFFSETOF_SOCKADDR_IN6_FLOWINFO = require("OFFSETOF_SOCKADDR_IN6_FLOWINFO");
    public static final int OFFSETOF_SOCKADDR_IN6_ADDR = require("OFFSETOF_SOCKADDR_IN6_ADDR");
    public static final int OFFSETOF_SOCKADDR_IN6_SCOPE_ID = require("OFFSETOF_SOCKADDR_IN6_SCOPE_ID");
    public static final int SIZEOF_LINGER = require("SIZEOF_LINGER");
    public static final int OFFSETOF_LINGER_ONOFF = require("OFFSETOF_LINGER_ONOFF");
    public static final int OFFSETOF_LINGER_LINGER = require("OFFSETOF_LINGER_LINGER");
}

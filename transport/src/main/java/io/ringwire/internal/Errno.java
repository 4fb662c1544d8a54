package io.ringwire.internal;

/** The errno values the transport branches on, read from the library's headers. */
public final class Errno {
    private Errno() {
    }

    public static final int EPERM = Linux.require("EPERM");
    public static final int ENOENT = Linux.require("ENOENT");
    public static final int ENXIO = Linux.require("ENXIO");
    public static final int ENODEV = Linux.require("ENODEV");
    public static final int ENOTDIR = Linux.require("ENOTDIR");
    public static final int EISDIR = Linux.require("EISDIR");
    public static final int ENAMETOOLONG = Linux.require("ENAMETOOLONG");
    public static final int ELOOP = Linux.require("ELOOP");
    public static final int EINTR = Linux.require("EINTR");
    public static final int EBADF = Linux.require("EBADF");
    public static final int EAGAIN = Linux.require("EAGAIN");
    public static final int EBUSY = Linux.require("EBUSY");
    public static final int ETIME = Linux.require("ETIME");
    public static final int ENOMEM = Linux.require("ENOMEM");
    public static final int EACCES = Linux.require("EACCES");
    public static final int EINVAL = Linux.require("EINVAL");
    public static final int ENFILE = Linux.require("ENFILE");
    public static final int EMFILE = Linux.require("EMFILE");
    public static final int EPIPE = Linux.require("EPIPE");
    public static final int ENOSYS = Linux.require("ENOSYS");
    public static final int ENOTSOCK = Linux.require("ENOTSOCK");
    public static final int ENOPROTOOPT = Linux.require("ENOPROTOOPT");
    public static final int EOPNOTSUPP = Linux.require("EOPNOTSUPP");
    public static final int EADDRINUSE = Linux.require("EADDRINUSE");
    public static final int EADDRNOTAVAIL = Linux.require("EADDRNOTAVAIL");
    public static final int ENETUNREACH = Linux.require("ENETUNREACH");
    public static final int ECONNABORTED = Linux.require("ECONNABORTED");
    public static final int ECONNRESET = Linux.require("ECONNRESET");
    public static final int ENOBUFS = Linux.require("ENOBUFS");
    public static final int EISCONN = Linux.require("EISCONN");
    public static final int ENOTCONN = Linux.require("ENOTCONN");
    public static final int ETIMEDOUT = Linux.require("ETIMEDOUT");
    public static final int ECONNREFUSED = Linux.require("ECONNREFUSED");
    public static final int EHOSTUNREACH = Linux.require("EHOSTUNREACH");
    public static final int EALREADY = Linux.require("EALREADY");
    public static final int EINPROGRESS = Linux.require("EINPROGRESS");
    public static final int ECANCELED = Linux.require("ECANCELED");
}

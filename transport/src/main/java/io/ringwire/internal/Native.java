package io.ringwire.internal;

/**
 * The JNI boundary: one static method per syscall, nothing else.
 *
 * <p>Every method returns {@code >= 0} on success or {@code -errno} on failure, and never throws.
 * {@link Errors} is the one place that turns {@code -errno} into exceptions. Memory crosses the
 * boundary as a {@code long} address and an {@code int} length; the caller owns that memory and
 * keeps it alive for the duration of the call. Methods are thread-safe as far as the underlying
 * syscall is. The C side retries {@code EINTR} only where the call can be restarted safely
 * ({@code close} is never retried: Linux releases the descriptor even when it reports EINTR).
 *
 * <p>Constants (errno values, flag bits, struct sizes) are read from C once, by name, through
 * {@link #constant(String)}, so Java never hard-codes a kernel ABI number.
 */
public final class Native {
    static {
        NativeLibrary.ensureLoaded();
    }

    private Native() {
    }

    /** Value of a named constant compiled into the library, or {@link Integer#MIN_VALUE} if unknown. */
    public static native int constant(String name);

    /** A trivial native call, for measuring the cost of one JNI crossing. */
    public static native int nop(int value);

    /** {@code strerrorname_np(errno)}, such as "ECONNREFUSED"; null if the errno is unknown. */
    public static native String errnoName(int errno);

    /** {@code strerror(errno)}, such as "Connection refused". */
    public static native String errnoMessage(int errno);

    // ---- sockets ----

    /** A non-blocking, close-on-exec TCP socket of the given family (AF_INET or AF_INET6). */
    public static native int socketStream(int family);

    public static native int bind(int fd, long sockaddr, int sockaddrLen);

    public static native int listen(int fd, int backlog);

    /**
     * {@code accept4(fd, addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC)}. {@code sockaddr} may be 0;
     * otherwise it has room for {@code capacity} bytes. Returns the new descriptor.
     */
    public static native int accept(int fd, long sockaddr, int capacity);

    /** Starts a connect on a non-blocking socket; typically returns {@code -EINPROGRESS}. */
    public static native int connect(int fd, long sockaddr, int sockaddrLen);

    /** Returns the pending error ({@code SO_ERROR}) as a positive errno, 0 if none, or -errno. */
    public static native int socketError(int fd);

    /** An {@code ioctl} whose result is one int ({@code SIOCOUTQ}, say): the value, or -errno. */
    public static native int ioctlInt(int fd, int request);

    /** Writes the local address into {@code sockaddr} (room for {@code capacity}); returns its length. */
    public static native int getsockname(int fd, long sockaddr, int capacity);

    /** Writes the peer address into {@code sockaddr} (room for {@code capacity}); returns its length. */
    public static native int getpeername(int fd, long sockaddr, int capacity);

    public static native int shutdown(int fd, int how);

    public static native int close(int fd);

    /** {@code setsockopt} with an {@code int} value. */
    public static native int setsockoptInt(int fd, int level, int optname, int value);

    /** {@code getsockopt} of an {@code int} value: the value is returned in the low 32 bits, or -errno as a negative long. */
    public static native long getsockoptInt(int fd, int level, int optname);

    /** {@code setsockopt} with a raw value of {@code len} bytes at {@code value}. */
    public static native int setsockopt(int fd, int level, int optname, long value, int len);

    /** {@code getsockopt} into {@code capacity} bytes at {@code value}; returns the length written. */
    public static native int getsockopt(int fd, int level, int optname, long value, int capacity);

    // ---- data ----

    public static native int read(int fd, long address, int length);

    public static native int write(int fd, long address, int length);

    /** {@code readv}; {@code iov} points at {@code iovcnt} native {@code struct iovec}. */
    public static native long readv(int fd, long iov, int iovcnt);

    /** {@code writev}; {@code iov} points at {@code iovcnt} native {@code struct iovec}. */
    public static native long writev(int fd, long iov, int iovcnt);

    public static native int recv(int fd, long address, int length, int flags);

    /** {@code send}; callers pass MSG_NOSIGNAL so a closed peer gives EPIPE, never SIGPIPE. */
    public static native int send(int fd, long address, int length, int flags);

    // ---- epoll ----

    /** {@code epoll_create1(EPOLL_CLOEXEC)}. */
    public static native int epollCreate();

    /** {@code epoll_ctl(epfd, op, fd, {events, data})}. */
    public static native int epollCtl(int epfd, int op, int fd, int events, long data);

    /**
     * {@code epoll_wait} into {@code maxEvents} native {@code struct epoll_event} at {@code events}.
     * {@code timeoutMillis} is -1 to block, 0 to poll. EINTR returns 0 (no events), so a signal
     * only costs the caller one more loop iteration.
     */
    public static native int epollWait(int epfd, long events, int maxEvents, int timeoutMillis);

    // ---- eventfd and timerfd ----

    /** {@code eventfd(initval, EFD_NONBLOCK | EFD_CLOEXEC | flags)}. */
    public static native int eventfd(int initval, int flags);

    /** Adds {@code value} to the eventfd counter. */
    public static native int eventfdWrite(int fd, long value);

    /** Reads and resets the eventfd counter; returns it, or -errno (-EAGAIN when it was zero). */
    public static native long eventfdRead(int fd);

    /** {@code timerfd_create(clockid, TFD_NONBLOCK | TFD_CLOEXEC)}. */
    public static native int timerfdCreate(int clockid);

    /** Arms a relative timer: first expiry after {@code initialNanos}, then every {@code intervalNanos} (0 = once; both 0 disarm). */
    public static native int timerfdSettime(int fd, long initialNanos, long intervalNanos);

    /** Reads the expiry count; returns it or -errno. */
    public static native long timerfdRead(int fd);

    // ---- io_uring ----

    /** {@code io_uring_setup(entries, params)}; {@code params} is a native {@code struct io_uring_params}. */
    public static native int ioUringSetup(int entries, long params);

    /**
     * {@code io_uring_enter}. Returns the SQEs consumed, or -errno; {@code -EINTR} is returned,
     * not retried, so a signal costs the caller one loop iteration.
     */
    public static native int ioUringEnter(int fd, int toSubmit, int minComplete, int flags, long arg, int argSize);

    /** {@code io_uring_register(fd, opcode, arg, nrArgs)}. */
    public static native int ioUringRegister(int fd, int opcode, long arg, int nrArgs);

    /** {@code mmap(NULL, length, prot, flags, fd, offset)}: the address, or -errno. */
    public static native long mmap(long length, int prot, int flags, int fd, long offset);

    public static native int munmap(long address, long length);

    // ---- resource limits ----

    /** Writes {soft, hard} as two 64-bit values at {@code out}; unlimited reads as -1. */
    public static native int getrlimit(int resource, long out);

    /** Sets the soft and hard limit; -1 means unlimited. */
    public static native int setrlimit(int resource, long soft, long hard);

    // ---- zero-copy ----

    /**
     * {@code open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)}; {@code path} is a
     * NUL-terminated byte string in native memory. Returns the descriptor, which the caller owns
     * and must close. O_NONBLOCK keeps a FIFO from blocking the caller until a writer comes; check
     * the result with {@link #fileSize}, which refuses anything but a regular file.
     */
    public static native int openRead(long path);

    /** {@code st_size} of a regular file; {@code -EISDIR} for a directory, {@code -EINVAL} for anything else. */
    public static native long fileSize(int fd);

    /**
     * {@code sendfile(outFd, inFd, &offset, count)}: the bytes moved from the file at {@code offset}
     * to the socket (the file's own position is left alone), or -errno ({@code -EAGAIN} when the
     * socket buffer is full). 0 with {@code count > 0} means the file ends before {@code offset}.
     */
    public static native long sendfile(int outFd, int inFd, long offset, int count);

    /**
     * {@code splice(fdIn, offIn, fdOut, offOut, len, flags)}; an offset of -1 passes NULL (a pipe
     * or socket end). Returns the bytes moved, 0 at end of input, or -errno.
     */
    public static native long splice(int fdIn, long offIn, int fdOut, long offOut, int len, int flags);

    /**
     * {@code pipe2(O_NONBLOCK | O_CLOEXEC)}: the read end in the high 32 bits, the write end in the
     * low 32, or -errno. The caller owns and closes both.
     */
    public static native long pipe();

    /** {@code fcntl(fd, F_SETPIPE_SZ, size)}: the capacity the kernel granted, or -errno. */
    public static native int setPipeSize(int fd, int size);

    /** {@code fcntl(fd, F_GETPIPE_SZ)}. */
    public static native int getPipeSize(int fd);
}

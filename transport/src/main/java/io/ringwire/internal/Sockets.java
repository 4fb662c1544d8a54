package io.ringwire.internal;

import io.ringwire.SocketOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Socket set-up done outside the data path: opening listeners, starting connects, options and
 * addresses. Each thread has its own scratch memory for sockaddrs, so every method is thread-safe.
 */
public final class Sockets {
    private static final ThreadLocal<UnsafeBuffer> SCRATCH = ThreadLocal.withInitial(
            () -> new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(SockAddr.CAPACITY, 64))));

    private Sockets() {
    }

    /**
     * Frees the calling thread's scratch memory, if it has any. Loop threads call it as they end,
     * so a group's shutdown gives back all its native memory at once, not when the GC gets to it.
     */
    public static void releaseScratch() {
        UnsafeBuffer b = SCRATCH.get();
        SCRATCH.remove();
        org.agrona.BufferUtil.free(b);
    }

    /** The calling thread's scratch memory, at least {@link SockAddr#CAPACITY} bytes. */
    public static UnsafeBuffer scratch() {
        return SCRATCH.get();
    }

    /**
     * Opens a non-blocking listener on {@code address} with {@code options} set before bind.
     * On failure the descriptor is closed and the exception names the address.
     */
    public static int openListener(InetSocketAddress address, Map<SocketOption<?>, Object> options,
                                   boolean reusePort, int backlog) throws IOException {
        int fd = Errors.check("socket", address, Native.socketStream(SockAddr.family(address)));
        try {
            for (Map.Entry<SocketOption<?>, Object> e : options.entrySet()) {
                setRaw(fd, e.getKey(), e.getValue(), address);
            }
            if (reusePort) {
                setRaw(fd, SocketOption.SO_REUSEPORT, Boolean.TRUE, address);
            }
            UnsafeBuffer sa = scratch();
            int len = SockAddr.encode(address, sa);
            Errors.check("bind", address, Native.bind(fd, sa.addressOffset(), len));
            Errors.check("listen", address, Native.listen(fd, backlog));
            return fd;
        } catch (IOException | RuntimeException e) {
            Native.close(fd);
            throw e;
        }
    }

    /** Creates a socket for {@code remote} and applies {@code options}; the caller owns the descriptor. */
    public static int openClient(InetSocketAddress remote, Map<SocketOption<?>, Object> options) throws IOException {
        return openClient(remote, options, null);
    }

    /**
     * Like {@link #openClient(InetSocketAddress, Map)}, then binds {@code local} when it is not
     * null. Options come first, so IP_BIND_ADDRESS_NO_PORT is in force when the bind runs.
     */
    public static int openClient(InetSocketAddress remote, Map<SocketOption<?>, Object> options,
                                 InetSocketAddress local) throws IOException {
        int fd = Errors.check("socket", remote, Native.socketStream(SockAddr.family(remote)));
        try {
            applyOptions(fd, options, remote);
            if (local != null) {
                UnsafeBuffer sa = scratch();
                int len = SockAddr.encode(local, sa);
                Errors.check("bind", local, Native.bind(fd, sa.addressOffset(), len));
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            Native.close(fd);
            throw e;
        }
    }

    /** Starts a non-blocking connect: 0 if already connected, {@code -EINPROGRESS}, or another -errno. */
    public static int startConnect(int fd, InetSocketAddress remote) {
        UnsafeBuffer sa = scratch();
        int len = SockAddr.encode(remote, sa);
        return Native.connect(fd, sa.addressOffset(), len);
    }

    public static InetSocketAddress localAddress(int fd) {
        UnsafeBuffer sa = scratch();
        int len = Native.getsockname(fd, sa.addressOffset(), SockAddr.CAPACITY);
        return len < 0 ? null : SockAddr.decode(sa, len);
    }

    public static InetSocketAddress remoteAddress(int fd) {
        UnsafeBuffer sa = scratch();
        int len = Native.getpeername(fd, sa.addressOffset(), SockAddr.CAPACITY);
        return len < 0 ? null : SockAddr.decode(sa, len);
    }

    /** Sets each of {@code options} (values already validated, as in a config's map) on {@code fd}. */
    public static void applyOptions(int fd, Map<SocketOption<?>, Object> options, Object address) throws IOException {
        for (Map.Entry<SocketOption<?>, Object> e : options.entrySet()) {
            setRaw(fd, e.getKey(), e.getValue(), address);
        }
    }

    public static <T> void setOption(int fd, SocketOption<T> option, T value, Object address) throws IOException {
        setRaw(fd, option, option.validate(value), address);
    }

    private static void setRaw(int fd, SocketOption<?> option, Object value, Object address) throws IOException {
        if (!option.isSupported()) {
            throw new UnsupportedOperationException(option + " is not supported by this build of the native library");
        }
        String op = "setsockopt " + option;
        if (option == SocketOption.SO_LINGER) {
            int seconds = (Integer) value;
            UnsafeBuffer b = scratch();
            b.putInt(Linux.OFFSETOF_LINGER_ONOFF, seconds >= 0 ? 1 : 0, ByteOrder.nativeOrder());
            b.putInt(Linux.OFFSETOF_LINGER_LINGER, Math.max(0, seconds), ByteOrder.nativeOrder());
            Errors.check(op, address, Native.setsockopt(fd, option.level(), option.optname(), b.addressOffset(), Linux.SIZEOF_LINGER));
            return;
        }
        int raw = value instanceof Boolean bool ? (bool ? 1 : 0) : (Integer) value;
        Errors.check(op, address, Native.setsockoptInt(fd, option.level(), option.optname(), raw));
    }

    public static <T> T getOption(int fd, SocketOption<T> option, Object address) throws IOException {
        if (!option.isSupported()) {
            throw new UnsupportedOperationException(option + " is not supported by this build of the native library");
        }
        String op = "getsockopt " + option;
        if (option == SocketOption.SO_LINGER) {
            UnsafeBuffer b = scratch();
            Errors.check(op, address, Native.getsockopt(fd, option.level(), option.optname(), b.addressOffset(), Linux.SIZEOF_LINGER));
            boolean on = b.getInt(Linux.OFFSETOF_LINGER_ONOFF, ByteOrder.nativeOrder()) != 0;
            return option.type().cast(on ? b.getInt(Linux.OFFSETOF_LINGER_LINGER, ByteOrder.nativeOrder()) : -1);
        }
        long r = Native.getsockoptInt(fd, option.level(), option.optname());
        if (r < 0) {
            throw Errors.newException(op, address, (int) r);
        }
        int v = (int) r;
        Object boxed = option.type() == Boolean.class ? Boolean.valueOf(v != 0) : Integer.valueOf(v);
        return option.type().cast(boxed);
    }
}

package io.ringwire.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one place that turns a native {@code -errno} into an exception.
 *
 * <p>Messages name the operation, the address and the errno, for example
 * {@code connect 127.0.0.1:1: ECONNREFUSED (Connection refused)}. Types extend the JDK's own, so
 * callers catch what they already know ({@link ConnectException}, {@link SocketTimeoutException},
 * {@link BindException}, {@link SocketException}); every one also implements {@link HasErrno}.
 * When the address is a {@link Path}, an errno that is about the file itself is a
 * {@link FileSystemException}, as {@code java.nio.file} reports it: {@link NoSuchFileException}
 * (ENOENT), {@link AccessDeniedException} (EACCES, EPERM), a plain one for a name that leads to
 * no regular file (ENOTDIR, ELOOP, ENAMETOOLONG, EISDIR; EINVAL, ENXIO, ENODEV for a FIFO or a
 * device). Other errnos (EMFILE, ENOMEM, EIO) are about the system and stay plain IOExceptions.
 */
public final class Errors {
    private Errors() {
    }

    /** Implemented by every exception made here: the errno (positive) and the failed operation. */
    public interface HasErrno {
        int errno();

        String operation();
    }

    /** Builds the exception for a failed call; {@code result} is the native {@code -errno}. */
    public static IOException newException(String operation, Object address, int result) {
        int errno = -result;
        String message = describe(operation, address, errno);
        if (address instanceof Path file) {
            IOException e = fileException(message, errno, operation, file);
            if (e != null) {
                return e;
            }
        }
        if (errno == Errno.ECONNREFUSED || errno == Errno.ENETUNREACH) {
            return new ConnectFailed(message, errno, operation);
        }
        if (errno == Errno.EHOSTUNREACH) {
            return new NoRoute(message, errno, operation);
        }
        if (errno == Errno.ETIMEDOUT) {
            return new TimedOut(message, errno, operation);
        }
        if (errno == Errno.EADDRINUSE || errno == Errno.EADDRNOTAVAIL || errno == Errno.EACCES && operation.startsWith("bind")) {
            return new BindFailed(message, errno, operation);
        }
        if (errno == Errno.EBADF) {
            return new Closed(message);
        }
        if (errno == Errno.ECONNRESET || errno == Errno.EPIPE || errno == Errno.ENOTCONN || errno == Errno.ECONNABORTED) {
            return new SocketFailed(message, errno, operation);
        }
        return new NativeIoException(message, errno, operation);
    }

    private static IOException fileException(String message, int errno, String operation, Path file) {
        if (errno == Errno.ENOENT) {
            return new NoSuchFile(message, errno, operation, file);
        }
        if (errno == Errno.EACCES || errno == Errno.EPERM) {
            return new AccessDenied(message, errno, operation, file);
        }
        if (errno == Errno.ENOTDIR || errno == Errno.ELOOP || errno == Errno.ENAMETOOLONG || errno == Errno.EISDIR
                || errno == Errno.EINVAL || errno == Errno.ENXIO || errno == Errno.ENODEV) {
            return new FileFailed(message, errno, operation, file);
        }
        return null;
    }

    /** Throws the exception for {@code result} if it is negative; returns it otherwise. */
    public static int check(String operation, Object address, int result) throws IOException {
        if (result < 0) {
            throw newException(operation, address, result);
        }
        return result;
    }

    /** {@code "op addr: ENAME (message)"}; the address part is left out when null. */
    public static String describe(String operation, Object address, int errno) {
        String name = Native.errnoName(errno);
        StringBuilder sb = new StringBuilder(64).append(operation);
        if (address instanceof java.net.InetSocketAddress isa) {
            sb.append(' ').append(SockAddr.format(isa));
        } else if (address != null) {
            sb.append(' ').append(address);
        }
        return sb.append(": ").append(name == null ? "errno " + errno : name)
                .append(" (").append(Native.errnoMessage(errno)).append(')').toString();
    }

    /** A connection was closed, locally or because the transport stopped: EBADF, in errno terms. */
    public static final class Closed extends ClosedChannelException implements HasErrno {
        private static final long serialVersionUID = 1L;
        private final String message;

        public Closed(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }

        @Override
        public int errno() {
            return Errno.EBADF;
        }

        @Override
        public String operation() {
            int colon = message.indexOf(' ');
            return colon < 0 ? message : message.substring(0, colon);
        }
    }

    public static final class ConnectFailed extends ConnectException implements HasErrno {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String operation;

        ConnectFailed(String message, int errno, String operation) {
            super(message);
            this.errno = errno;
            this.operation = operation;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String operation() {
            return operation;
        }
    }

    public static final class NoRoute extends NoRouteToHostException implements HasErrno {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String operation;

        NoRoute(String message, int errno, String operation) {
            super(message);
            this.errno = errno;
            this.operation = operation;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String operation() {
            return operation;
        }
    }

    /** A timeout: from the kernel (ETIMEDOUT) or from ringwire's own timers, which report ETIMEDOUT too. */
    public static final class TimedOut extends SocketTimeoutException implements HasErrno {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String operation;

        public TimedOut(String message, int errno, String operation) {
            super(message);
            this.errno = errno;
            this.operation = operation;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String operation() {
            return operation;
        }
    }

    public static final class BindFailed extends BindException implements HasErrno {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String operation;

        BindFailed(String message, int errno, String operation) {
            super(message);
            this.errno = errno;
            this.operation = operation;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String operation() {
            return operation;
        }
    }

    /** The peer reset or went away: ECONNRESET, EPIPE, ENOTCONN, ECONNABORTED. */
    public static final class SocketFailed extends SocketException implements HasErrno {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String operation;

        SocketFailed(String message, int errno, String operation) {
            super(message);
            this.errno = errno;
            this.operation = operation;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String operation() {
            return operation;
        }
    }

    /*
     * The file exceptions keep this class's message format (the reason alone, file left out of
     * the JDK's "file: reason"), and still answer getFile().
     */

    /** ENOENT for a file. */
    public static final class NoSuchFile extends NoSuchFileException implements HasErrno {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String operation;
        private final String file;

        NoSuchFile(String message, int errno, String operation, Path file) {
            super(null, null, message);
            this.errno = errno;
            this.operation = operation;
            this.file = file.toString();
        }

        @Override
        public String getFile() {
            return file;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String operation() {
            return operation;
        }
    }

    /** EACCES or EPERM for a file. */
    public static final class AccessDenied extends AccessDeniedException implements HasErrno {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String operation;
        private final String file;

        AccessDenied(String message, int errno, String operation, Path file) {
            super(null, null, message);
            this.errno = errno;
            this.operation = operation;
            this.file = file.toString();
        }

        @Override
        public String getFile() {
            return file;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String operation() {
            return operation;
        }
    }

    /** A name that leads to no regular file: ENOTDIR, ELOOP, ENAMETOOLONG, EISDIR, or a FIFO or device. */
    public static final class FileFailed extends FileSystemException implements HasErrno {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String operation;
        private final String file;

        FileFailed(String message, int errno, String operation, Path file) {
            super(null, null, message);
            this.errno = errno;
            this.operation = operation;
            this.file = file.toString();
        }

        @Override
        public String getFile() {
            return file;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String operation() {
            return operation;
        }
    }

    public static final class NativeIoException extends IOException implements HasErrno {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String operation;

        NativeIoException(String message, int errno, String operation) {
            super(message);
            this.errno = errno;
            this.operation = operation;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String operation() {
            return operation;
        }
    }
}

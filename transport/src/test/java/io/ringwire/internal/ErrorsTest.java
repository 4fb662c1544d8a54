package io.ringwire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Errors is the one place a native -errno becomes an exception: the JDK type, the message, errno and operation. */
@Timeout(10)
class ErrorsTest {
    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 1);

    static Stream<Arguments> mapping() {
        return Stream.of(
                Arguments.of("ECONNREFUSED", Errno.ECONNREFUSED, "connect", ConnectException.class),
                Arguments.of("ENETUNREACH", Errno.ENETUNREACH, "connect", ConnectException.class),
                Arguments.of("EHOSTUNREACH", Errno.EHOSTUNREACH, "connect", NoRouteToHostException.class),
                Arguments.of("ETIMEDOUT", Errno.ETIMEDOUT, "connect", SocketTimeoutException.class),
                Arguments.of("EADDRINUSE", Errno.EADDRINUSE, "bind", BindException.class),
                Arguments.of("EADDRNOTAVAIL", Errno.EADDRNOTAVAIL, "bind", BindException.class),
                Arguments.of("EACCES", Errno.EACCES, "bind", BindException.class),
                Arguments.of("ECONNRESET", Errno.ECONNRESET, "read", SocketException.class),
                Arguments.of("EPIPE", Errno.EPIPE, "write", SocketException.class),
                Arguments.of("ENOTCONN", Errno.ENOTCONN, "write", SocketException.class),
                Arguments.of("ECONNABORTED", Errno.ECONNABORTED, "accept", SocketException.class),
                Arguments.of("EINVAL", Errno.EINVAL, "setsockopt", IOException.class),
                Arguments.of("ENOMEM", Errno.ENOMEM, "socket", IOException.class),
                // EACCES is a bind failure only on bind.
                Arguments.of("EACCES", Errno.EACCES, "connect", IOException.class));
    }

    @ParameterizedTest(name = "{0} on {2} -> {3}")
    @MethodSource("mapping")
    void errnoMapsToTheJdkTypeWithErrnoAndOperation(String name, int errno, String operation, Class<?> type) {
        IOException e = Errors.newException(operation, ADDRESS, -errno);
        assertInstanceOf(type, e);
        if (type == IOException.class) {
            // The catch-all must not pretend to be one of the specific types.
            assertFalse(e instanceof SocketException || e instanceof ClosedChannelException, e.getClass().getName());
        }
        Errors.HasErrno h = assertInstanceOf(Errors.HasErrno.class, e);
        assertEquals(errno, h.errno());
        assertEquals(operation, h.operation());
        assertEquals(operation + " 127.0.0.1:1: " + name + " (" + Native.errnoMessage(errno) + ")", e.getMessage());
    }

    static Stream<Arguments> fileMapping() {
        return Stream.of(
                Arguments.of(Errno.ENOENT, java.nio.file.NoSuchFileException.class),
                Arguments.of(Errno.EACCES, java.nio.file.AccessDeniedException.class),
                Arguments.of(Errno.EPERM, java.nio.file.AccessDeniedException.class),
                Arguments.of(Errno.ENOTDIR, java.nio.file.FileSystemException.class),
                Arguments.of(Errno.ELOOP, java.nio.file.FileSystemException.class),
                Arguments.of(Errno.ENAMETOOLONG, java.nio.file.FileSystemException.class),
                Arguments.of(Errno.EISDIR, java.nio.file.FileSystemException.class),
                Arguments.of(Errno.EINVAL, java.nio.file.FileSystemException.class));
    }

    /** With a Path for an address, errnos about the file come as java.nio.file's exceptions, as from Files. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("fileMapping")
    void fileErrnosAreTheJavaNioFileTypes(int errno, Class<?> type) {
        java.nio.file.Path file = java.nio.file.Path.of("/srv/a.txt");
        IOException e = Errors.newException("open", file, -errno);
        assertInstanceOf(type, e);
        assertEquals("/srv/a.txt", ((java.nio.file.FileSystemException) e).getFile());
        assertEquals(Errors.describe("open", file, errno), e.getMessage(), "the same message as any other");
        assertEquals(errno, assertInstanceOf(Errors.HasErrno.class, e).errno());
    }

    @Test
    void systemErrnosOnAFileStayPlainIoExceptions() {
        for (int errno : new int[] {Errno.EMFILE, Errno.ENFILE, Errno.ENOMEM}) {
            IOException e = Errors.newException("open", java.nio.file.Path.of("/srv/a.txt"), -errno);
            assertFalse(e instanceof java.nio.file.FileSystemException, "not the file's fault: " + e);
        }
    }

    @Test
    void messageFormatIsExact() {
        assertEquals("connect 127.0.0.1:1: ECONNREFUSED (Connection refused)",
                Errors.newException("connect", ADDRESS, -Errno.ECONNREFUSED).getMessage());
        assertEquals("bind [::1]:8080: EADDRINUSE (Address already in use)",
                Errors.newException("bind", new InetSocketAddress("::1", 8080), -Errno.EADDRINUSE).getMessage());
    }

    @Test
    void ebadfIsAClosedChannelException() {
        IOException e = Errors.newException("write", ADDRESS, -Errno.EBADF);
        assertInstanceOf(ClosedChannelException.class, e);
        assertEquals("write 127.0.0.1:1: EBADF (Bad file descriptor)", e.getMessage());
    }

    @Test
    void addressIsOptionalAndMayBeAnyObject() {
        assertEquals("epoll_create1: EMFILE (Too many open files)", Errors.describe("epoll_create1", null, Errno.EMFILE));
        assertEquals("read fd 7: EAGAIN (Resource temporarily unavailable)", Errors.describe("read", "fd 7", Errno.EAGAIN));
    }

    @Test
    void unknownErrnoStillGetsAMessage() {
        String m = Errors.describe("read", null, 4000);
        assertEquals("read: errno 4000 (Unknown error 4000)", m);
    }

    @Test
    void checkPassesResultsThroughAndThrowsOnNegative() throws IOException {
        assertEquals(0, Errors.check("close", null, 0));
        assertEquals(17, Errors.check("read", ADDRESS, 17));
        ConnectException e = assertThrows(ConnectException.class, () -> Errors.check("connect", ADDRESS, -Errno.ECONNREFUSED));
        assertEquals(Errno.ECONNREFUSED, ((Errors.HasErrno) e).errno());
    }

    @Test
    void ringwireTimeoutsReportEtimedout() {
        Errors.TimedOut t = new Errors.TimedOut("connect 127.0.0.1:1: timed out after 5 ms", Errno.ETIMEDOUT, "connect");
        assertInstanceOf(SocketTimeoutException.class, t);
        assertEquals(Errno.ETIMEDOUT, t.errno());
        assertSame("connect", t.operation());
    }
}

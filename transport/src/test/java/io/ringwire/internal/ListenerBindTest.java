package io.ringwire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoopGroup;
import io.ringwire.ServerConfig;
import io.ringwire.SocketOption;
import io.ringwire.testutil.EchoHandler;
import io.ringwire.testutil.Fds;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Binding a port that is already in use fails with BindException / EADDRINUSE and leaks no descriptor. */
@Timeout(20)
class ListenerBindTest {

    @Test
    void portInUseIsABindExceptionWithEaddrinuse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            Map<Integer, String> before = Fds.snapshot();
            BindException e = assertThrows(BindException.class,
                    () -> Sockets.openListener(address, Map.of(SocketOption.SO_REUSEADDR, true), false, 16));
            assertEquals("bind 127.0.0.1:" + address.getPort() + ": EADDRINUSE (Address already in use)", e.getMessage());
            Errors.HasErrno h = (Errors.HasErrno) e;
            assertEquals(Errno.EADDRINUSE, h.errno());
            assertEquals("bind", h.operation());
            assertEquals(before, Fds.snapshot(), "the failed socket is closed");
        }
    }

    @Test
    void groupListenOnAPortInUseFailsTheSameWay() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"));
             EventLoopGroup group = EventLoopGroup.create(2)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            BindException e = assertThrows(BindException.class,
                    () -> group.listen(address, ServerConfig.defaults(), () -> EchoHandler.INSTANCE));
            assertTrue(e.getMessage().contains("EADDRINUSE"), e.getMessage());
        }
    }

    /** The sockaddr ringwire encodes is the one the kernel binds: a plain socket reaches it. */
    @Test
    void openListenerBindsTheRequestedAddress() throws Exception {
        int fd = Sockets.openListener(new InetSocketAddress("127.0.0.1", 0), Map.of(), false, 4);
        try {
            InetSocketAddress bound = Sockets.localAddress(fd);
            assertEquals(InetAddress.getByName("127.0.0.1"), bound.getAddress());
            assertTrue(bound.getPort() > 0);
            try (Socket s = new Socket()) {
                s.connect(bound, 5000);
                assertTrue(s.isConnected());
            }
        } finally {
            Native.close(fd);
        }
    }
}

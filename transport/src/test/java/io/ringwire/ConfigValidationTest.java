package io.ringwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Builders refuse settings that cannot work, with messages that name the setting. */
@Timeout(10)
class ConfigValidationTest {

    @Test
    void watermarksMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> ConnectionConfig.builder().watermarks(10, 5));
        assertThrows(IllegalArgumentException.class, () -> ConnectionConfig.builder().watermarks(-1, 5));
        assertThrows(IllegalArgumentException.class, () -> ConnectionConfig.builder().watermarks(0, 0));
        ConnectionConfig c = ConnectionConfig.builder().watermarks(5, 5).build();
        assertEquals(5, c.lowWatermark());
        assertEquals(5, c.highWatermark());
    }

    @Test
    void defaultsAreDocumented() {
        ConnectionConfig c = ConnectionConfig.defaults();
        assertEquals(ConnectionConfig.DEFAULT_HIGH_WATERMARK, c.highWatermark());
        assertEquals(ConnectionConfig.DEFAULT_LOW_WATERMARK, c.lowWatermark());
        assertEquals(Duration.ZERO, c.idleTimeout());
        ServerConfig s = ServerConfig.defaults();
        assertEquals(ServerConfig.DEFAULT_BACKLOG, s.backlog());
        assertEquals(0, s.maxConnections());
        assertEquals(0, s.maxConnectionsPerIp(), "no per-IP limit by default");
        assertEquals(0.0, s.acceptRate(), "no accept rate limit by default");
        assertEquals(Boolean.TRUE, s.listenerOptions().get(SocketOption.SO_REUSEADDR));
    }

    @Test
    void negativeDurationsAndCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ConnectionConfig.builder().idleTimeout(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> ConnectionConfig.builder().idleTimeout(null));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().backlog(-1));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().maxConnections(-1));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().maxConnectionsPerIp(-1));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().acceptRate(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().acceptRate(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().acceptRate(10, 0));
        assertThrows(IllegalArgumentException.class, () -> EventLoopGroup.builder().threads(0));
    }

    @Test
    void configsAreImmutable() {
        ConnectionConfig c = ConnectionConfig.defaults();
        assertThrows(UnsupportedOperationException.class, () -> c.options().put(SocketOption.SO_KEEPALIVE, true));
        ServerConfig s = ServerConfig.defaults();
        assertThrows(UnsupportedOperationException.class, () -> s.listenerOptions().clear());
    }

    @Test
    void backendNamesAndResolution() {
        Backend expected = io.ringwire.uring.IoUringProbe.probe().usable() ? Backend.IO_URING : Backend.EPOLL;
        assertEquals(expected, Backend.AUTO.resolve(), "auto prefers io_uring when the probe allows it");
        assertEquals(Backend.EPOLL, Backend.EPOLL.resolve());
        assertEquals(Backend.EPOLL, Backend.fromCliName("epoll"));
        assertEquals(Backend.IO_URING, Backend.fromCliName("io_uring"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.fromCliName("kqueue"));
        assertEquals("unknown backend 'kqueue' (expected auto, epoll or io_uring)", e.getMessage());
    }
}

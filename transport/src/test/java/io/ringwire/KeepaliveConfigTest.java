package io.ringwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The keepalive preset's defaults and the ranges the kernel accepts, checked before any socket exists. */
class KeepaliveConfigTest {

    @Test
    void theDefaultDropsAVanishedPeerAfterTwoMinutes() {
        Keepalive k = Keepalive.DEFAULT;
        assertEquals(Duration.ofSeconds(60), k.idle());
        assertEquals(Duration.ofSeconds(10), k.interval());
        assertEquals(6, k.probes());
        assertEquals(Duration.ofMinutes(2), k.detectionTime());
        assertEquals(k.detectionTime(), k.userTimeout());
    }

    @Test
    void thePresetBecomesTheFiveOptions() {
        ConnectionConfig c = ConnectionConfig.builder().keepalive(Keepalive.DEFAULT).build();
        assertEquals(Boolean.TRUE, c.options().get(SocketOption.SO_KEEPALIVE));
        assertEquals(60, c.options().get(SocketOption.TCP_KEEPIDLE));
        assertEquals(10, c.options().get(SocketOption.TCP_KEEPINTVL));
        assertEquals(6, c.options().get(SocketOption.TCP_KEEPCNT));
        assertEquals(120_000, c.options().get(SocketOption.TCP_USER_TIMEOUT));
        assertEquals(Boolean.TRUE, c.options().get(SocketOption.TCP_NODELAY));
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheirName() {
        Duration s = Duration.ofSeconds(1);
        assertMessage("keepalive idle", () -> Keepalive.of(Duration.ZERO, s, 3));
        assertMessage("keepalive idle", () -> Keepalive.of(Duration.ofMillis(1500), s, 3));
        assertMessage("keepalive interval", () -> Keepalive.of(s, Duration.ofSeconds(40_000), 3));
        assertMessage("keepalive probes", () -> Keepalive.of(s, s, 0));
        assertMessage("keepalive probes", () -> Keepalive.of(s, s, 128));
        assertMessage("TCP user timeout", () -> new Keepalive(s, s, 3, Duration.ofMillis(-1)));
        assertMessage("TCP user timeout", () -> new Keepalive(s, s, 3, Duration.ofDays(30)));
        assertThrows(NullPointerException.class, () -> ConnectionConfig.builder().keepalive(null));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(true, e.getMessage().startsWith(expected), e.getMessage());
    }
}

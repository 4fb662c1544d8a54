package io.ringwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.internal.Linux;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SocketOption's own checks, before any value reaches the kernel. */
@Timeout(10)
class SocketOptionTest {

    @Test
    void nullIsRefusedNamingTheOption() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> SocketOption.TCP_NODELAY.validate(null));
        assertEquals("TCP_NODELAY", e.getMessage());
    }

    @Test
    void wrongTypeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SocketOption.TCP_NODELAY.validate(1));
        assertEquals("TCP_NODELAY takes a Boolean, not Integer", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SocketOption.SO_RCVBUF.validate(true));
        assertThrows(IllegalArgumentException.class, () -> SocketOption.SO_RCVBUF.validate(1L));
    }

    @Test
    void negativeIntegersAreRefusedExceptForLinger() {
        for (SocketOption<?> o : SocketOption.all()) {
            if (o.type() != Integer.class) {
                continue;
            }
            if (o == SocketOption.SO_LINGER) {
                assertEquals(-1, SocketOption.SO_LINGER.validate(-1), "-1 turns lingering off");
            } else {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.validate(-1), o.name());
                assertEquals(o.name() + " must not be negative: -1", e.getMessage());
            }
            assertEquals(0, o.validate(0));
            assertEquals(Integer.MAX_VALUE, o.validate(Integer.MAX_VALUE));
        }
    }

    @Test
    void validValuesComeBackTyped() {
        Boolean b = SocketOption.SO_KEEPALIVE.validate(Boolean.TRUE);
        assertEquals(Boolean.TRUE, b);
        Integer i = SocketOption.TCP_KEEPIDLE.validate(60);
        assertEquals(60, i);
    }

    @Test
    void everyOptionIsKnownToThisBuildWithItsLevel() {
        List<SocketOption<?>> all = SocketOption.all();
        Set<String> names = new HashSet<>();
        for (SocketOption<?> o : all) {
            assertTrue(names.add(o.name()), "listed once: " + o);
            assertTrue(o.isSupported(), o + " is defined by the headers of a current Linux");
            assertEquals(o.name(), o.toString());
            int expectedLevel = o.name().startsWith("TCP_") ? Linux.IPPROTO_TCP : Linux.SOL_SOCKET;
            assertEquals(expectedLevel, o.level(), o.name());
        }
        assertEquals(17, all.size());
    }

    @Test
    void configBuildersValidateOptionsToo() {
        assertThrows(IllegalArgumentException.class,
                () -> ConnectionConfig.builder().option(SocketOption.TCP_KEEPIDLE, -1));
        assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().listenerOption(SocketOption.TCP_FASTOPEN, -1));
        ConnectionConfig c = ConnectionConfig.builder().option(SocketOption.SO_LINGER, 0).build();
        assertEquals(0, c.options().get(SocketOption.SO_LINGER));
        assertEquals(Boolean.TRUE, c.options().get(SocketOption.TCP_NODELAY), "TCP_NODELAY is on unless turned off");
    }
}

package io.ringwire.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Backend;
import io.ringwire.BackendUnavailableException;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.EchoHandler;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fallback path, forced with {@code -Dringwire.io_uring.disable=true} so that it runs on any
 * machine: auto picks epoll, an explicit io_uring fails with a reason, and nothing sticks once the
 * property is gone (the probe checks it on every call, ahead of its cached answer).
 */
@Timeout(20)
class ProbeFallbackTest {
    private static final Map<String, String> DISABLED = Map.of(IoUringProbe.DISABLE_PROPERTY, "true");

    private static <T> T disabled(Supplier<T> body) {
        return UringTestSupport.withProperties(DISABLED, body);
    }

    private static void assertNamesTheProperty(Throwable e) {
        assertTrue(e.getMessage().contains("io_uring unusable"), e.getMessage());
        assertTrue(e.getMessage().contains(IoUringProbe.DISABLE_PROPERTY), "the reason is given: " + e.getMessage());
    }

    @Test
    void probeReportsTheReason() {
        IoUringProbe.Result r = disabled(IoUringProbe::probe);
        assertFalse(r.usable());
        assertTrue(r.reason().contains(IoUringProbe.DISABLE_PROPERTY), r.reason());
    }

    @Test
    void autoResolvesToEpoll() {
        assertEquals(Backend.EPOLL, disabled(Backend.AUTO::resolve));
    }

    @Test
    void explicitIoUringFailsWithTheReason() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> disabled(Backend.IO_URING::resolve));
        assertNamesTheProperty(e);
    }

    @Test
    void buildingAnIoUringGroupFailsWithTheReason() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> disabled(() -> {
            try (EventLoopGroup g = EventLoopGroup.builder().backend(Backend.IO_URING).build()) {
                return g;
            } catch (IOException io) {
                throw new UncheckedIOException(io);
            }
        }));
        assertNamesTheProperty(e);
    }

    /** The fallback is not just a name: an auto group built while io_uring is disabled serves on epoll. */
    @Test
    void autoGroupServesOnEpoll() throws Exception {
        EventLoopGroup group = disabled(() -> {
            try {
                return EventLoopGroup.builder().backend(Backend.AUTO).name("fallback").build();
            } catch (IOException io) {
                throw new UncheckedIOException(io);
            }
        });
        try (group) {
            assertEquals(Backend.EPOLL, group.backend());
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> EchoHandler.INSTANCE);
            try (Socket s = Peers.connect(server.localAddress())) {
                Peers.assertEchoes(s, new byte[] {1, 2, 3});
            }
        }
    }

    /** The disable property overrides a cached positive answer, and removing it brings that answer back. */
    @Test
    void propertyIsCheckedOnEveryCallAndNothingSticks() {
        IoUringProbe.Result before = IoUringProbe.probe(); // caches the real answer
        assertFalse(disabled(IoUringProbe::probe).usable(), "the property wins over the cache");
        IoUringProbe.Result after = IoUringProbe.probe();
        assertEquals(before.usable(), after.usable(), "the forced answer was not cached: " + after.reason());
        assertEquals(before.reason(), after.reason());
        if (after.usable()) {
            assertEquals(Backend.IO_URING, Backend.AUTO.resolve());
            assertEquals(Backend.IO_URING, Backend.IO_URING.resolve());
        } else {
            assertEquals(Backend.EPOLL, Backend.AUTO.resolve());
        }
    }
}

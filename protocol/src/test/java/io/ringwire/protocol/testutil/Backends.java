package io.ringwire.protocol.testutil;

import io.ringwire.Backend;
import io.ringwire.BackendUnavailableException;
import io.ringwire.EventLoopGroup;
import java.io.IOException;
import org.junit.jupiter.api.Assumptions;

/**
 * Event-loop groups for end-to-end tests, on each backend. A backend this machine cannot run is
 * skipped with the reason (an assumption), not failed: io_uring may be disabled by sysctl or
 * seccomp on a CI host.
 */
public final class Backends {
    private Backends() {
    }

    public static EventLoopGroup group(Backend backend, int threads, String name) throws IOException {
        return group(backend, threads, name, io.ringwire.loop.NanoClock.SYSTEM);
    }

    /** As above, with the loops' timers on {@code clock}, so that a test moves time itself. */
    public static EventLoopGroup group(Backend backend, int threads, String name, io.ringwire.loop.NanoClock clock)
            throws IOException {
        try {
            return EventLoopGroup.builder().backend(backend).threads(threads).name(name).clock(clock).build();
        } catch (BackendUnavailableException e) {
            Assumptions.abort(backend.cliName() + " is not usable here: " + e.getMessage());
            throw e;
        }
    }
}

package io.ringwire.testutil;

import io.ringwire.Backend;
import io.ringwire.EventLoopGroup;
import io.ringwire.WaitStrategy;
import java.io.IOException;
import java.util.Locale;

/** One configuration the conformance suite runs against: a backend and a wait strategy. */
public record TransportUnderTest(Backend backend, WaitStrategy waitStrategy) {

    /** A group with {@code threads} loops on this backend and wait strategy: the side under test. */
    public EventLoopGroup newGroup(int threads) throws IOException {
        return EventLoopGroup.builder().backend(backend).waitStrategy(waitStrategy).threads(threads)
                .name("server-" + this).build();
    }

    /** As {@link #newGroup(int)}, with every loop's timers on {@code clock} (a {@link FakeClock}, say). */
    public EventLoopGroup newGroup(int threads, io.ringwire.loop.NanoClock clock) throws IOException {
        return EventLoopGroup.builder().backend(backend).waitStrategy(waitStrategy).threads(threads)
                .name("server-" + this).clock(clock).build();
    }

    /**
     * A group for the client side of a test: the same backend, but always blocking, so a busy-poll
     * configuration spins one core and not two on a small machine.
     */
    public EventLoopGroup newClientGroup(int threads) throws IOException {
        return EventLoopGroup.builder().backend(backend).waitStrategy(WaitStrategy.BLOCKING).threads(threads)
                .name("client-" + this).build();
    }

    @Override
    public String toString() {
        return backend.cliName() + "/" + waitStrategy.name().toLowerCase(Locale.ROOT);
    }
}

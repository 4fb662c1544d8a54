package io.ringwire.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringwire.EventLoopGroup;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shutting a loop down: every operation it submitted must complete before the rings and the
 * provided buffers are released. {@link UringEventLoop#closeResources} keeps the buffer ring
 * mapped (leaks it, on purpose) when something is still in flight, so {@code inFlight} must be 0
 * once the loop has terminated.
 */
@Timeout(30)
class GroupShutdownTest {
    @BeforeAll
    static void requireIoUring() {
        UringTestSupport.assumeIoUring();
    }

    /** The loop parks with an IORING_OP_TIMEOUT armed for its next timer; another thread closes the group. */
    private static UringEventLoop closeWhileParkedWithTimer(long timerDelaySeconds) throws Exception {
        EventLoopGroup group = UringTestSupport.group("shutdown", 1, Map.of());
        UringEventLoop loop = (UringEventLoop) group.loops().get(0);
        try {
            if (timerDelaySeconds > 0) {
                // What a client connect (30 s by default), an idle timeout or a user's schedule leaves behind.
                loop.schedule(() -> { }, timerDelaySeconds, TimeUnit.SECONDS);
            }
            // Two round trips: the loop has since parked at least once with the timer's timeout armed.
            UringTestSupport.onLoop(loop, () -> null);
            UringTestSupport.onLoop(loop, () -> null);
        } finally {
            group.close();
        }
        return loop;
    }

    @Test
    void nothingInFlightAfterClosingAnIdleGroup() throws Exception {
        UringEventLoop loop = closeWhileParkedWithTimer(0);
        // Read after awaitTermination (inside close): the loop thread's writes are visible.
        assertEquals(0, loop.inFlight, "operations without a completion when the ring was closed");
    }

    @Test
    void pendingTimerOperationIsCancelledOnClose() throws Exception {
        UringEventLoop loop = closeWhileParkedWithTimer(60);
        assertEquals(0, loop.inFlight, "operations without a completion when the ring was closed (a timeout "
                + "armed for a timer 60 s away): closeResources skipped BufferRing.close()");
    }
}

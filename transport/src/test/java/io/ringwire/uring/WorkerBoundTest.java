package io.ringwire.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringwire.EventLoopGroup;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each ring bounds its iou-wrk pools with IORING_REGISTER_IOWQ_MAX_WORKERS: asked with zeros, the
 * kernel reports the bounds in force without changing them.
 */
@Timeout(30)
class WorkerBoundTest {
    @BeforeAll
    static void needsIoUring() {
        UringTestSupport.assumeIoUring();
    }

    private static int[] boundsOf(EventLoopGroup group) {
        UringEventLoop loop = (UringEventLoop) group.loops().get(0);
        CompletableFuture<int[]> bounds = new CompletableFuture<>();
        loop.execute(() -> {
            UnsafeBuffer counts = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
            try {
                int r = loop.ring.register(Uring.REGISTER_IOWQ_MAX_WORKERS, counts.addressOffset(), 2);
                bounds.complete(new int[] {r, counts.getInt(0), counts.getInt(4)});
            } finally {
                BufferUtil.free(counts);
            }
        });
        return bounds.join();
    }

    @Test
    void theDefaultBoundIsFourPerPool() throws Exception {
        try (EventLoopGroup group = UringTestSupport.group("bound-default", 1, UringTestSupport.rings())) {
            int[] b = boundsOf(group);
            assertEquals(0, b[0], "io_uring_register");
            assertEquals(4, b[1], "bounded pool");
            assertEquals(4, b[2], "unbounded pool");
        }
    }

    @Test
    void thePropertySetsTheBound() throws Exception {
        try (EventLoopGroup group = UringTestSupport.group("bound-two", 1,
                UringTestSupport.rings("ringwire.io_uring.max_workers", 2))) {
            int[] b = boundsOf(group);
            assertEquals(2, b[1]);
            assertEquals(2, b[2]);
        }
    }
}

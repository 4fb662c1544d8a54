package io.ringwire.uring;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringwire.Backend;
import io.ringwire.EventLoop;
import io.ringwire.EventLoopGroup;
import io.ringwire.loop.AbstractEventLoop;
import io.ringwire.loop.LoopStats;
import io.ringwire.testutil.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Helpers for the io_uring tests: skipping where io_uring cannot run, building a group with
 * shrunk rings, and reading a loop's counters and pools.
 *
 * <p>The ring sizes are system properties that {@link UringEventLoop} reads when each loop
 * starts. Surefire runs every test class in one JVM, so a property set here is restored as soon
 * as the group's loops have started: nothing else can see it, and a failed build restores it too.
 */
final class UringTestSupport {
    static final String SQ_ENTRIES = "ringwire.io_uring.sq_entries";
    static final String CQ_ENTRIES = "ringwire.io_uring.cq_entries";
    static final String BUFFERS = "ringwire.io_uring.buffers";
    static final String BUFFER_SIZE = "ringwire.io_uring.buffer_size";

    /**
     * The connect timeout the tests' clients use: none, so no connect timer is pending. A pending
     * timer leaves an IORING_OP_TIMEOUT armed that group.close() waits 5 s for, and then leaks the
     * buffer ring (GroupShutdownTest#pendingTimerOperationIsCancelledOnClose).
     */
    static final Duration NO_CONNECT_TIMER = Duration.ZERO;

    private UringTestSupport() {
    }

    /** Skips the calling test (or class, from a {@code @BeforeAll}) where io_uring is unusable, naming why. */
    static void assumeIoUring() {
        IoUringProbe.Result probe = IoUringProbe.probe();
        assumeTrue(probe.usable(), () -> "io_uring is unusable here: " + probe.reason());
    }

    /** Ring sizes for {@link #group}; an absent key keeps the loop's default. */
    static Map<String, String> rings(Object... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], String.valueOf(keysAndValues[i + 1]));
        }
        return m;
    }

    /** An io_uring group of {@code threads} loops started with {@code rings} set; the properties are restored after. */
    static EventLoopGroup group(String name, int threads, Map<String, String> rings) throws IOException {
        return withProperties(rings, () -> {
            try {
                return EventLoopGroup.builder().backend(Backend.IO_URING).threads(threads).name(name).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Runs {@code body} with {@code props} set, then puts back each property's previous value (or absence). */
    static <T> T withProperties(Map<String, String> props, Supplier<T> body) {
        Map<String, String> previous = new LinkedHashMap<>();
        props.keySet().forEach(k -> previous.put(k, System.getProperty(k)));
        try {
            props.forEach(System::setProperty);
            return body.get();
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    /** The counters of loop {@code index}. Other threads may read them; they lag by at most an iteration. */
    static LoopStats stats(EventLoopGroup group, int index) {
        return ((AbstractEventLoop) group.loops().get(index)).stats();
    }

    /** Runs {@code task} on {@code loop} and returns its value: for state confined to the loop thread. */
    static <T> T onLoop(EventLoop loop, Supplier<T> task) {
        return Await.get(CompletableFuture.supplyAsync(task, loop), "a task on " + loop);
    }

    /** Outbound chunks handed out and not yet released, over every loop of {@code group}; read on each loop. */
    static long chunksOutstanding(EventLoopGroup group) {
        long total = 0;
        for (EventLoop l : group.loops()) {
            AbstractEventLoop loop = (AbstractEventLoop) l;
            total += onLoop(loop, () -> loop.chunkPool().outstanding());
        }
        return total;
    }
}

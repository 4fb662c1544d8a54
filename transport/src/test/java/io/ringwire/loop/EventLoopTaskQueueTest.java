package io.ringwire.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoop;
import io.ringwire.EventLoopGroup;
import io.ringwire.WaitStrategy;
import io.ringwire.testutil.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The cross-thread task queue: every task runs once, in each producer's order; none after close. */
@Timeout(60)
class EventLoopTaskQueueTest {
    private static final int PRODUCERS = 4;
    private static final int TASKS = 10_000;

    /** Loop-confined bookkeeping; the test reads it after a task that ran last. */
    private static final class Tally {
        final int[] next = new int[PRODUCERS];
        int outOfOrder;
        int total;
        String firstProblem;
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void tasksFromManyThreadsRunOnceInPerProducerOrder(WaitStrategy waitStrategy) throws Exception {
        try (EventLoopGroup group = EventLoopGroup.builder().threads(1).waitStrategy(waitStrategy).build()) {
            EventLoop loop = group.next();
            Tally tally = new Tally();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < TASKS; i++) {
                        int seq = i;
                        loop.execute(() -> {
                            if (!loop.inEventLoop() && tally.firstProblem == null) {
                                tally.firstProblem = "a task ran off the loop thread";
                            }
                            if (tally.next[producer] != seq) {
                                tally.outOfOrder++;
                                if (tally.firstProblem == null) {
                                    tally.firstProblem = "producer " + producer + ": expected task " + tally.next[producer]
                                            + ", got " + seq;
                                }
                            }
                            tally.next[producer] = seq + 1;
                            tally.total++;
                        });
                    }
                }, "producer-" + p);
                producers.add(t);
                t.start();
            }
            start.countDown();
            for (Thread t : producers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertFalse(t.isAlive(), t.getName() + " finished submitting");
            }
            // Submitted after every producer finished: it runs after all their tasks.
            CompletableFuture<Void> last = new CompletableFuture<>();
            loop.execute(() -> last.complete(null));
            Await.get(last, "the final task");
            assertEquals(null, tally.firstProblem);
            assertEquals(0, tally.outOfOrder);
            assertEquals(PRODUCERS * TASKS, tally.total, "every task ran exactly once");
            for (int p = 0; p < PRODUCERS; p++) {
                assertEquals(TASKS, tally.next[p], "producer " + p);
            }
        }
    }

    @Test
    void aTaskSubmittedFromTheLoopRunsAfterTheCurrentOne() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.next();
            List<String> order = new ArrayList<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            loop.execute(() -> {
                loop.execute(() -> {
                    order.add("inner");
                    done.complete(null);
                });
                order.add("outer");
            });
            Await.get(done, "the inner task");
            assertEquals(List.of("outer", "inner"), order);
            assertFalse(loop.inEventLoop(), "the test thread is not the loop");
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheLoop() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.next();
            loop.execute(() -> {
                throw new IllegalStateException("deliberate");
            });
            CompletableFuture<Void> after = new CompletableFuture<>();
            loop.execute(() -> after.complete(null));
            Await.get(after, "a task after the failing one");
        }
    }

    @Test
    void tasksAfterCloseAreRejected() throws Exception {
        EventLoopGroup group = EventLoopGroup.create(2);
        List<? extends EventLoop> loops = group.loops();
        group.close();
        for (EventLoop loop : loops) {
            assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
            assertThrows(RejectedExecutionException.class, () -> loop.schedule(() -> { }, 1, TimeUnit.MILLISECONDS));
        }
        group.close(); // idempotent
    }

    @Test
    @SuppressWarnings("try") // calling close() from inside is the point
    void closingTheGroupFromItsOwnLoopIsRefused() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            CompletableFuture<Throwable> refused = new CompletableFuture<>();
            group.next().execute(() -> {
                try {
                    group.close();
                    refused.complete(null);
                } catch (Throwable t) {
                    refused.complete(t);
                }
            });
            assertTrue(Await.get(refused, "close from the loop") instanceof IllegalStateException);
        }
    }
}

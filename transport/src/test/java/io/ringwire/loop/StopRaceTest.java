package io.ringwire.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.EventLoop;
import io.ringwire.EventLoopGroup;
import io.ringwire.testutil.Transports;
import io.ringwire.testutil.TransportUnderTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A task submitted while its loop stops is run or rejected, never silently lost: a lost
 * hand-off task would leak the descriptor it carries.
 */
@Timeout(120)
class StopRaceTest {
    private static final int ROUNDS = 40;
    private static final int PRODUCERS = 3;

    static java.util.stream.Stream<TransportUnderTest> transports() {
        return Transports.blocking();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void everyAcceptedTaskRunsEvenWhenTheLoopStopsMeanwhile(TransportUnderTest transport) throws Exception {
        long rejectedOverall = 0;
        for (int round = 0; round < ROUNDS; round++) {
            AtomicLong accepted = new AtomicLong();
            AtomicLong rejected = new AtomicLong();
            AtomicLong ran = new AtomicLong();
            CountDownLatch running = new CountDownLatch(PRODUCERS);
            List<Thread> producers = new ArrayList<>();
            EventLoopGroup group = transport.newGroup(1);
            EventLoop loop = group.loops().get(0);
            for (int p = 0; p < PRODUCERS; p++) {
                producers.add(Thread.ofPlatform().start(() -> {
                    running.countDown();
                    // Bounded: stops at the first rejection, or after a generous count.
                    for (int i = 0; i < 2_000_000; i++) {
                        try {
                            loop.execute(ran::incrementAndGet);
                            accepted.incrementAndGet();
                        } catch (RejectedExecutionException stopped) {
                            rejected.incrementAndGet();
                            return;
                        }
                    }
                }));
            }
            running.await();
            group.close(); // races with the producers on purpose
            for (Thread t : producers) {
                t.join();
            }
            assertEquals(accepted.get(), ran.get(), "round " + round + ": a task was accepted but never ran");
            rejectedOverall += rejected.get();
        }
        assertTrue(rejectedOverall > 0, "no producer ever raced the stop: the test exercised nothing");
    }
}

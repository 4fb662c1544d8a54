package io.ringwire.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Admission}: a refusal takes no place, and the held count never passes the limit. */
@Timeout(60)
class AdmissionTest {
    private static final InetAddress A = InetAddress.getLoopbackAddress();

    @Test
    void aRefusalTakesNoPlaceAndGivesBackItsPerIpPlace() throws Exception {
        Admission admission = new Admission(2, 2, 0, 1, NanoClock.SYSTEM);
        LoopStats stats = new LoopStats();
        AtomicInteger held = new AtomicInteger();
        assertTrue(admission.admit(held, A, stats));
        assertTrue(admission.admit(held, A, stats));
        assertFalse(admission.admit(held, A, stats), "over both limits");
        assertEquals(2, held.get(), "the refused connection was never counted as held");
        assertEquals(1, stats.connectionsRejected);

        // Per IP 2 of 3 from B, global 2: B's third is refused by the global limit after taking its
        // per-IP place, which it must give back, or B could never reach its own limit again.
        Admission wide = new Admission(2, 3, 0, 1, NanoClock.SYSTEM);
        InetAddress b = InetAddress.getByName("127.0.0.2");
        AtomicInteger count = new AtomicInteger();
        assertTrue(wide.admit(count, b, stats));
        assertTrue(wide.admit(count, b, stats));
        assertFalse(wide.admit(count, b, stats), "the global limit");
        wide.release(b);
        count.decrementAndGet();
        wide.release(b);
        count.decrementAndGet();
        for (int i = 0; i < 2; i++) {
            assertTrue(wide.admit(count, b, stats), "B's per-IP places all came back");
        }
    }

    /** Listeners on several loops admit at once: exactly the limit gets in, and never one more. */
    @Test
    void concurrentAdmissionsNeverPassTheLimitEvenForAMoment() throws Exception {
        int max = 8;
        int threads = 4;
        int rounds = 2_000;
        Admission admission = new Admission(max, 0, 0, 1, NanoClock.SYSTEM);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            Future<?> watcher = pool.submit(() -> {
                while (running.get()) {
                    highest.accumulateAndGet(held.get(), Math::max);
                }
            });
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Integer>> admitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                admitted.add(pool.submit(() -> {
                    LoopStats stats = new LoopStats();
                    int in = 0;
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        if (admission.admit(held, null, stats)) {
                            in++;
                            highest.accumulateAndGet(held.get(), Math::max);
                            if ((r & 1) == 0) { // hold half of them a while: others meet a full house
                                held.decrementAndGet();
                            }
                        }
                    }
                    return in;
                }));
            }
            int total = 0;
            for (Future<Integer> f : admitted) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            running.set(false);
            watcher.get(30, TimeUnit.SECONDS);
            assertTrue(highest.get() <= max, "held reached " + highest.get() + " with a limit of " + max);
            assertEquals(max, highest.get(), "the limit was reached");
            assertTrue(total >= max, "admitted " + total);
            assertTrue(held.get() <= max, "held at the end: " + held.get());
        } finally {
            pool.shutdownNow();
        }
    }
}

package io.ringwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void aFullBucketGivesTheBurstThenRefills() {
        RateLimiter r = new RateLimiter(10, 5, clock); // a token every 100ms
        assertEquals(5, r.available());
        for (int i = 0; i < 5; i++) {
            assertTrue(r.tryAcquire(), "burst " + i);
        }
        assertFalse(r.tryAcquire());
        assertEquals(100_000_000L, r.nanosUntilAvailable(1));
        clock.advance(Duration.ofMillis(99));
        assertFalse(r.tryAcquire());
        clock.advance(Duration.ofMillis(1));
        assertTrue(r.tryAcquire());
        assertFalse(r.tryAcquire());
        clock.advance(Duration.ofSeconds(60));
        assertEquals(5, r.available(), "a long pause fills the bucket, never past its capacity");
    }

    @Test
    void manyPermitsAreAllOrNothing() {
        RateLimiter r = new RateLimiter(10, 5, clock);
        assertTrue(r.tryAcquire(3));
        assertFalse(r.tryAcquire(3), "only 2 left: none taken");
        assertTrue(r.tryAcquire(2));
        assertEquals(Long.MAX_VALUE, r.nanosUntilAvailable(6), "more than the bucket holds never fits");
        assertThrows(IllegalArgumentException.class, () -> r.tryAcquire(0));
    }

    @Property
    void overAnyPeriodAtMostBurstPlusRateTimesTimeIsGranted(@ForAll @IntRange(min = 1, max = 1000) int rate,
                                                            @ForAll @IntRange(min = 1, max = 50) int burst,
                                                            @ForAll @IntRange(min = 1, max = 5000) int stepMicros) {
        FakeClock c = new FakeClock();
        RateLimiter r = new RateLimiter(rate, burst, c);
        long granted = 0;
        long elapsed = 0;
        for (int i = 0; i < 2000; i++) {
            if (r.tryAcquire()) {
                granted++;
            }
            c.advanceNanos(stepMicros * 1000L);
            elapsed += stepMicros * 1000L;
        }
        double bound = burst + rate * (elapsed / 1e9) + 1;
        assertTrue(granted <= bound, granted + " > " + bound);
    }

    @Test
    void concurrentCallersNeverTakeMoreThanTheBucket() throws Exception {
        RateLimiter r = new RateLimiter(1, 1000, clock); // the clock never moves: exactly 1000 tokens
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 1000; i++) {
                    if (r.tryAcquire()) {
                        granted.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1000, granted.get());
    }
}

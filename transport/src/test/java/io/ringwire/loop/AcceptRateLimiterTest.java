package io.ringwire.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The accept token bucket, on a fake clock. */
@Timeout(30)
class AcceptRateLimiterTest {
    private long now = 1_000;
    private final NanoClock clock = () -> now;

    @Test
    void aBurstThenOnePerInterval() {
        AcceptRateLimiter limiter = new AcceptRateLimiter(10, 3, clock); // one per 100 ms, 3 at once
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire(), "the bucket is empty");
        now += 99_999_999;
        assertFalse(limiter.tryAcquire(), "a token takes a whole interval to come back");
        now += 1;
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
    }

    @Test
    void aQuietSpellRefillsTheBucketButNoFurther() {
        AcceptRateLimiter limiter = new AcceptRateLimiter(10, 3, clock);
        now += 3_600_000_000_000L; // an hour of nothing
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            admitted += limiter.tryAcquire() ? 1 : 0;
        }
        assertEquals(3, admitted, "the burst, not an hour's worth of tokens");
    }

    @Test
    void refusedAttemptsTakeNoTokens() {
        AcceptRateLimiter limiter = new AcceptRateLimiter(1, 1, clock);
        assertTrue(limiter.tryAcquire());
        for (int i = 0; i < 1000; i++) {
            assertFalse(limiter.tryAcquire());
        }
        now += 1_000_000_000L;
        assertTrue(limiter.tryAcquire(), "a flood of refusals does not push the next token back");
    }

    @Test
    void concurrentAcquirersNeverExceedTheBurst() throws Exception {
        AcceptRateLimiter limiter = new AcceptRateLimiter(0.001, 50, clock); // frozen clock: only the burst
        AtomicInteger admitted = new AtomicInteger();
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 10_000; i++) {
                    if (limiter.tryAcquire()) {
                        admitted.incrementAndGet();
                    }
                }
            });
            ts[t].start();
        }
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(50, admitted.get());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AcceptRateLimiter(0, 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new AcceptRateLimiter(Double.NaN, 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new AcceptRateLimiter(1, 0, clock));
        assertThrows(IllegalArgumentException.class, () -> new AcceptRateLimiter(1e-9, Integer.MAX_VALUE, clock));
    }
}

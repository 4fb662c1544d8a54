package io.ringwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BackoffTest {
    /** A "random" source that always answers the top of the range: delays equal their ceilings. */
    private static final RandomGenerator MAX = new RandomGenerator() {
        @Override
        public long nextLong() {
            return -1;
        }

        @Override
        public long nextLong(long origin, long bound) {
            return bound - 1;
        }
    };

    @Test
    void ceilingsDoubleFromTheBaseUpToTheCap() {
        Backoff b = Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 10, Duration.ZERO);
        assertEquals(100_000_000L, b.ceilingNanos(1));
        assertEquals(200_000_000L, b.ceilingNanos(2));
        assertEquals(400_000_000L, b.ceilingNanos(3));
        assertEquals(800_000_000L, b.ceilingNanos(4));
        assertEquals(1_000_000_000L, b.ceilingNanos(5));
        assertEquals(1_000_000_000L, b.ceilingNanos(200), "no overflow far past the cap");
    }

    @Property
    void aDelayIsWithinZeroAndItsCeiling(@ForAll @LongRange(min = 1, max = 1_000_000_000L) long base,
                                         @ForAll @IntRange(min = 1, max = 100) int capFactor,
                                         @ForAll @IntRange(min = 1, max = 80) int retry,
                                         @ForAll long seed) {
        Backoff b = Backoff.of(Duration.ofNanos(base), Duration.ofNanos(base * capFactor), 100, Duration.ZERO);
        long ceiling = b.ceilingNanos(retry);
        assertTrue(ceiling >= base && ceiling <= base * capFactor);
        long d = b.delayNanos(retry, new Random(seed));
        assertTrue(d >= 0 && d <= ceiling, d + " outside [0, " + ceiling + "]");
    }

    @Test
    void jitterSpreadsTheDelaysOverTheWholeRange() {
        Backoff b = Backoff.of(Duration.ofMillis(1), Duration.ofSeconds(10), 100, Duration.ZERO);
        Random r = new Random(42);
        long ceiling = b.ceilingNanos(5);
        int low = 0;
        int high = 0;
        for (int i = 0; i < 1000; i++) {
            long d = b.delayNanos(5, r);
            if (d < ceiling / 4) {
                low++;
            } else if (d > ceiling * 3 / 4) {
                high++;
            }
        }
        assertTrue(low > 150 && high > 150, "full jitter, not equal or no jitter: low=" + low + " high=" + high);
    }

    @Test
    void maxAttemptsCountsTheFirstTry() {
        FakeClock clock = new FakeClock();
        Backoff.Schedule s = Backoff.of(Duration.ofMillis(10), Duration.ofMillis(100), 3, Duration.ZERO).start(clock, MAX);
        assertEquals(10_000_000L, s.nextDelayNanos());
        assertEquals(20_000_000L, s.nextDelayNanos());
        assertEquals(-1, s.nextDelayNanos(), "three attempts made: no more");
        assertEquals(3, s.attempts());
        s.reset();
        assertEquals(10_000_000L, s.nextDelayNanos(), "a success starts the sequence over");
    }

    @Test
    void noRetryStartsPastTheDeadline() {
        FakeClock clock = new FakeClock();
        Backoff.Schedule s = Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(10), 100, Duration.ofMillis(1000))
                .start(clock, MAX);
        long total = 0;
        long d;
        while ((d = s.nextDelayNanos()) >= 0) {
            clock.advanceNanos(d);
            total += d;
        }
        assertEquals(700_000_000L, total, "100 + 200 + 400 fit in 1s; the next 800 would not");
        assertEquals(300_000_000L, s.remainingNanos());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Backoff.of(Duration.ZERO, Duration.ofSeconds(1), 3, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Backoff.of(Duration.ofSeconds(2), Duration.ofSeconds(1), 3, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ofSeconds(-1)));
    }
}

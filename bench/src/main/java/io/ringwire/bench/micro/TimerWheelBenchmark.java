package io.ringwire.bench.micro;

import io.ringwire.loop.TimerWheel;
import io.ringwire.loop.WheelTimer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The loop's timing wheel with {@code pending} timers already in it, due 1 to 61 s out: a few
 * percent in the near wheel (its first 4.3 s), the rest in the far wheel, as read deadlines and
 * idle timeouts of a minute are. What one timer operation costs. Run with {@code -prof gc}:
 * {@code reschedule} (a connection's deadline moved forward) must show 0 B/op, and so must the
 * others, since timers are intrusive nodes. Memory per pending timer is measured apart, by
 * {@link TimerWheelFootprint}.
 *
 * <ul>
 * <li>{@code scheduleThenCancel}: a timer armed and disarmed (a request with a deadline that
 *     answered in time).</li>
 * <li>{@code reschedule}: one of the pending timers moved to 1-30 s from now (an idle or read
 *     deadline pushed on by traffic). From now, not from its old deadline: moved on from there
 *     every call, deadlines drifted hours out into the overflow list, which is not what traffic
 *     does, and not what this measured.</li>
 * <li>{@code rescheduleNear}: moved within the current revolution (a short write deadline).</li>
 * <li>{@code expireTick}: the clock moves one tick and the wheel runs what is due: the per-wake-up
 *     overhead of a loop with many pending timers.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TimerWheelBenchmark {
    private static final long MS = 1_000_000L;

    @Param({"1000", "100000", "1000000"})
    public int pending;

    private TimerWheel wheel;
    private WheelTimer[] timers;
    private WheelTimer spare;
    private long now;
    private int next;
    private long[] offsets;
    private int offset;
    private static final Runnable NOTHING = () -> { };

    @Setup(Level.Trial)
    public void fill() {
        wheel = new TimerWheel(0);
        timers = new WheelTimer[pending];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < pending; i++) {
            int index = i;
            // An expired timer re-arms itself a minute on, so expireTick keeps `pending` timers.
            timers[i] = new WheelTimer(() -> wheel.schedule(timers[index], now + 60_000 * MS));
            wheel.schedule(timers[i], 1_000 * MS + random.nextLong(60_000 * MS));
        }
        spare = new WheelTimer(NOTHING);
        offsets = new long[4096];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = random.nextLong(1_000 * MS, 30_000 * MS);
        }
    }

    @Benchmark
    public int scheduleThenCancel() {
        wheel.schedule(spare, now + offsets[offset++ & 4095]);
        wheel.cancel(spare);
        return wheel.size();
    }

    @Benchmark
    public int reschedule() {
        WheelTimer t = timers[next];
        next = next + 1 == pending ? 0 : next + 1;
        wheel.schedule(t, now + offsets[offset++ & 4095]);
        return wheel.size();
    }

    @Benchmark
    public int rescheduleNear() {
        WheelTimer t = timers[next];
        next = next + 1 == pending ? 0 : next + 1;
        wheel.schedule(t, now + 1 + (offsets[offset++ & 4095] & 0xFFFFFFFL)); // up to ~268 ms ahead
        return wheel.size();
    }

    @Benchmark
    public int expireTick() {
        now += MS;
        return wheel.expire(now, Throwable::printStackTrace) + (int) wheel.nanosUntilNext(now);
    }
}

package io.ringwire.bench.micro;

import io.ringwire.loop.TimerWheel;
import io.ringwire.loop.WheelTimer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.SplittableRandom;

/**
 * What a million pending timers cost in heap: the wheel filled with {@code N} timers (default
 * 1,000,000) due over ten minutes (near wheel, far wheel and overflow list), measured as the heap
 * in use after full collections, against the same wheel empty. The timers share one task, as a
 * connection's timers share their connection: what is counted is the node and the wheel.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.ringwire.bench.micro.TimerWheelFootprint [N]}.
 * A measurement, not a benchmark of speed; its figure is in the README.
 */
public final class TimerWheelFootprint {
    private static final long MS = 1_000_000L;

    private TimerWheelFootprint() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Runnable nothing = () -> { };
        TimerWheel wheel = new TimerWheel(0);
        long empty = settledHeap();
        WheelTimer[] timers = new WheelTimer[n];
        long arrayBytes = settledHeap() - empty;
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            timers[i] = new WheelTimer(nothing);
            wheel.schedule(timers[i], 1 + random.nextLong(600_000 * MS));
        }
        long full = settledHeap();
        long perTimer = (full - empty - arrayBytes) / n;
        System.out.printf("%,d pending timers: %,d bytes of heap, %d bytes per timer (node and links),"
                + " beside the %,d-byte array that holds them here%n", wheel.size(), full - empty - arrayBytes, perTimer, arrayBytes);
        // Keep everything reachable until measured.
        if (timers[n - 1].deadline() < 0 || wheel.size() != n) {
            throw new AssertionError("wheel lost timers");
        }
    }

    /** Heap in use once collections stop freeing anything. */
    private static long settledHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}

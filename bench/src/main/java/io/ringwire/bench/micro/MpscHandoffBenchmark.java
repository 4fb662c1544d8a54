package io.ringwire.bench.micro;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A cross-thread hand-off, the mechanism behind {@code EventLoop.execute}: another thread offers a
 * task to the loop's JCTools {@link MpscUnboundedArrayQueue} and the loop polls it.
 *
 * <p>Shape: a ping-pong. The benchmark thread offers a token to {@code ping} and spins until it
 * comes back on {@code pong}; an echo thread, standing in for the event loop, moves tokens from one
 * to the other. One operation is therefore a round trip, two hand-offs, and its time is dominated
 * by the cache-line transfers between the two cores. A ping-pong (rather than a producer running
 * flat out) keeps the unbounded queues from growing without limit.
 *
 * <p>Compare {@code MPSC} with {@code CLQ} ({@link ConcurrentLinkedQueue}, the JDK's lock-free
 * queue): run with {@code -prof gc}. CLQ allocates a 24 B node per offer, 48 B per round trip.
 * The MPSC queue allocates nothing: while its consumer keeps up, the producer wraps around in the
 * same 1024-slot array, and it links a new array only when more than a chunk's worth of tasks is
 * pending at once. Neither side parks here, so the eventfd wake-up a parked loop would need is
 * not part of this number: see {@link LoopbackPingPongBenchmark}.
 *
 * <p>Needs two cores: both threads spin. The spin yields after a while so that a run squeezed
 * onto one CPU (say by {@code taskset -c 1}) is slow but still finishes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MpscHandoffBenchmark {
    /** The same chunk size as the event loop's task queue. */
    private static final int CHUNK = 1024;
    private static final int SPINS_BEFORE_YIELD = 10_000;
    private static final Object TOKEN = new Object();

    @Param({"MPSC", "CLQ"})
    public String queue;

    private Queue<Object> ping;
    private Queue<Object> pong;
    private Thread echo;
    private volatile boolean running;

    @Setup
    public void setUp() {
        ping = newQueue(queue);
        pong = newQueue(queue);
        running = true;
        echo = new Thread(this::echoLoop, "mpsc-bench-echo");
        echo.setDaemon(true);
        echo.start();
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        running = false;
        echo.join(10_000);
    }

    @Benchmark
    public Object roundTrip() {
        ping.offer(TOKEN);
        return await(pong);
    }

    private void echoLoop() {
        int idle = 0;
        while (running) {
            Object t = poll(ping);
            if (t != null) {
                pong.offer(t);
                idle = 0;
            } else if (++idle < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private static Object await(Queue<Object> q) {
        int idle = 0;
        Object t;
        while ((t = poll(q)) == null) {
            if (++idle < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        return t;
    }

    /** The event loop drains with {@code relaxedPoll}: it is the only consumer, and it retries anyway. */
    private static Object poll(Queue<Object> q) {
        return q instanceof MessagePassingQueue<?> mpq ? mpq.relaxedPoll() : q.poll();
    }

    private static Queue<Object> newQueue(String kind) {
        return switch (kind) {
            case "MPSC" -> new MpscUnboundedArrayQueue<>(CHUNK);
            case "CLQ" -> new ConcurrentLinkedQueue<>();
            default -> throw new IllegalArgumentException("queue: " + kind);
        };
    }
}

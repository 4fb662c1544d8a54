package io.ringwire.bench.micro;

import io.ringwire.internal.Native;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The price of one JNI crossing, which every syscall of the transport pays once.
 *
 * <p>{@link Native#nop(int)} is a registered native that returns its argument: what remains is the
 * Java-to-native transition and back (thread state changes, safepoint poll, argument shuffling).
 * Compare it with {@link #javaCall()}, an ordinary call the JIT is told not to inline, and with
 * {@link #javaInlined()}, which is nearly free. The difference {@code jniNop - javaCall} is the
 * fixed overhead a syscall wrapper adds on top of the syscall itself (typically tens of ns next to
 * the few hundred ns to µs of a {@code read} or {@code epoll_wait}). This is why the transport
 * batches: one {@code writev} for many messages, one {@code epoll_wait} for many events.
 *
 * <p>{@code value} is a non-final field so the JIT cannot fold the calls away; returning the
 * result hands it to JMH's blackhole.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JniCrossingBenchmark {
    private int value;

    @Setup
    public void setUp() {
        value = 42;
        Native.nop(0); // loads the library before the first measured call
    }

    @Benchmark
    public int jniNop() {
        return Native.nop(value);
    }

    @Benchmark
    public int javaCall() {
        return javaNop(value);
    }

    @Benchmark
    public int javaInlined() {
        return inlinedNop(value);
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static int javaNop(int v) {
        return v;
    }

    private static int inlinedNop(int v) {
        return v;
    }
}

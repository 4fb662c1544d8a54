package io.ringwire.bench.micro;

import io.ringwire.buffer.Chunk;
import io.ringwire.buffer.ChunkPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The loop's buffer pool: what a connection pays for the off-heap chunk its outbound bytes go
 * into. {@link #pooled()} takes one chunk from a warm {@link ChunkPool} and gives it back;
 * {@link #pooledBurst()} takes 64 before giving them back, as a loop does when that many
 * connections each queue a write in one turn. {@link #unpooled()} and {@link #unpooledBurst()} do
 * the same with a pool that keeps nothing, so every chunk is a fresh 16 KiB direct buffer,
 * allocated and freed at once: the cost the pool exists to avoid.
 *
 * <p>Scores are per chunk. Run with {@code -prof gc}: {@code pooled} must be 0 B/op (STYLE habit
 * 4); {@code unpooled} allocates the {@code ByteBuffer}, its cleaner and the {@code UnsafeBuffer}
 * view on every chunk, beside the native memory. Single-threaded, as the pool is confined to its
 * loop, so it may be pinned ({@code taskset -c 1}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChunkPoolBenchmark {
    private static final int BURST = 64;

    private ChunkPool pool;
    private ChunkPool noPool;
    private final Chunk[] held = new Chunk[BURST];

    @Setup
    public void setUp() {
        // The loop's own sizes: 16 KiB chunks, up to 256 kept.
        pool = new ChunkPool(ChunkPool.DEFAULT_CHUNK_SIZE, 256);
        noPool = new ChunkPool(ChunkPool.DEFAULT_CHUNK_SIZE, 0);
        cycle(pool, BURST);     // warm: the pool holds a full burst before the first measurement
    }

    @TearDown
    public void tearDown() {
        pool.close();
        noPool.close();
    }

    @Benchmark
    public long pooled() {
        return cycle(pool, 1);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long pooledBurst() {
        return cycle(pool, BURST);
    }

    @Benchmark
    public long unpooled() {
        return cycle(noPool, 1);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long unpooledBurst() {
        return cycle(noPool, BURST);
    }

    /** Takes n chunks, then gives them back; returns what the pool counts as handed out at the peak. */
    private long cycle(ChunkPool from, int n) {
        for (int i = 0; i < n; i++) {
            held[i] = from.acquire();
        }
        long peak = from.outstanding();
        for (int i = 0; i < n; i++) {
            from.release(held[i]);
            held[i] = null;
        }
        return peak;
    }
}

package io.ringwire.bench.micro;

import io.ringwire.buffer.ChunkPool;
import io.ringwire.buffer.IovecArray;
import io.ringwire.buffer.OutboundBuffer;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
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
 * The outbound queue's bookkeeping, without the syscall: what a connection does in Java for every
 * message it sends. {@code append} copies 128 B into a pooled off-heap chunk, {@code fill}
 * describes the queued bytes as iovecs for one {@code writev}, and {@code consume} drops what the
 * kernel would have taken, handing the emptied chunk back to the pool.
 *
 * <p>The point to check is allocation: run with {@code -prof gc}. Once the pool is warm,
 * {@code gc.alloc.rate.norm} must be about 0 B/op: the loop's hot path allocates nothing per
 * message (STYLE habit 4). {@link #perMessage()} flushes every message (the latency case);
 * {@link #batched()} queues 32 messages per flush (the throughput case), reported per message, so
 * the two show what batching saves in fill and consume.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutboundBufferBenchmark {
    private static final int MESSAGE = 128;
    private static final int BATCH = 32;

    private UnsafeBuffer message;
    private ChunkPool pool;
    private OutboundBuffer outbound;
    private IovecArray iov;

    @Setup
    public void setUp() {
        message = new UnsafeBuffer(ByteBuffer.allocateDirect(MESSAGE));
        for (int i = 0; i < MESSAGE; i++) {
            message.putByte(i, (byte) i);
        }
        // The event loop's own sizes: 16 KiB chunks, up to 256 kept, 64 iovecs per writev.
        pool = new ChunkPool(ChunkPool.DEFAULT_CHUNK_SIZE, 256);
        outbound = new OutboundBuffer(pool);
        iov = new IovecArray(IovecArray.DEFAULT_CAPACITY);
    }

    @TearDown
    public void tearDown() {
        outbound.discard();
        pool.close();
        iov.close();
    }

    /** One message, one flush. Returns the bytes described so the work cannot be dropped. */
    @Benchmark
    public long perMessage() {
        outbound.append(message, 0, MESSAGE);
        long bytes = outbound.fill(iov);
        outbound.consume(bytes);
        return bytes;
    }

    /** 32 messages (4 KiB, within one chunk) then one flush; the score is per message. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long batched() {
        for (int i = 0; i < BATCH; i++) {
            outbound.append(message, 0, MESSAGE);
        }
        long bytes = outbound.fill(iov);
        outbound.consume(bytes);
        return bytes;
    }
}

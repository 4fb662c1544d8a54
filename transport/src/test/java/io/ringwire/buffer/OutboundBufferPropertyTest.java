package io.ringwire.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.internal.Linux;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * OutboundBuffer against a model: random appends (all three source types, at random offsets) and
 * consumes of random sizes on two buffers sharing one pool. After every step, the bytes that
 * {@code fill} describes, read back from native memory through the iovec addresses, are exactly
 * the model's queue, oldest first; and chunks go back to the pool.
 */
class OutboundBufferPropertyTest {
    private static final int BUFFERS = 2;

    sealed interface Op permits Append, Consume, Fill, Discard {
    }

    /** kind: 0 byte[], 1 DirectBuffer over direct memory, 2 heap ByteBuffer, 3 direct ByteBuffer. */
    record Append(int target, int kind, byte[] data, int offset, int length) implements Op {
        @Override
        public String toString() {
            return "Append[" + target + " kind=" + kind + " " + offset + "+" + length + " of " + data.length + "]";
        }
    }

    record Consume(int target, double fraction) implements Op {
    }

    record Fill(int target, int iovCapacity) implements Op {
    }

    record Discard(int target) implements Op {
    }

    /** A growable byte FIFO: the model. */
    static final class ByteQueue {
        private byte[] bytes = new byte[64];
        private int head;
        private int tail;

        int size() {
            return tail - head;
        }

        void add(byte[] src, int offset, int length) {
            if (tail + length > bytes.length) {
                byte[] grown = new byte[Math.max(bytes.length * 2, size() + length)];
                System.arraycopy(bytes, head, grown, 0, size());
                tail = size();
                head = 0;
                bytes = grown;
            }
            System.arraycopy(src, offset, bytes, tail, length);
            tail += length;
        }

        void drop(int n) {
            head += n;
        }

        byte[] prefix(int n) {
            return Arrays.copyOfRange(bytes, head, head + n);
        }

        void clear() {
            head = tail;
        }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> target = Arbitraries.integers().between(0, BUFFERS - 1);
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<Op> append = Combinators.combine(target, Arbitraries.integers().between(0, 3), data,
                        Arbitraries.integers().between(0, 400), Arbitraries.integers().between(0, 400))
                .as((t, kind, d, a, b) -> {
                    int offset = Math.min(a, d.length);
                    return new Append(t, kind, d, offset, Math.min(b, d.length - offset));
                });
        Arbitrary<Op> consume = Combinators.combine(target,
                Arbitraries.oneOf(Arbitraries.doubles().between(0, 1), Arbitraries.just(1.0))).as(Consume::new);
        Arbitrary<Op> fill = Combinators.combine(target, Arbitraries.integers().between(1, 8)).as(Fill::new);
        Arbitrary<Op> discard = target.map(Discard::new);
        return Arbitraries.frequencyOf(Tuple.of(6, append), Tuple.of(3, consume), Tuple.of(3, fill), Tuple.of(1, discard))
                .list().ofMaxSize(80)
                // Random lists already mix empty, tiny and boundary-sized steps; combining every
                // element's edge cases would only crowd out the random sequences.
                .withoutEdgeCases();
    }

    @Provide
    Arbitrary<Integer> chunkSizes() {
        return Arbitraries.of(1, 2, 7, 16, 100, 4096, ChunkPool.DEFAULT_CHUNK_SIZE);
    }

    @Property(tries = 400)
    void queueMatchesTheModel(@ForAll("chunkSizes") int chunkSize, @ForAll @IntRange(min = 0, max = 4) int maxRetained,
                              @ForAll("operations") List<Op> ops) {
        ChunkPool pool = new ChunkPool(chunkSize, maxRetained);
        IovecArray[] iovs = new IovecArray[9];
        for (int i = 1; i < iovs.length; i++) {
            iovs[i] = new IovecArray(i);
        }
        OutboundBuffer[] buffers = new OutboundBuffer[BUFFERS];
        ByteQueue[] models = new ByteQueue[BUFFERS];
        for (int i = 0; i < BUFFERS; i++) {
            buffers[i] = new OutboundBuffer(pool);
            models[i] = new ByteQueue();
        }
        try {
            for (Op op : ops) {
                apply(op, buffers, models, iovs);
                for (int i = 0; i < BUFFERS; i++) {
                    assertEquals(models[i].size(), buffers[i].size(), "size of buffer " + i + " after " + op);
                    assertEquals(models[i].size() == 0, buffers[i].isEmpty());
                }
                checkPool(pool, buffers, maxRetained);
            }
            // Bytes beyond the queue cannot be consumed.
            for (int i = 0; i < BUFFERS; i++) {
                OutboundBuffer b = buffers[i];
                assertThrows(IllegalArgumentException.class, () -> b.consume(b.size() + 1));
                assertThrows(IllegalArgumentException.class, () -> b.consume(-1));
                assertEquals(models[i].size(), b.discard(), "discard returns what was queued");
                assertEquals(0, b.size());
            }
            assertEquals(0, pool.outstanding(), "every chunk is back in the pool after discard");
            assertTrue(pool.retained() <= maxRetained);
        } finally {
            pool.close();
            for (int i = 1; i < iovs.length; i++) {
                iovs[i].close();
            }
        }
    }

    private static void apply(Op op, OutboundBuffer[] buffers, ByteQueue[] models, IovecArray[] iovs) {
        switch (op) {
            case Append a -> {
                OutboundBuffer b = buffers[a.target()];
                switch (a.kind()) {
                    case 0 -> b.append(a.data(), a.offset(), a.length());
                    case 1 -> {
                        ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(1, a.data().length));
                        direct.put(a.data()).clear();
                        b.append(new UnsafeBuffer(direct, 0, a.data().length), a.offset(), a.length());
                    }
                    default -> {
                        ByteBuffer src = a.kind() == 2 ? ByteBuffer.allocate(a.data().length)
                                : ByteBuffer.allocateDirect(a.data().length);
                        src.put(a.data()).position(a.offset()).limit(a.offset() + a.length());
                        b.append(src);
                        assertEquals(a.offset(), src.position(), "append leaves the ByteBuffer's position alone");
                    }
                }
                models[a.target()].add(a.data(), a.offset(), a.length());
            }
            case Consume c -> {
                int n = (int) Math.round(c.fraction() * models[c.target()].size());
                buffers[c.target()].consume(n);
                models[c.target()].drop(n);
            }
            case Fill f -> checkFill(buffers[f.target()], models[f.target()], iovs[f.iovCapacity()]);
            case Discard d -> {
                assertEquals(models[d.target()].size(), buffers[d.target()].discard());
                models[d.target()].clear();
            }
        }
    }

    /** Reads the iovecs back from native memory and compares them with the model's head. */
    private static void checkFill(OutboundBuffer b, ByteQueue model, IovecArray iov) {
        long described = b.fill(iov);
        UnsafeBuffer table = new UnsafeBuffer(iov.address(), iov.capacity() * Linux.SIZEOF_IOVEC);
        byte[] seen = new byte[(int) described];
        int at = 0;
        for (int k = 0; k < iov.count(); k++) {
            long base = table.getLong(k * Linux.SIZEOF_IOVEC + Linux.OFFSETOF_IOVEC_BASE);
            long len = table.getLong(k * Linux.SIZEOF_IOVEC + Linux.OFFSETOF_IOVEC_LEN);
            assertTrue(len > 0, "no empty segments");
            if (k == 0) {
                assertEquals(b.firstSegmentAddress(), base, "the first segment starts at the oldest byte");
            }
            assertTrue(at + len <= described, "segments add up to what fill returned");
            new UnsafeBuffer(base, (int) len).getBytes(0, seen, at, (int) len);
            at += (int) len;
        }
        assertEquals(described, at, "fill returns the sum of the segment lengths");
        assertArrayEquals(model.prefix(at), seen, "described bytes are the queue's head, in order");
        if (iov.count() < iov.capacity()) {
            assertEquals(model.size(), described, "with room to spare, fill describes the whole queue");
        } else {
            assertTrue(described <= model.size());
        }
    }

    private static void checkPool(ChunkPool pool, OutboundBuffer[] buffers, int maxRetained) {
        long bound = 0;
        for (OutboundBuffer b : buffers) {
            // A queue holds at most a partly read head, full middles and a partly written tail.
            bound += b.isEmpty() ? 0 : b.size() / pool.chunkSize() + 2;
        }
        assertTrue(pool.outstanding() <= bound, "outstanding " + pool.outstanding() + " > " + bound
                + ": an emptied queue must give its chunks back");
        assertTrue(pool.retained() <= maxRetained, "retained " + pool.retained() + " > max " + maxRetained);
    }
}

package io.ringwire.bench.codec;

import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The input of the decoder benchmarks: a stream of messages in off-heap memory, lent to the
 * decoder either whole (every message in place) or in reads of a fixed size that cut messages
 * at arbitrary bytes (the partial ones go through the connection's cumulation).
 */
final class Streams {
    private Streams() {
    }

    /** {@code bytes} in a direct buffer, as epoll's receive buffer is, or at a raw address, as io_uring's are. */
    static UnsafeBuffer offHeap(byte[] bytes, boolean raw) {
        ByteBuffer memory = ByteBuffer.allocateDirect(bytes.length);
        UnsafeBuffer b = raw ? new UnsafeBuffer(BufferUtil.address(memory), bytes.length) : new UnsafeBuffer(memory);
        b.putBytes(0, bytes);
        KEEP.add(memory); // a raw view does not keep its memory reachable
        return b;
    }

    private static final java.util.List<ByteBuffer> KEEP = new java.util.concurrent.CopyOnWriteArrayList<>();

    @FunctionalInterface
    interface Decode {
        void decode(org.agrona.DirectBuffer buffer, int offset, int length) throws Exception;
    }

    /** Lends {@code stream} in reads of {@code read} bytes (0: all at once). */
    static void feed(UnsafeBuffer stream, int read, Decode decoder) throws Exception {
        int length = stream.capacity();
        if (read <= 0) {
            decoder.decode(stream, 0, length);
            return;
        }
        for (int pos = 0; pos < length; pos += read) {
            decoder.decode(stream, pos, Math.min(read, length - pos));
        }
    }
}

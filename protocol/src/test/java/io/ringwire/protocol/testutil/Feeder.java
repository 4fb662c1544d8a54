package io.ringwire.protocol.testutil;

import io.ringwire.protocol.codec.CodecException;
import java.nio.ByteBuffer;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Feeds a byte stream to a decoder in pieces, the way the transport does: each piece is copied
 * into one reused receive buffer, lent for the call, and scribbled over right after it. A decoder
 * that kept a view past the call would then see garbage, and the test would fail.
 */
public final class Feeder implements AutoCloseable {
    /** What kind of buffer the pieces arrive in; each takes a different path through the CRC code. */
    public enum Kind {
        /** A heap array, as in unit tests. */
        HEAP,
        /** A direct ByteBuffer, as epoll's receive buffer. */
        DIRECT,
        /** A raw address with no ByteBuffer, as io_uring's provided buffers. */
        RAW
    }

    @FunctionalInterface
    public interface Decode {
        void decode(DirectBuffer buffer, int offset, int length) throws CodecException;
    }

    private static final int CAPACITY = 1 << 20;
    private final ByteBuffer memory = ByteBuffer.allocateDirect(CAPACITY + 64);
    private final UnsafeBuffer receive;
    private final byte[] heap = new byte[CAPACITY + 64];

    public Feeder(Kind kind) {
        receive = switch (kind) {
            case HEAP -> new UnsafeBuffer(heap);
            case DIRECT -> new UnsafeBuffer(memory);
            case RAW -> new UnsafeBuffer(org.agrona.BufferUtil.address(memory), memory.capacity());
        };
    }

    /**
     * Feeds {@code stream} in pieces whose sizes cycle through {@code sizes} (each at least 1),
     * each at an offset that also varies, so both alignment and splits change.
     */
    public void feed(byte[] stream, List<Integer> sizes, Decode decoder) throws CodecException {
        int pos = 0;
        int i = 0;
        while (pos < stream.length) {
            int size = sizes.isEmpty() ? stream.length : Math.max(1, sizes.get(i % sizes.size()));
            int n = Math.min(Math.min(size, stream.length - pos), CAPACITY);
            int offset = (i * 7) % 64;
            receive.putBytes(offset, stream, pos, n);
            try {
                decoder.decode(receive, offset, n);
            } finally {
                receive.setMemory(offset, n, (byte) 0xA5);
            }
            pos += n;
            i++;
        }
    }

    /** Feeds {@code stream} in one piece. */
    public void feedWhole(byte[] stream, Decode decoder) throws CodecException {
        feed(stream, List.of(), decoder);
    }

    @Override
    public void close() {
        org.agrona.BufferUtil.free(memory);
    }
}

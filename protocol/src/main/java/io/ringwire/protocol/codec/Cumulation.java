package io.ringwire.protocol.codec;

import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The off-heap bytes of one message that arrived in pieces. A receive buffer is lent to a handler
 * only for one {@code onData} call, so a message split across reads must be copied somewhere of
 * the connection's own: here. Messages that arrive whole are decoded in place and never touch it.
 *
 * <h2>Memory</h2>
 * Nothing is reserved until the first split message. Capacity grows with the bytes that actually
 * arrive (doubling, never past {@link #limit()}), not with what a header announces, so a peer
 * that claims a large message and sends little makes the connection hold little. After a message
 * larger than {@link #RETAINED_CAPACITY}, {@link #clear()} gives the memory back, so an idle
 * connection never keeps a large buffer. {@link #close()} frees it at once, without waiting for GC.
 *
 * <p>Confined to one thread, the connection's loop thread. Not thread-safe.
 */
public final class Cumulation implements AutoCloseable {
    /** Capacity kept across messages; a larger buffer is freed when emptied. */
    public static final int RETAINED_CAPACITY = 64 * 1024;
    /** The largest limit a cumulation accepts, keeping every index arithmetic within an int. */
    public static final int MAX_LIMIT = Integer.MAX_VALUE - 64;
    private static final int INITIAL_CAPACITY = 512;

    private final int limit;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private ByteBuffer memory;
    private int size;

    /** @param limit the most bytes this cumulation may ever hold: one message at its largest */
    public Cumulation(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be within 1.." + MAX_LIMIT + ": " + limit);
        }
        this.limit = limit;
    }

    /** Bytes held. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Bytes reserved now: what the fuzz tests hold against the limit. */
    public int capacity() {
        return memory == null ? 0 : memory.capacity();
    }

    public int limit() {
        return limit;
    }

    /**
     * The bytes held, at indexes {@code [0, size())}. The view stays valid until the next call that
     * changes this cumulation; it is backed by a direct {@link ByteBuffer} ({@link DirectBuffer#byteBuffer()}).
     */
    public DirectBuffer buffer() {
        return view;
    }

    /**
     * Copies {@code src[offset, offset+length)} to the end.
     *
     * @throws MessageTooLongException if that would hold more than {@link #limit()} bytes; the
     *         decoders check their own limits first, so this is a last line of defence
     */
    public void append(DirectBuffer src, int offset, int length) throws MessageTooLongException {
        if (length <= 0) {
            return;
        }
        if (length > limit - size) {
            throw new MessageTooLongException("message of at least " + ((long) size + length)
                    + " bytes is over the limit of " + limit);
        }
        ensureCapacity(size + length);
        view.putBytes(size, src, offset, length);
        size += length;
    }

    /** Empties it; memory above {@link #RETAINED_CAPACITY} is freed. */
    public void clear() {
        size = 0;
        if (memory != null && memory.capacity() > RETAINED_CAPACITY) {
            release();
        }
    }

    /** Empties it and frees its memory now. Safe to call more than once; it may be used again after. */
    @Override
    public void close() {
        size = 0;
        release();
    }

    private void ensureCapacity(int needed) {
        int capacity = capacity();
        if (needed <= capacity) {
            return;
        }
        long grown = Math.max(needed, Math.max(INITIAL_CAPACITY, 2L * capacity));
        ByteBuffer bigger = ByteBuffer.allocateDirect((int) Math.min(grown, limit));
        UnsafeBuffer target = new UnsafeBuffer(bigger);
        if (size > 0) {
            target.putBytes(0, view, 0, size);
        }
        ByteBuffer old = memory;
        memory = bigger;
        view.wrap(bigger);
        if (old != null) {
            BufferUtil.free(old);
        }
    }

    private void release() {
        ByteBuffer old = memory;
        memory = null;
        view.wrap(0, 0);
        if (old != null) {
            BufferUtil.free(old);
        }
    }
}

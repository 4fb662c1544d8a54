package io.ringwire.buffer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.agrona.DirectBuffer;

/**
 * A connection's queue of bytes waiting for the kernel: a chain of pooled chunks.
 *
 * <p>Confined to the connection's loop thread. {@link #append} copies in; {@link #fill} describes
 * the queued bytes as iovecs for one {@code writev}; {@link #consume} drops what the kernel took.
 * Emptied chunks go back to the pool, so a steady stream allocates nothing.
 */
public final class OutboundBuffer {
    private final ChunkPool pool;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>(8);
    private long size;

    public OutboundBuffer(ChunkPool pool) {
        this.pool = pool;
    }

    /** Queued bytes. */
    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void append(DirectBuffer src, int offset, int length) {
        checkBounds(offset, length, src.capacity());
        while (length > 0) {
            Chunk tail = writableTail();
            int n = Math.min(length, tail.writable());
            tail.buffer.putBytes(tail.writeIndex, src, offset, n);
            tail.writeIndex += n;
            offset += n;
            length -= n;
            size += n;
        }
    }

    public void append(byte[] src, int offset, int length) {
        checkBounds(offset, length, src.length);
        while (length > 0) {
            Chunk tail = writableTail();
            int n = Math.min(length, tail.writable());
            tail.buffer.putBytes(tail.writeIndex, src, offset, n);
            tail.writeIndex += n;
            offset += n;
            length -= n;
            size += n;
        }
    }

    /** Copies {@code src}'s remaining bytes; its position is left unchanged. */
    public void append(ByteBuffer src) {
        int offset = src.position();
        int length = src.remaining();
        while (length > 0) {
            Chunk tail = writableTail();
            int n = Math.min(length, tail.writable());
            tail.buffer.putBytes(tail.writeIndex, src, offset, n);
            tail.writeIndex += n;
            offset += n;
            length -= n;
            size += n;
        }
    }

    /** Adds the queued bytes to {@code iov}, oldest first, until it is full; returns the bytes described. */
    public long fill(IovecArray iov) {
        iov.clear();
        long bytes = 0;
        for (Chunk c : chunks) {
            int n = c.readable();
            if (n == 0) {
                continue;
            }
            if (!iov.add(c.address + c.readIndex, n)) {
                break;
            }
            bytes += n;
        }
        return bytes;
    }

    /** Native address of the oldest queued byte; valid while the queue is not empty. */
    public long firstSegmentAddress() {
        Chunk head = chunks.peekFirst();
        return head.address + head.readIndex;
    }

    /** Drops the first {@code bytes} queued bytes, which the kernel has taken. */
    public void consume(long bytes) {
        if (bytes < 0 || bytes > size) {
            throw new IllegalArgumentException("consume " + bytes + " of " + size);
        }
        size -= bytes;
        while (bytes > 0) {
            Chunk head = chunks.peekFirst();
            int n = (int) Math.min(bytes, head.readable());
            head.readIndex += n;
            bytes -= n;
            if (head.readable() == 0) {
                chunks.pollFirst();
                pool.release(head);
            }
        }
        // An emptied queue keeps no chunk: an idle connection holds no outbound memory.
        if (size == 0) {
            releaseAll();
        }
    }

    /** Drops everything queued and returns its length. */
    public long discard() {
        long dropped = size;
        size = 0;
        releaseAll();
        return dropped;
    }

    private void releaseAll() {
        for (Chunk c; (c = chunks.pollFirst()) != null; ) {
            pool.release(c);
        }
    }

    private Chunk writableTail() {
        Chunk tail = chunks.peekLast();
        if (tail == null || tail.writable() == 0) {
            tail = pool.acquire();
            chunks.addLast(tail);
        }
        return tail;
    }

    private static void checkBounds(int offset, int length, int capacity) {
        if (offset < 0 || length < 0 || offset > capacity - length) {
            throw new IndexOutOfBoundsException("offset=" + offset + " length=" + length + " capacity=" + capacity);
        }
    }
}

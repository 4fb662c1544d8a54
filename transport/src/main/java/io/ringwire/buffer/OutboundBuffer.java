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
 *
 * <p>File regions ({@link #appendFile}) keep their place among the bytes: each one records how
 * many chunk bytes were appended before it, {@link #fill} stops at the next region, and
 * {@link #dueFile} hands it out once those bytes are consumed. {@link #size} counts both.
 */
public final class OutboundBuffer {
    private final ChunkPool pool;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>(8);
    private long size;
    /** Chunk bytes ever appended and ever consumed: the positions that order file regions among them. */
    private long appendedTotal;
    private long consumedTotal;
    private final ArrayDeque<FileRegion> files = new ArrayDeque<>(2);
    /** Bytes of the queued file regions not yet sent. */
    private long fileBytes;

    public OutboundBuffer(ChunkPool pool) {
        this.pool = pool;
    }

    /** Queued bytes, of chunks and of file regions. */
    public long size() {
        return size + fileBytes;
    }

    public boolean isEmpty() {
        return size == 0 && files.isEmpty();
    }

    /** Queues a file region after every byte appended so far; it is the queue's until completed or failed. */
    public void appendFile(FileRegion region) {
        region.streamPosition = appendedTotal;
        files.addLast(region);
        fileBytes += region.remaining();
    }

    /** The file region to send now: the oldest, once every byte queued before it is consumed; else null. */
    public FileRegion dueFile() {
        FileRegion head = files.peekFirst();
        return head != null && head.streamPosition == consumedTotal ? head : null;
    }

    /**
     * The kernel took {@code n} bytes of the {@link #dueFile()} region. A region that is done leaves
     * the queue, its file is closed and its future completed (callbacks run here); returns true then.
     */
    public boolean fileSent(long n) {
        FileRegion head = files.peekFirst();
        if (head == null || n < 0 || n > head.remaining()) {
            throw new IllegalArgumentException("fileSent " + n + " of " + head);
        }
        head.advance(n);
        fileBytes -= n;
        if (head.remaining() == 0) {
            files.pollFirst();
            head.complete();
            return true;
        }
        return false;
    }

    /** Removes the due region and fails it (its file shrank, or the socket failed). */
    public void failDueFile(Throwable cause) {
        FileRegion head = files.pollFirst();
        if (head != null) {
            fileBytes -= head.remaining();
            head.fail(cause);
        }
    }

    /** Chunk bytes that may go before the next file region. */
    private long sendableChunkBytes() {
        FileRegion next = files.peekFirst();
        return next == null ? size : next.streamPosition - consumedTotal;
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
            appendedTotal += n;
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
            appendedTotal += n;
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
            appendedTotal += n;
        }
    }

    /** Adds the queued bytes to {@code iov}, oldest first, until it is full; returns the bytes described. */
    public long fill(IovecArray iov) {
        iov.clear();
        long bytes = 0;
        long limit = sendableChunkBytes();
        for (Chunk c : chunks) {
            int n = (int) Math.min(c.readable(), limit - bytes);
            if (n == 0) {
                if (bytes == limit) {
                    break; // a file region comes next
                }
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
        consumedTotal += bytes;
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

    /**
     * Drops everything queued and returns its length; file regions are failed with a
     * {@link io.ringwire.internal.Errors.Closed}, which closes their files.
     */
    public long discard() {
        long dropped = size + fileBytes;
        consumedTotal += size;
        size = 0;
        fileBytes = 0;
        releaseAll();
        for (FileRegion f; (f = files.pollFirst()) != null; ) {
            f.fail(new io.ringwire.internal.Errors.Closed("sendFile " + f.path()
                    + ": connection closed before the file was sent (" + f.remaining() + " bytes left)"));
        }
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

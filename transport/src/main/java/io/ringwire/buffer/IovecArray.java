package io.ringwire.buffer;

import io.ringwire.internal.Linux;
import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A native array of {@code struct iovec} for one gathering write, reused by one loop thread.
 * Layout comes from the library's headers through {@link Linux}.
 */
public final class IovecArray implements AutoCloseable {
    /** Far below IOV_MAX (1024); beyond a few dozen segments a bigger batch gains nothing. */
    public static final int DEFAULT_CAPACITY = 64;

    private final ByteBuffer memory;
    private final UnsafeBuffer buffer;
    private final int capacity;
    private int count;

    public IovecArray(int capacity) {
        this.capacity = capacity;
        this.memory = ByteBuffer.allocateDirect(capacity * Linux.SIZEOF_IOVEC);
        this.buffer = new UnsafeBuffer(memory);
    }

    public void clear() {
        count = 0;
    }

    /** Adds one segment; returns false when full. */
    public boolean add(long address, int length) {
        if (count == capacity) {
            return false;
        }
        int at = count * Linux.SIZEOF_IOVEC;
        buffer.putLong(at + Linux.OFFSETOF_IOVEC_BASE, address);
        buffer.putLong(at + Linux.OFFSETOF_IOVEC_LEN, length);
        count++;
        return true;
    }

    public int count() {
        return count;
    }

    public int capacity() {
        return capacity;
    }

    /** The native address of the first iovec, for {@code writev}. */
    public long address() {
        return buffer.addressOffset();
    }

    @Override
    public void close() {
        BufferUtil.free(memory);
    }
}

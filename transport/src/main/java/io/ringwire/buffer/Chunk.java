package io.ringwire.buffer;

import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A fixed-size block of native memory with a read and a write position: bytes in
 * {@code [readIndex, writeIndex)} are queued to be sent. Confined to one loop thread.
 */
public final class Chunk {
    final ByteBuffer memory;
    final UnsafeBuffer buffer;
    final long address;
    int readIndex;
    int writeIndex;

    Chunk(int size) {
        this.memory = ByteBuffer.allocateDirect(size);
        this.buffer = new UnsafeBuffer(memory);
        this.address = buffer.addressOffset();
    }

    int capacity() {
        return buffer.capacity();
    }

    int readable() {
        return writeIndex - readIndex;
    }

    int writable() {
        return buffer.capacity() - writeIndex;
    }

    void reset() {
        readIndex = 0;
        writeIndex = 0;
    }

    /** Returns the memory to the OS now, rather than when the GC gets to it. */
    void free() {
        BufferUtil.free(memory);
    }
}

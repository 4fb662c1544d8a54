package io.ringwire.uring;

import io.ringwire.internal.Errors;
import io.ringwire.internal.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}): receive buffers the kernel picks
 * from when a multishot recv has data, so a connection holds no receive memory while idle.
 *
 * <p>Confined to the loop thread. A completion names the buffer it filled; the loop lends it to
 * the handler and then {@link #recycle}s it, which appends it at the ring's tail with a release
 * store, so the kernel sees the entry before the new tail. A buffer is handed to the kernel again
 * only after the handler's {@code onData} returned, so the kernel never writes into memory that
 * Java is still reading. Both the ring and the buffers are anonymous mappings, unmapped only
 * after the ring is unregistered (or the io_uring closed), when the kernel holds no reference.
 */
final class BufferRing {
    final int groupId;
    final int entries;
    final int bufferSize;
    private final IoUring ring;
    private final long ringAddress;
    private final long ringLength;
    private final long buffersAddress;
    private final long buffersLength;
    private final UnsafeBuffer entriesView;
    private final int mask;
    private int tail;
    /** Buffers not in the ring: filled by the kernel and not yet recycled (handed out or held). */
    private int outstanding;
    private boolean closed;

    private BufferRing(IoUring ring, int groupId, int entries, int bufferSize, long ringAddress, long buffersAddress) {
        this.ring = ring;
        this.groupId = groupId;
        this.entries = entries;
        this.bufferSize = bufferSize;
        this.ringAddress = ringAddress;
        this.ringLength = (long) entries * Uring.SIZEOF_BUF;
        this.buffersAddress = buffersAddress;
        this.buffersLength = (long) entries * bufferSize;
        this.entriesView = new UnsafeBuffer(ringAddress, (int) ringLength);
        this.mask = entries - 1;
        this.outstanding = entries; // until the initial fill recycles them all
    }

    /** Maps, registers and fills a ring of {@code entries} (a power of two) buffers of {@code bufferSize}. */
    static BufferRing register(IoUring ring, int groupId, int entries, int bufferSize) throws IOException {
        if (Integer.bitCount(entries) != 1 || entries > 32768) {
            throw new IllegalArgumentException("buffer ring entries must be a power of two up to 32768: " + entries);
        }
        long ringAddress = mapAnonymous((long) entries * Uring.SIZEOF_BUF);
        long buffersAddress;
        try {
            buffersAddress = mapAnonymous((long) entries * bufferSize);
        } catch (IOException e) {
            Native.munmap(ringAddress, (long) entries * Uring.SIZEOF_BUF);
            throw e;
        }
        BufferRing b = new BufferRing(ring, groupId, entries, bufferSize, ringAddress, buffersAddress);
        int r = b.registerWithKernel();
        if (r < 0) {
            b.unmap();
            throw Errors.newException("io_uring_register PBUF_RING", null, r);
        }
        for (int bid = 0; bid < entries; bid++) {
            b.recycle(bid);
        }
        return b;
    }

    /** Null if this kernel supports provided-buffer rings, else why not. */
    static String probe(IoUring ring) {
        try {
            BufferRing b = register(ring, 0xFFFF, 1, 4096);
            b.close();
            return null;
        } catch (IOException e) {
            return e.getMessage() + ": the kernel lacks provided-buffer rings (needs 5.19 or newer)";
        }
    }

    private int registerWithKernel() {
        UnsafeBuffer reg = new UnsafeBuffer(ByteBuffer.allocateDirect(Uring.SIZEOF_BUF_REG));
        try {
            reg.putLong(Uring.BUF_REG_RING_ADDR, ringAddress);
            reg.putInt(Uring.BUF_REG_RING_ENTRIES, entries);
            reg.putShort(Uring.BUF_REG_BGID, (short) groupId);
            return ring.register(Uring.REGISTER_PBUF_RING, reg.addressOffset(), 1);
        } finally {
            BufferUtil.free(reg);
        }
    }

    /** Native address of buffer {@code bid}. */
    long address(int bid) {
        return buffersAddress + (long) bid * bufferSize;
    }

    /** A completion reported that the kernel filled one of the buffers. */
    void taken() {
        outstanding++;
    }

    /** Buffers in the ring, for the kernel to fill. */
    int available() {
        return entries - outstanding;
    }

    /** Gives buffer {@code bid} back to the kernel. */
    void recycle(int bid) {
        outstanding--;
        int at = (tail & mask) * Uring.SIZEOF_BUF;
        entriesView.putLong(at + Uring.BUF_ADDR, address(bid));
        entriesView.putInt(at + Uring.BUF_LEN, bufferSize);
        entriesView.putShort(at + Uring.BUF_BID, (short) bid);
        tail++;
        // The tail shares the first entry's reserved field. The fence orders the entry's stores
        // before the tail's, so the kernel never sees the new tail before the entry it covers.
        java.lang.invoke.VarHandle.releaseFence();
        entriesView.putShort(Uring.BUF_RING_TAIL, (short) tail);
    }

    /** Unregisters and unmaps. Call while the io_uring is still open. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        UnsafeBuffer reg = new UnsafeBuffer(ByteBuffer.allocateDirect(Uring.SIZEOF_BUF_REG));
        try {
            reg.putShort(Uring.BUF_REG_BGID, (short) groupId);
            ring.register(Uring.UNREGISTER_PBUF_RING, reg.addressOffset(), 1);
        } finally {
            BufferUtil.free(reg);
        }
        unmap();
    }

    private void unmap() {
        Native.munmap(buffersAddress, buffersLength);
        Native.munmap(ringAddress, ringLength);
    }

    private static long mapAnonymous(long length) throws IOException {
        long address = Native.mmap(length, Uring.PROT_READ | Uring.PROT_WRITE,
                Uring.MAP_PRIVATE | Uring.MAP_ANONYMOUS | Uring.MAP_POPULATE, -1, 0);
        if (address < 0) {
            throw Errors.newException("mmap", null, (int) address);
        }
        return address;
    }
}

package io.ringwire.protocol.frame;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * IEEE CRC-32 (as {@link CRC32} and zlib) over the bytes of {@link DirectBuffer}s, allocating
 * nothing per call once warm.
 *
 * <h2>Always the JDK's intrinsic</h2>
 * The JDK's {@link CRC32} compiles to a carry-less-multiply loop, several times faster than any
 * table loop in Java, but it reads only arrays and {@link ByteBuffer}s:
 * <ul>
 *   <li>buffers over an array go straight in;</li>
 *   <li>buffers over a direct {@link ByteBuffer} (epoll's receive buffer, a
 *       {@link io.ringwire.protocol.codec.Cumulation}, scratch buffers) go in through a duplicate
 *       of it, made once per backing buffer and then only repositioned (a few are cached, since
 *       one checksum may alternate between the receive buffer and the cumulation);</li>
 *   <li>buffers over a bare address (io_uring's provided buffers) have no {@link ByteBuffer} to
 *       lend, and making one would allocate, so they go in through a small scratch buffer, a
 *       few KiB at a time. The copy stays in L1 and costs less than the table loop it replaces.</li>
 * </ul>
 *
 * <p>Confined to one thread: it keeps the {@link CRC32}, the duplicates and the scratch.
 */
public final class Crc32 {
    private static final int WINDOWS = 4;
    private static final int SCRATCH = 4096;

    private final CRC32 jdk = new CRC32();
    private final ByteBuffer[] sources = new ByteBuffer[WINDOWS];
    private final ByteBuffer[] windows = new ByteBuffer[WINDOWS];
    private int nextWindow;
    private ByteBuffer scratch;
    private UnsafeBuffer scratchView;

    /** The CRC-32 of {@code buffer[offset, offset+length)}. */
    public int of(DirectBuffer buffer, int offset, int length) {
        jdk.reset();
        update(buffer, offset, length);
        return (int) jdk.getValue();
    }

    /** The CRC-32 of {@code a[aOffset, +aLength)} followed by {@code b[bOffset, +bLength)}. */
    public int of(DirectBuffer a, int aOffset, int aLength, DirectBuffer b, int bOffset, int bLength) {
        jdk.reset();
        update(a, aOffset, aLength);
        update(b, bOffset, bLength);
        return (int) jdk.getValue();
    }

    private void update(DirectBuffer buffer, int offset, int length) {
        buffer.boundsCheck(offset, length);
        if (length == 0) {
            return;
        }
        byte[] array = buffer.byteArray();
        if (array != null) {
            jdk.update(array, buffer.wrapAdjustment() + offset, length);
            return;
        }
        ByteBuffer source = buffer.byteBuffer();
        if (source != null && source.isDirect()) {
            ByteBuffer window = window(source);
            int start = buffer.wrapAdjustment() + offset;
            window.clear();
            window.limit(start + length);
            window.position(start);
            jdk.update(window);
            return;
        }
        updateThroughScratch(buffer, offset, length);
    }

    private ByteBuffer window(ByteBuffer source) {
        for (int i = 0; i < WINDOWS; i++) {
            if (sources[i] == source) {
                return windows[i];
            }
        }
        int i = nextWindow;
        nextWindow = (i + 1) % WINDOWS;
        sources[i] = source;
        windows[i] = source.duplicate();
        return windows[i];
    }

    private void updateThroughScratch(DirectBuffer buffer, int offset, int length) {
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(SCRATCH);
            scratchView = new UnsafeBuffer(scratch);
        }
        for (int done = 0; done < length; ) {
            int n = Math.min(SCRATCH, length - done);
            scratchView.putBytes(0, buffer, offset + done, n);
            scratch.clear();
            scratch.limit(n);
            jdk.update(scratch);
            done += n;
        }
    }
}

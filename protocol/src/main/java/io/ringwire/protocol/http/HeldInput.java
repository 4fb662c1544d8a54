package io.ringwire.protocol.http;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Input that arrived but was not decoded yet because decoding paused (see
 * {@link HttpServerHandler}): kept in order, copied out of the transport's receive buffer, which
 * is only lent for one call. Reading is paused meanwhile, so it holds at most about one read's
 * worth. The buffer is made on first use and kept for the connection's life. Loop thread only.
 */
final class HeldInput {
    private ExpandableArrayBuffer buffer;
    private int start;
    private int end;

    boolean isEmpty() {
        return start == end;
    }

    /** Appends a copy of {@code src[offset, offset+length)} after what is held. */
    void append(DirectBuffer src, int offset, int length) {
        if (length == 0) {
            return;
        }
        if (buffer == null) {
            buffer = new ExpandableArrayBuffer(Math.max(length, 4096));
        } else if (start > 0) {
            buffer.putBytes(0, buffer, start, end - start); // keep it from growing by what was consumed
            end -= start;
            start = 0;
        }
        buffer.putBytes(end, src, offset, length);
        end += length;
    }

    DirectBuffer buffer() {
        return buffer;
    }

    /** Where the held bytes start in {@link #buffer()}. */
    int start() {
        return start;
    }

    int size() {
        return end - start;
    }

    /** The first {@code n} held bytes were decoded. */
    void consumed(int n) {
        start += n;
        if (start == end) {
            start = 0;
            end = 0;
        }
    }

    void clear() {
        start = 0;
        end = 0;
    }
}

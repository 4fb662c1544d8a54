package io.ringwire.protocol.codec;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Finding a byte in a buffer eight bytes a step (SWAR: SIMD within a register), the inner loop of
 * every delimiter scan. Stateless and thread-safe.
 */
public final class ByteSearch {
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;

    private ByteSearch() {
    }

    /**
     * The index of the first {@code value} in {@code buffer[from, end)}, or -1.
     *
     * <p>How: XOR with {@code value} in every byte turns a match into a zero byte, and
     * {@code (v - 0x01..) & ~v & 0x80..} flags zero bytes. Only the lowest flag is exact (a borrow
     * can flag a byte above a zero, never below), and reading little-endian makes the lowest flag
     * the first byte in memory.
     */
    public static int indexOf(DirectBuffer buffer, int from, int end, byte value) {
        long pattern = ONES * (value & 0xFF);
        int i = from;
        for (; end - i >= 8; i += 8) {
            long v = buffer.getLong(i, ByteOrder.LITTLE_ENDIAN) ^ pattern;
            long zero = (v - ONES) & ~v & HIGHS;
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (buffer.getByte(i) == value) {
                return i;
            }
        }
        return -1;
    }
}

package io.ringwire.testutil;

import java.util.Random;
import java.util.zip.CRC32;

/** Payloads for tests: random bytes, sizes spread over orders of magnitude, and a checkable stream. */
public final class TestData {
    private TestData() {
    }

    public static byte[] random(Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }

    /**
     * A size in {@code [1, max]} whose logarithm is uniform: as many payloads of a few bytes as of
     * a few hundred kilobytes, so both small-write and large-write paths get exercised.
     */
    public static int logUniformSize(Random rnd, int max) {
        double exp = rnd.nextDouble() * Math.log(max);
        return (int) Math.max(1, Math.min(max, Math.round(Math.exp(exp))));
    }

    /** Byte {@code offset} of an endless stream that a reader can check without keeping a copy. */
    public static byte streamByte(long offset) {
        return (byte) (offset ^ (offset >>> 8) ^ (offset >>> 16) ^ 0x5A);
    }

    /** Fills {@code dst[0, length)} with the stream's bytes from {@code offset}. */
    public static void fillStream(byte[] dst, int length, long offset) {
        for (int i = 0; i < length; i++) {
            dst[i] = streamByte(offset + i);
        }
    }

    /** Queues the stream's first {@code length} bytes on {@code c}, in 64 KiB writes, and flushes. */
    public static void writeStream(io.ringwire.Connection c, int length) {
        byte[] slice = new byte[64 * 1024];
        for (int at = 0; at < length; at += slice.length) {
            int n = Math.min(slice.length, length - at);
            fillStream(slice, n, at);
            c.write(slice, 0, n);
        }
        c.flush();
    }

    /** Index of the first byte of {@code buf[0, length)} that differs from the stream at {@code offset}; -1 if none. */
    public static int firstStreamMismatch(byte[] buf, int length, long offset) {
        for (int i = 0; i < length; i++) {
            if (buf[i] != streamByte(offset + i)) {
                return i;
            }
        }
        return -1;
    }

    public static long crc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    /** A failure message for two payloads that should be equal, naming the first difference. */
    public static String describeMismatch(byte[] expected, byte[] actual) {
        int n = Math.min(expected.length, actual.length);
        int at = -1;
        for (int i = 0; i < n; i++) {
            if (expected[i] != actual[i]) {
                at = i;
                break;
            }
        }
        return "expected " + expected.length + " bytes (crc " + Long.toHexString(crc(expected)) + "), got "
                + actual.length + " (crc " + Long.toHexString(crc(actual)) + ")"
                + (at >= 0 ? ", first difference at byte " + at : ", equal over the common prefix");
    }
}

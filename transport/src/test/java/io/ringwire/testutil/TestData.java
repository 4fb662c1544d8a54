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

    /**
     * Byte {@code offset} of an endless stream that a reader can check without keeping a copy:
     * the SplitMix64 finaliser of {@code offset / 8}, little-endian. It repeats nowhere a test
     * can reach, so a block sent twice or skipped changes a digest; a stream that depended on
     * the low bits of the offset only (as one did, on 24 bits) would hide a whole block sent at
     * the wrong 16 MiB.
     */
    public static byte streamByte(long offset) {
        return (byte) (word(offset >>> 3) >>> ((offset & 7) << 3));
    }

    /** SplitMix64's finaliser of {@code index}: 8 stream bytes. */
    private static long word(long index) {
        long z = (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Fills {@code dst[0, length)} with the stream's bytes from {@code offset}. */
    public static void fillStream(byte[] dst, int length, long offset) {
        long w = word(offset >>> 3);
        for (int i = 0; i < length; i++) {
            long at = offset + i;
            if ((at & 7) == 0) {
                w = word(at >>> 3); // one word per 8 bytes, not per byte
            }
            dst[i] = (byte) (w >>> ((at & 7) << 3));
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
        long w = word(offset >>> 3);
        for (int i = 0; i < length; i++) {
            long at = offset + i;
            if ((at & 7) == 0) {
                w = word(at >>> 3);
            }
            if (buf[i] != (byte) (w >>> ((at & 7) << 3))) {
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

package io.ringwire.protocol.testutil;

import java.util.Arrays;
import java.util.Random;

/**
 * Seeded random mutation of valid input, for fuzz tests: flipped bits, replaced bytes, inserted
 * and deleted runs, duplicated runs, and bytes that parsers care about (0, 0xFF, CR, LF, digits,
 * colons, spaces). A failing seed reproduces the exact input.
 */
public final class Mutator {
    private static final byte[] INTERESTING = {0, (byte) 0xFF, 0x7F, (byte) 0x80, '\r', '\n', ' ', ':', ';', '0', '9', 'f', 'F', 'x', 'B', 'M', 1};

    private Mutator() {
    }

    public static byte[] mutate(byte[] valid, long seed) {
        Random r = new Random(seed);
        byte[] b = valid.clone();
        int mutations = 1 + r.nextInt(8);
        for (int m = 0; m < mutations; m++) {
            b = mutateOnce(b, r);
        }
        return b;
    }

    private static byte[] mutateOnce(byte[] b, Random r) {
        if (b.length == 0) {
            return randomBytes(r, 1 + r.nextInt(64));
        }
        int at = r.nextInt(b.length);
        switch (r.nextInt(7)) {
            case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
            case 1 -> b[at] = (byte) r.nextInt(256);
            case 2 -> b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
            case 3 -> {
                byte[] ins = r.nextBoolean() ? randomBytes(r, 1 + r.nextInt(16))
                        : new byte[] {INTERESTING[r.nextInt(INTERESTING.length)]};
                return splice(b, at, 0, ins);
            }
            case 4 -> {
                return splice(b, at, Math.min(b.length - at, 1 + r.nextInt(16)), new byte[0]);
            }
            case 5 -> {
                int len = Math.min(b.length - at, 1 + r.nextInt(32));
                return splice(b, at, 0, Arrays.copyOfRange(b, at, at + len));
            }
            default -> {
                return Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncate
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    public static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}

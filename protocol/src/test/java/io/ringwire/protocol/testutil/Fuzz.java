package io.ringwire.protocol.testutil;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringwire.protocol.codec.CodecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * One fuzz case: feeds {@code input} in random pieces and checks the two promises every decoder
 * makes on any input: it throws nothing but a {@link CodecException}, and it never reserves more
 * memory than its limit allows, checked after every piece.
 */
public final class Fuzz {
    private Fuzz() {
    }

    /** @return the codec error thrown, or null if the input decoded without one */
    public static CodecException run(byte[] input, long seed, Feeder.Kind kind, Feeder.Decode decoder,
                                     IntSupplier reserved, long maxReserved) {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        List<Integer> pieces = new ArrayList<>();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            pieces.add(1 + r.nextInt(1 + r.nextInt(200)));
        }
        try (Feeder feeder = new Feeder(kind)) {
            feeder.feed(input, pieces, (b, o, l) -> {
                try {
                    decoder.decode(b, o, l);
                } finally {
                    assertTrue(reserved.getAsInt() <= maxReserved,
                            "reserved " + reserved.getAsInt() + " bytes, over the bound of " + maxReserved);
                }
            });
            return null;
        } catch (CodecException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a codec error must say what was wrong");
            return e;
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            fail("seed " + seed + ": only codec errors may escape a decoder, got " + t, t);
            return null;
        }
    }
}

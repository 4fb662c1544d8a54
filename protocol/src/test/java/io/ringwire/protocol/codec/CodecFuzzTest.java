package io.ringwire.protocol.codec;

import io.ringwire.protocol.testutil.Feeder;
import io.ringwire.protocol.testutil.Fuzz;
import io.ringwire.protocol.testutil.Mutator;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Seeded mutation fuzzing of the length-field and delimiter decoders: mutated valid streams and
 * plain garbage. No input may throw anything but a {@link CodecException}, and none may make a
 * decoder reserve more than its limit (rounded up to the cumulation's first allocation).
 */
class CodecFuzzTest {
    private static final int FIRST_ALLOCATION = 512;

    @Property(tries = 1500)
    void lengthFieldDecoderThrowsOnlyCodecErrorsAndStaysWithinItsLimit(@ForAll long seed,
                                                                       @ForAll @IntRange(min = 0, max = 3) int sizeIndex,
                                                                       @ForAll Feeder.Kind kind) {
        int size = new int[] {1, 2, 4, 8}[sizeIndex];
        Random r = new Random(seed);
        LengthFieldFormat format = LengthFieldFormat.builder().fieldOffset(r.nextInt(3)).fieldSize(size)
                .order(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
                .adjustment(r.nextInt(9) - 4 - size).bytesToStrip(0).maxFrame(100 + r.nextInt(2000)).build();
        List<byte[]> frames = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            int payload = r.nextInt(300);
            long value = format.fieldOffset() + size + payload - format.headerLength() - format.adjustment();
            byte[] f = Mutator.randomBytes(r, format.headerLength() + payload);
            org.agrona.concurrent.UnsafeBuffer fb = new org.agrona.concurrent.UnsafeBuffer(f);
            if (value >= 0 && (size == 8 || value < 1L << (8 * size))) {
                switch (size) {
                    case 1 -> fb.putByte(format.fieldOffset(), (byte) value);
                    case 2 -> fb.putShort(format.fieldOffset(), (short) value, format.order());
                    case 4 -> fb.putInt(format.fieldOffset(), (int) value, format.order());
                    default -> fb.putLong(format.fieldOffset(), value, format.order());
                }
            }
            frames.add(f);
        }
        byte[] input = Mutator.mutate(io.ringwire.protocol.testutil.Bytes.concat(frames), seed);
        LengthFieldDecoder decoder = new LengthFieldDecoder(format, (b, o, l) -> true);
        Fuzz.run(input, seed, kind, decoder::decode, decoder::reservedBytes,
                Math.max(format.maxFrame(), FIRST_ALLOCATION));
    }

    @Property(tries = 1500)
    void delimiterDecoderThrowsOnlyCodecErrorsAndStaysWithinItsLimit(@ForAll long seed,
                                                                     @ForAll LineDelimiter delimiter,
                                                                     @ForAll Feeder.Kind kind) {
        Random r = new Random(seed);
        int max = r.nextInt(300);
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(10); i > 0; i--) {
            sb.append("x".repeat(r.nextInt(max + 1))).append(r.nextBoolean() ? "\r\n" : "\n");
        }
        byte[] input = Mutator.mutate(io.ringwire.protocol.testutil.Bytes.ascii(sb.toString()), seed);
        DelimiterDecoder decoder = new DelimiterDecoder(delimiter, max, (b, o, l) -> {
            if (l > max) {
                throw new AssertionError("a line of " + l + " bytes passed the limit of " + max);
            }
            return true;
        });
        Fuzz.run(input, seed, kind, decoder::decode, decoder::reservedBytes, Math.max(max + 2, FIRST_ALLOCATION));
    }
}

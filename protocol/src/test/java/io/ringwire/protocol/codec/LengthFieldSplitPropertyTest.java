package io.ringwire.protocol.codec;

import static io.ringwire.protocol.testutil.Bytes.copy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringwire.protocol.testutil.Bytes;
import io.ringwire.protocol.testutil.Feeder;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

/** Any split of a valid length-field stream, in any kind of buffer, decodes to the same frames. */
class LengthFieldSplitPropertyTest {

    @Provide
    Arbitrary<List<byte[]>> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(250).list().ofMaxSize(20);
    }

    @Property(tries = 300)
    void anySplitDecodesTheSame(@ForAll("payloads") List<byte[]> payloads,
                                @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 40) Integer> pieces,
                                @ForAll @IntRange(min = 0, max = 3) int sizeIndex,
                                @ForAll boolean bigEndian,
                                @ForAll Feeder.Kind kind) throws Exception {
        int size = new int[] {1, 2, 4, 8}[sizeIndex];
        LengthFieldFormat format = LengthFieldFormat.builder().fieldSize(size)
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
                .adjustment(size == 1 ? 0 : -size) // some formats count the field itself
                .maxFrame(400).build();
        byte[] stream = encode(format, payloads);
        List<byte[]> decoded = new ArrayList<>();
        LengthFieldDecoder decoder = new LengthFieldDecoder(format, (b, o, l) -> decoded.add(copy(b, o, l)));
        try (Feeder feeder = new Feeder(kind)) {
            feeder.feed(stream, pieces, decoder::decode);
        }
        assertEquals(payloads.size(), decoded.size());
        for (int i = 0; i < payloads.size(); i++) {
            assertArrayEquals(payloads.get(i), decoded.get(i), "frame " + i);
        }
        assertEquals(0, decoder.bufferedBytes());
    }

    static byte[] encode(LengthFieldFormat format, List<byte[]> payloads) {
        LengthFieldEncoder encoder = new LengthFieldEncoder(format);
        List<byte[]> parts = new ArrayList<>();
        for (byte[] p : payloads) {
            UnsafeBuffer header = new UnsafeBuffer(new byte[8]);
            int n = encoder.encodeHeader(header, 0, p.length);
            parts.add(copy(header, 0, n));
            parts.add(p);
        }
        return Bytes.concat(parts);
    }
}

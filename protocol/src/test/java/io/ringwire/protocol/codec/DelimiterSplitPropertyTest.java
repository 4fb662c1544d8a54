package io.ringwire.protocol.codec;

import static io.ringwire.protocol.testutil.Bytes.copy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringwire.protocol.testutil.Bytes;
import io.ringwire.protocol.testutil.Feeder;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Any split of a valid line stream decodes to the same lines, for every delimiter. */
class DelimiterSplitPropertyTest {
    private static final int MAX = 64;

    /** Lines over a small alphabet rich in line-end bytes, so ends and near-ends are common. */
    @Provide
    Arbitrary<List<byte[]>> lines() {
        return Arbitraries.of((byte) 'a', (byte) '\r', (byte) '\n', (byte) 'z', (byte) 0)
                .array(byte[].class).ofMaxSize(MAX).list().ofMaxSize(20);
    }

    @Property(tries = 300)
    void anySplitDecodesTheSame(@ForAll("lines") List<byte[]> raw,
                                @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 20) Integer> pieces,
                                @ForAll LineDelimiter delimiter,
                                @ForAll Feeder.Kind kind) throws Exception {
        DelimiterEncoder encoder = new DelimiterEncoder(delimiter, MAX);
        List<byte[]> lines = new ArrayList<>();
        List<byte[]> parts = new ArrayList<>();
        for (byte[] line : raw) {
            if (!encodable(encoder, line)) {
                continue;
            }
            lines.add(line);
            parts.add(line);
            parts.add(delimiter.encoded());
        }
        List<byte[]> decoded = new ArrayList<>();
        DelimiterDecoder decoder = new DelimiterDecoder(delimiter, MAX, (b, o, l) -> decoded.add(copy(b, o, l)));
        try (Feeder feeder = new Feeder(kind)) {
            feeder.feed(Bytes.concat(parts), pieces, decoder::decode);
        }
        assertEquals(lines.size(), decoded.size());
        for (int i = 0; i < lines.size(); i++) {
            assertArrayEquals(lines.get(i), decoded.get(i), "line " + i);
        }
        assertEquals(0, decoder.bufferedBytes());
    }

    private static boolean encodable(DelimiterEncoder encoder, byte[] line) {
        try {
            encoder.check(new org.agrona.concurrent.UnsafeBuffer(line), 0, line.length);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

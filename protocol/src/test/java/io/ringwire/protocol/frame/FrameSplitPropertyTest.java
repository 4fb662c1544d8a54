package io.ringwire.protocol.frame;

import static io.ringwire.protocol.testutil.Bytes.copy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringwire.protocol.testutil.Bytes;
import io.ringwire.protocol.testutil.Feeder;
import io.ringwire.protocol.testutil.TestFrames;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Any split of a valid frame stream, in any buffer kind, decodes to the same frames. */
class FrameSplitPropertyTest {
    record Sent(int cmd, byte[] body) {
    }

    @Provide
    Arbitrary<List<Sent>> frames() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(2000))
                .as(Sent::new).list().ofMaxSize(12);
    }

    @Property(tries = 300)
    void anySplitDecodesTheSame(@ForAll("frames") List<Sent> frames,
                                @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 700) Integer> pieces,
                                @ForAll Feeder.Kind kind) throws Exception {
        List<byte[]> parts = new ArrayList<>();
        for (Sent s : frames) {
            parts.add(TestFrames.frame(s.cmd, s.body));
        }
        List<Sent> decoded = new ArrayList<>();
        FrameDecoder decoder = new FrameDecoder(2000, (cmd, b, o, l) -> decoded.add(new Sent(cmd, copy(b, o, l))));
        try (Feeder feeder = new Feeder(kind)) {
            feeder.feed(Bytes.concat(parts), pieces, decoder::decode);
        }
        assertEquals(frames.size(), decoded.size());
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(frames.get(i).cmd, decoded.get(i).cmd, "cmd of frame " + i);
            assertArrayEquals(frames.get(i).body, decoded.get(i).body, "body of frame " + i);
        }
        assertEquals(0, decoder.bufferedBytes());
    }
}

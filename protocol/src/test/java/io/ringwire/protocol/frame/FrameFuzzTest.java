package io.ringwire.protocol.frame;

import io.ringwire.protocol.testutil.Bytes;
import io.ringwire.protocol.testutil.Feeder;
import io.ringwire.protocol.testutil.Fuzz;
import io.ringwire.protocol.testutil.Mutator;
import io.ringwire.protocol.testutil.TestFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Seeded mutation fuzzing of the frame decoder. Only {@link FrameException}s may escape, and the
 * decoder never reserves more than 13 + the body limit, however the header lies.
 */
class FrameFuzzTest {
    private static final int MAX_BODY = 4096;

    @Property(tries = 2000)
    void onlyFrameErrorsAndNeverMoreThanTheLimitReserved(@ForAll long seed, @ForAll Feeder.Kind kind) {
        Random r = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        for (int i = r.nextInt(6); i > 0; i--) {
            frames.add(TestFrames.frame(r.nextInt(8), Mutator.randomBytes(r, r.nextInt(r.nextBoolean() ? 64 : MAX_BODY))));
        }
        byte[] input = Mutator.mutate(Bytes.concat(frames), seed);
        FrameDecoder decoder = new FrameDecoder(MAX_BODY, (cmd, b, o, l) -> true);
        var error = Fuzz.run(input, seed, kind, decoder::decode, decoder::reservedBytes, FrameFormat.HEADER_LENGTH + MAX_BODY);
        if (error != null && !(error instanceof FrameException)) {
            throw new AssertionError("seed " + seed + ": the frame decoder threw a " + error.getClass().getSimpleName(), error);
        }
    }
}

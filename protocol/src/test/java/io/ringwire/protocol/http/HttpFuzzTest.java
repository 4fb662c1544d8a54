package io.ringwire.protocol.http;

import io.ringwire.protocol.testutil.Bytes;
import io.ringwire.protocol.testutil.Feeder;
import io.ringwire.protocol.testutil.Fuzz;
import io.ringwire.protocol.testutil.Mutator;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Seeded mutation fuzzing of the request decoder. Only {@link HttpException}s may escape, always
 * with one of the statuses the server answers with, and the decoder never reserves more than
 * head limit + body limit.
 */
class HttpFuzzTest {
    private static final HttpServerConfig SMALL = HttpServerConfig.builder().maxHead(1024).maxBody(4096).maxHeaders(10).build();

    @Property(tries = 3000)
    void onlyHttpErrorsAndNeverMoreThanTheLimitsReserved(@ForAll long seed, @ForAll Feeder.Kind kind) {
        Random r = new Random(seed);
        StringBuilder stream = new StringBuilder();
        for (int i = r.nextInt(5); i > 0; i--) {
            stream.append(HttpSplitPropertyTest.random(r, i).wire());
        }
        byte[] input = Mutator.mutate(Bytes.ascii(stream.toString()), seed);
        HttpRequestDecoder decoder = new HttpRequestDecoder(SMALL, req -> {
            if (req.bodyLength() > SMALL.maxBody()) {
                throw new AssertionError("a body of " + req.bodyLength() + " bytes passed the limit");
            }
            return true;
        });
        var error = Fuzz.run(input, seed, kind, decoder::decode, decoder::reservedBytes,
                (long) SMALL.maxHead() + SMALL.maxBody() + 1);
        if (error != null) {
            if (!(error instanceof HttpException h)) {
                throw new AssertionError("seed " + seed + ": threw a " + error.getClass().getSimpleName(), error);
            }
            int s = h.status();
            if (s != 400 && s != 413 && s != 431 && s != 501 && s != 505) {
                throw new AssertionError("seed " + seed + ": status " + s + " is not one the server answers with");
            }
        }
    }
}

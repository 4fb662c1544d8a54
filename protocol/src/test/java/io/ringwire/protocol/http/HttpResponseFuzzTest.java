package io.ringwire.protocol.http;

import io.ringwire.protocol.codec.CodecException;
import io.ringwire.protocol.testutil.Bytes;
import io.ringwire.protocol.testutil.Feeder;
import io.ringwire.protocol.testutil.Fuzz;
import io.ringwire.protocol.testutil.Mutator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.agrona.DirectBuffer;

/**
 * Seeded mutation fuzzing of the response decoder, which parses what an untrusted server sends.
 * A stream of valid responses (fixed-length, chunked, bodiless, interim, answers to HEAD) is
 * mutated and fed in random pieces. Only {@link HttpException}s may escape; no body is reported
 * past the body limit; and the decoder never reserves more than the head limit plus one slice
 * of chunk data, however large a body the mutated stream announces.
 */
class HttpResponseFuzzTest {
    private static final int MAX_HEAD = 1024;
    private static final long MAX_BODY = 4096;
    private static final long MAX_RESERVED = MAX_HEAD + 64 * 1024 + 1;

    /** One response on the wire, and whether its request was a HEAD. */
    record Response(boolean head, String wire) {
    }

    static Response random(Random r) {
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(6) == 0) {
            sb.append("HTTP/1.1 100 Continue\r\n\r\n");
        }
        int[] statuses = {200, 201, 204, 304, 404, 500};
        int status = statuses[r.nextInt(statuses.length)];
        boolean head = r.nextInt(5) == 0;
        String eol = r.nextInt(8) == 0 ? "\n" : "\r\n";
        sb.append(r.nextBoolean() ? "HTTP/1.1 " : "HTTP/1.0 ").append(status).append(" Reason").append(eol);
        for (int i = r.nextInt(3); i > 0; i--) {
            sb.append("X-F").append(i).append(": v").append(r.nextInt(1000)).append(eol);
        }
        String body = "b".repeat(r.nextInt(64));
        boolean bodiless = head || status == 204 || status == 304;
        if (r.nextBoolean()) {
            sb.append("Content-Length: ").append(body.length()).append(eol).append("Connection: keep-alive").append(eol).append(eol);
            if (!bodiless) {
                sb.append(body);
            }
        } else {
            sb.append("Transfer-Encoding: chunked").append(eol).append(eol);
            if (!bodiless) {
                for (int at = 0; at < body.length(); ) {
                    int n = Math.min(body.length() - at, 1 + r.nextInt(20));
                    sb.append(Integer.toHexString(n)).append(r.nextInt(4) == 0 ? ";ext=1" : "").append("\r\n")
                            .append(body, at, at + n).append("\r\n");
                    at += n;
                }
                sb.append("0\r\n").append(r.nextInt(4) == 0 ? "X-Trailer: 1\r\n" : "").append("\r\n");
            }
        }
        return new Response(head, sb.toString());
    }

    @Property(tries = 3000)
    void onlyHttpErrorsAndNeverMoreThanTheLimits(@ForAll long seed, @ForAll Feeder.Kind kind) {
        Random r = new Random(seed);
        List<Response> responses = new ArrayList<>();
        StringBuilder stream = new StringBuilder();
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
            Response one = random(r);
            responses.add(one);
            stream.append(one.wire());
        }
        byte[] input = Mutator.mutate(Bytes.ascii(stream.toString()), seed);
        HttpResponseDecoder[] decoder = new HttpResponseDecoder[1];
        boolean[] closed = {false};
        decoder[0] = new HttpResponseDecoder(MAX_HEAD, MAX_BODY, new HttpResponseDecoder.Listener() {
            private int next = 1;
            private long body;

            @Override
            public void onHead(HttpResponseHead head) {
                body = 0;
                if (head.status() < 100 || head.status() > 999) {
                    throw new AssertionError("seed " + seed + ": status " + head.status() + " passed");
                }
            }

            @Override
            public void onBody(DirectBuffer buffer, int offset, int length) {
                body += length;
                if (body > MAX_BODY) {
                    throw new AssertionError("seed " + seed + ": a body of " + body + " bytes passed the limit of " + MAX_BODY);
                }
            }

            @Override
            public void onEnd() {
                if (next < responses.size() && !closed[0]) { // after the server's close, nothing more is expected
                    decoder[0].expect(responses.get(next++).head());
                }
            }
        });
        decoder[0].expect(responses.get(0).head());
        try {
            CodecException error = Fuzz.run(input, seed, kind, decoder[0]::decode, decoder[0]::reservedBytes, MAX_RESERVED);
            if (error != null && !(error instanceof HttpException)) {
                throw new AssertionError("seed " + seed + ": threw a " + error.getClass().getSimpleName(), error);
            }
            closed[0] = true;
            decoder[0].onEof(); // the server closes: a clean end or a cut response, never an exception
        } finally {
            decoder[0].close();
        }
    }
}

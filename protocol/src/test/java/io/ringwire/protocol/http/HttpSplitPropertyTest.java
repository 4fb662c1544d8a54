package io.ringwire.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringwire.protocol.testutil.Bytes;
import io.ringwire.protocol.testutil.Feeder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Any split of a valid stream of pipelined requests (random methods, targets, headers, and
 * bodies by Content-Length or in random chunks) decodes to the same requests.
 */
class HttpSplitPropertyTest {
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "PURGE"};

    record Sent(String method, String path, String target, List<String> headers, String body, String wire) {
    }

    static Sent random(Random r, int index) {
        String method = METHODS[r.nextInt(METHODS.length)];
        String path = "/p" + index + (r.nextBoolean() ? "/x-" + r.nextInt(1000) : "");
        String target = r.nextBoolean() ? path + "?q=" + r.nextInt(100) : path;
        List<String> headers = new ArrayList<>();
        headers.add("Host: h" + r.nextInt(10));
        for (int i = r.nextInt(6); i > 0; i--) {
            headers.add("X-H" + i + ": " + "v".repeat(r.nextInt(40)));
        }
        String body = r.nextInt(3) == 0 ? "" : randomText(r, r.nextInt(r.nextBoolean() ? 30 : 3000));
        boolean chunked = !body.isEmpty() && r.nextBoolean();
        StringBuilder wire = new StringBuilder();
        String eol = r.nextInt(8) == 0 ? "\n" : "\r\n";
        wire.append(method).append(' ').append(target).append(" HTTP/1.1").append(eol);
        for (String h : headers) {
            wire.append(h).append(eol);
        }
        if (chunked) {
            wire.append("Transfer-Encoding: chunked").append(eol).append(eol);
            int at = 0;
            while (at < body.length()) {
                int n = Math.min(body.length() - at, 1 + r.nextInt(500));
                wire.append(Integer.toHexString(n)).append(r.nextBoolean() ? ";x=y" : "").append("\r\n")
                        .append(body, at, at + n).append("\r\n");
                at += n;
            }
            wire.append("0\r\n").append(r.nextBoolean() ? "T: 1\r\n" : "").append("\r\n");
        } else {
            if (!body.isEmpty() || r.nextBoolean()) {
                wire.append("Content-Length: ").append(body.length()).append(eol);
            }
            wire.append(eol).append(body);
        }
        return new Sent(method, path, target, headers, body, wire.toString());
    }

    private static String randomText(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) r.nextInt(256)); // any byte, CR and LF included: bodies are opaque
        }
        return sb.toString();
    }

    @Property(tries = 300)
    void anySplitDecodesTheSame(@ForAll long seed,
                                @ForAll @IntRange(min = 0, max = 12) int count,
                                @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 300) Integer> pieces,
                                @ForAll Feeder.Kind kind) throws Exception {
        Random r = new Random(seed);
        List<Sent> sent = new ArrayList<>();
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Sent s = random(r, i);
            sent.add(s);
            stream.append(s.wire);
        }
        List<Captured> got = new ArrayList<>();
        HttpRequestDecoder decoder = new HttpRequestDecoder(HttpServerConfig.defaults(), req -> got.add(Captured.of(req)));
        try (Feeder feeder = new Feeder(kind)) {
            feeder.feed(Bytes.ascii(stream.toString()), pieces, decoder::decode);
        }
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            Captured c = got.get(i);
            assertEquals(s.method, c.methodName(), "method of " + i);
            assertEquals(s.target, c.target(), "target of " + i);
            assertEquals(s.path, c.path(), "path of " + i);
            assertEquals(s.headers, c.headers().subList(0, s.headers.size()), "headers of " + i);
            assertEquals(s.body, c.body(), "body of " + i);
        }
        assertEquals(0, decoder.bufferedBytes());
    }
}

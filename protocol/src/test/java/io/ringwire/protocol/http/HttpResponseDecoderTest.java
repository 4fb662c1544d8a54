package io.ringwire.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.protocol.codec.CodecException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class HttpResponseDecoderTest {
    /** Records what the decoder reports: "HEAD status", then bodies, then "END". */
    static final class Recorder implements HttpResponseDecoder.Listener {
        final List<HttpResponseHead> heads = new ArrayList<>();
        final List<String> bodies = new ArrayList<>();
        private ByteArrayOutputStream body = new ByteArrayOutputStream();
        int ends;
        /** Run after each end: a client sends its next request, and expects its response, from there. */
        Runnable afterEnd = () -> { };

        @Override
        public void onHead(HttpResponseHead head) {
            heads.add(head);
        }

        @Override
        public void onBody(DirectBuffer buffer, int offset, int length) {
            byte[] b = new byte[length];
            buffer.getBytes(offset, b);
            body.writeBytes(b);
        }

        @Override
        public void onEnd() {
            ends++;
            bodies.add(body.toString(StandardCharsets.ISO_8859_1));
            body = new ByteArrayOutputStream();
            afterEnd.run();
        }
    }

    private final Recorder r = new Recorder();
    private final HttpResponseDecoder d = new HttpResponseDecoder(8192, 1 << 20, r);

    private void feed(String s) throws CodecException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        d.decode(new UnsafeBuffer(b), 0, b.length);
    }

    @Test
    void contentLengthResponse() throws Exception {
        d.expect(false);
        feed("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!");
        HttpResponseHead h = r.heads.get(0);
        assertEquals(200, h.status());
        assertEquals("OK", h.reason());
        assertEquals("text/plain", h.header("content-type"));
        assertTrue(h.keepAlive());
        assertEquals(List.of("Hello, World!"), r.bodies);
        assertFalse(d.inResponse());
    }

    @Test
    void chunkedResponseWithTrailer() throws Exception {
        d.expect(false);
        feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n8;ext=1\r\n, World!\r\n0\r\nX-T: 1\r\n\r\n");
        assertEquals(List.of("Hello, World!"), r.bodies);
        assertTrue(r.heads.get(0).keepAlive());
    }

    @Test
    void aBodyUntilCloseEndsAtEof() throws Exception {
        d.expect(false);
        feed("HTTP/1.0 200 OK\r\n\r\nabc");
        feed("def");
        assertEquals(0, r.ends);
        assertFalse(r.heads.get(0).keepAlive(), "no length: the connection cannot be reused");
        assertFalse(d.onEof(), "a clean end");
        assertEquals(List.of("abcdef"), r.bodies);
    }

    @Test
    void aTruncatedResponseIsReportedAtEof() throws Exception {
        d.expect(false);
        feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        assertTrue(d.onEof());
        assertEquals(0, r.ends);
    }

    @Test
    void headAnd204And304HaveNoBody() throws Exception {
        d.expect(true);
        feed("HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n");
        d.expect(false);
        feed("HTTP/1.1 204 No Content\r\n\r\n");
        d.expect(false);
        feed("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
        assertEquals(3, r.ends);
        assertEquals(List.of("", "", ""), r.bodies);
        assertTrue(r.heads.get(1).keepAlive());
    }

    @Test
    void interimResponsesAreSkipped() throws Exception {
        d.expect(false);
        feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
        assertEquals(1, r.heads.size());
        assertEquals(201, r.heads.get(0).status());
    }

    @Test
    void connectionCloseAndHttp10KeepAlive() throws Exception {
        d.expect(false);
        feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        d.expect(false);
        feed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n");
        d.expect(false);
        feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertFalse(r.heads.get(0).keepAlive());
        assertTrue(r.heads.get(1).keepAlive());
        assertFalse(r.heads.get(2).keepAlive());
    }

    @Test
    void bareLfLineEndsAreAccepted() throws Exception {
        d.expect(false);
        feed("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi");
        assertEquals(List.of("hi"), r.bodies);
    }

    @Test
    void malformedResponsesAreRefused() {
        assertRefused("HTTP/1.1 2000 OK\r\n\r\n", "malformed status line");
        assertRefused("HTTX/1.1 200 OK\r\n\r\n", "malformed status line");
        assertRefused("HTTP/1.1 000 OK\r\n\r\n", "malformed status line");
        assertRefused("HTTP/1.1 099 OK\r\n\r\n", "malformed status line");
        assertRefused("HTTP/2.0 200 OK\r\n\r\n", "not supported");
        assertRefused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "different values");
        assertRefused("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "malformed response Content-Length");
        assertRefused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "both");
        assertRefused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "not supported");
        assertRefused("HTTP/1.1 200 OK\r\nBad Field: 1\r\n\r\n", "malformed response header");
        assertRefused("HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", "over the limit");
        assertRefused("HTTP/1.1 200 OK\r\nX: " + "a".repeat(9000) + "\r\n\r\n", "response head over 8192 bytes");
    }

    @Test
    void bytesNobodyAskedForAreRefused() throws Exception {
        assertThrows(HttpException.class, () -> feed("HTTP/1.1 200 OK\r\n\r\n"));
        d.expect(false);
        assertThrows(HttpException.class, () -> feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n"));
    }

    @Test
    void expectingTwiceIsABug() {
        d.expect(false);
        assertThrows(IllegalStateException.class, () -> d.expect(false));
    }

    private void assertRefused(String response, String messagePart) {
        HttpResponseDecoder fresh = new HttpResponseDecoder(8192, 1 << 20, new Recorder());
        fresh.expect(false);
        byte[] b = response.getBytes(StandardCharsets.ISO_8859_1);
        HttpException e = assertThrows(HttpException.class, () -> fresh.decode(new UnsafeBuffer(b), 0, b.length), response);
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    /**
     * The same three responses, however the stream is cut, decode to the same result: a first
     * piece of {@code first} bytes, then pieces of {@code step}, each handed over in one call (so
     * a blank line, a chunk line or a body may be cut anywhere, including between CR and LF).
     * The next response is expected from within the end of the previous one, as a client does.
     */
    @Property(tries = 300)
    void splitsAnywhereDecodeTheSame(@ForAll @IntRange(min = 1, max = 40) int step, @ForAll @IntRange(min = 0, max = 200) int first)
            throws Exception {
        String stream = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!"
                + "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nno \r\n4\r\nsuch\r\n0\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n";
        Recorder rec = new Recorder();
        HttpResponseDecoder dec = new HttpResponseDecoder(8192, 1 << 20, rec);
        rec.afterEnd = () -> {
            if (rec.ends < 3) {
                dec.expect(false);
            }
        };
        byte[] b = stream.getBytes(StandardCharsets.ISO_8859_1);
        UnsafeBuffer buf = new UnsafeBuffer(b);
        dec.expect(false);
        int pos = 0;
        int cut = Math.min(first, b.length);
        while (pos < b.length) {
            int end = pos == 0 ? Math.max(cut, 1) : Math.min(b.length, pos + step);
            dec.decode(buf, pos, end - pos);
            pos = end;
        }
        assertEquals(List.of("Hello, World!", "no such", ""), rec.bodies);
        assertEquals(List.of(200, 404, 204), rec.heads.stream().map(HttpResponseHead::status).toList());
        assertFalse(dec.inResponse());
        dec.close();
    }

    /** Line ends of every kind, cut between each byte of the blank line: the look-back into the gathered head. */
    @Test
    void aBlankLineCutAnywhereIsFound() throws Exception {
        for (String eol : List.of("\r\n", "\n")) {
            for (String blank : List.of("\r\n", "\n")) {
                String response = "HTTP/1.1 200 OK" + eol + "Content-Length: 2" + eol + blank + "ok";
                byte[] b = response.getBytes(StandardCharsets.ISO_8859_1);
                int headEnd = response.indexOf("ok");
                for (int cut = headEnd - 4; cut <= headEnd; cut++) {
                    Recorder rec = new Recorder();
                    HttpResponseDecoder dec = new HttpResponseDecoder(8192, 1 << 20, rec);
                    dec.expect(false);
                    UnsafeBuffer buf = new UnsafeBuffer(b);
                    dec.decode(buf, 0, cut);
                    dec.decode(buf, cut, b.length - cut);
                    assertEquals(List.of("ok"), rec.bodies, "eol " + eol.length() + ", blank " + blank.length() + ", cut at " + cut);
                    dec.close();
                }
            }
        }
    }
}

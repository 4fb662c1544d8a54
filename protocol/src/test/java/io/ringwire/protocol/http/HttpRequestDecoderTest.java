package io.ringwire.protocol.http;

import static io.ringwire.protocol.testutil.Bytes.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request grammar, framing and limits, at the decoder. */
class HttpRequestDecoderTest {
    private final List<Captured> requests = new ArrayList<>();
    private int continues;
    private HttpRequestDecoder decoder = decoder(HttpServerConfig.defaults());

    private HttpRequestDecoder decoder(HttpServerConfig config) {
        return new HttpRequestDecoder(config, new HttpRequestDecoder.Sink() {
            @Override
            public boolean onRequest(HttpRequest request) {
                requests.add(Captured.of(request));
                return true;
            }

            @Override
            public void onContinueExpected(HttpRequest request) {
                continues++;
            }
        });
    }

    private void feed(String... pieces) throws HttpException {
        for (String p : pieces) {
            byte[] b = ascii(p);
            decoder.decode(new UnsafeBuffer(b), 0, b.length);
        }
    }

    private int status(String... pieces) {
        return assertThrows(HttpException.class, () -> feed(pieces)).status();
    }

    @Test
    void aSimpleGet() throws Exception {
        feed("GET /plaintext?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n");
        Captured r = requests.get(0);
        assertEquals(HttpMethod.GET, r.method());
        assertEquals("/plaintext?x=1", r.target());
        assertEquals("/plaintext", r.path());
        assertEquals(HttpVersion.HTTP_1_1, r.version());
        assertTrue(r.keepAlive(), "keep-alive is the default in 1.1");
        assertEquals(List.of("Host: a", "Accept: */*"), r.headers());
        assertEquals("", r.body());
    }

    @Test
    void aPauseStopsAfterTheRequestAndTheRestDecodesLater() throws Exception {
        HttpRequestDecoder[] self = new HttpRequestDecoder[1];
        decoder = new HttpRequestDecoder(HttpServerConfig.defaults(), request -> {
            requests.add(Captured.of(request));
            self[0].pause(); // one request per call
            return true;
        });
        self[0] = decoder;
        String first = "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
        String second = "GET /b HTTP/1.1\r\nHost: a\r\n\r\n";
        String third = "GET /c HTTP/1.1\r\nHost: a\r\n\r\nGET /d HT"; // and the start of a fourth
        byte[] all = ascii(first + second + third);
        UnsafeBuffer in = new UnsafeBuffer(all);
        int used = decoder.decode(in, 0, all.length);
        assertEquals(first.length(), used, "stopped right after the first request");
        assertEquals(List.of("/a"), requests.stream().map(Captured::path).toList());
        used += decoder.decode(in, used, all.length - used);
        assertEquals(first.length() + second.length(), used);
        used += decoder.decode(in, used, all.length - used);
        assertEquals(all.length - "GET /d HT".length(), used);
        assertEquals(all.length, used + decoder.decode(in, used, all.length - used), "a partial request is taken whole");
        assertEquals(List.of("/a", "/b", "/c"), requests.stream().map(Captured::path).toList());
        assertEquals("abc", requests.get(0).body());
        feed("TP/1.1\r\nHost: a\r\n\r\n");
        assertEquals("/d", requests.get(3).path());
    }

    @Test
    void headerValuesAreTrimmedAndLookupIgnoresCase() throws Exception {
        decoder = new HttpRequestDecoder(HttpServerConfig.defaults(), request -> {
            assertEquals("v  w", request.header("x-THING"));
            assertEquals(-1, request.headerIndex("missing"));
            requests.add(Captured.of(request));
            return true;
        });
        feed("GET / HTTP/1.1\r\nHost: a\r\nX-Thing: \t v  w \t\r\n\r\n");
        assertEquals(1, requests.size());
    }

    @Test
    void contentLengthBodies() throws Exception {
        feed("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals("hello", requests.get(0).body());
    }

    @Test
    void aContentLengthBodySplitAcrossReads() throws Exception {
        feed("POST /p HTTP/1.1\r\nHost: a\r\nContent-Len", "gth: 11\r\n\r\nhello", " ", "world");
        assertEquals("hello world", requests.get(0).body());
    }

    @Test
    void chunkedBodiesWithExtensionsAndTrailers() throws Exception {
        feed("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n"
                + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(2, requests.size());
        assertEquals("hello 0123456789", requests.get(0).body());
        assertEquals("/next", requests.get(1).path());
    }

    @Test
    void pipelinedRequestsComeOutInOrder() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: a\r\n\r\n");
        }
        feed(sb.toString());
        assertEquals(16, requests.size());
        for (int i = 0; i < 16; i++) {
            assertEquals("/r" + i, requests.get(i).path());
        }
    }

    @Test
    void connectionCloseAndHttp10KeepAliveRules() throws Exception {
        feed("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n",
                "GET / HTTP/1.0\r\n\r\n",
                "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n");
        assertFalse(requests.get(0).keepAlive());
        assertFalse(requests.get(1).keepAlive(), "1.0 closes by default");
        assertEquals(HttpVersion.HTTP_1_0, requests.get(1).version());
        assertTrue(requests.get(2).keepAlive());
        assertTrue(requests.get(3).keepAlive());
    }

    @Test
    void emptyLinesBeforeARequestAndBareLfLineEndsAreAccepted() throws Exception {
        feed("\r\n\r\nGET /a HTTP/1.1\nHost: a\n\n");
        assertEquals("/a", requests.get(0).path());
    }

    @Test
    void absoluteAndAsteriskFormTargets() throws Exception {
        feed("GET http://example.com/x?y HTTP/1.1\r\nHost: example.com\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals("/x", requests.get(0).path());
        assertEquals("*", requests.get(1).path());
    }

    @Test
    void aHigherMinorVersionIsServedAsHttp11() throws Exception {
        feed("GET / HTTP/1.7\r\nHost: a\r\n\r\n");
        assertEquals(HttpVersion.HTTP_1_1, requests.get(0).version());
    }

    @Test
    void unknownMethodsAreTokensNotErrors() throws Exception {
        feed("BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(HttpMethod.OTHER, requests.get(0).method());
        assertEquals("BREW", requests.get(0).methodName());
    }

    @Test
    void expectContinueIsSignalledBeforeTheBody() throws Exception {
        feed("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        assertEquals(1, continues);
        assertTrue(requests.isEmpty());
        feed("ok");
        assertEquals("ok", requests.get(0).body());
    }

    @Test
    void aHeadOfExactlyTheLimitPassesAndOneByteMoreGets431() throws Exception {
        String start = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
        String end = "\r\n\r\n";
        String exact = start + "v".repeat(8192 - start.length() - end.length()) + end;
        assertEquals(8192, exact.length());
        feed(exact);
        assertEquals(1, requests.size());
        String over = start + "v".repeat(8193 - start.length() - end.length()) + end;
        assertEquals(431, status(over));
    }

    @Test
    void aHeadOverTheLimitGets431EvenIfItNeverEnds() {
        assertEquals(431, status("GET / HTTP/1.1\r\n", "X: " + "v".repeat(5000), "v".repeat(5000)));
        assertTrue(decoder.reservedBytes() <= 16 * 1024, "reserved " + decoder.reservedBytes());
    }

    @Test
    void tooManyHeaderFieldsGet431() {
        HttpServerConfig few = HttpServerConfig.builder().maxHeaders(3).build();
        decoder = decoder(few);
        assertEquals(431, status("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"));
    }

    @Test
    void aBodyOverTheLimitGets413FromItsHeadAlone() {
        decoder = decoder(HttpServerConfig.builder().maxBody(100).build());
        assertEquals(413, status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n"));
        assertTrue(decoder.reservedBytes() <= 1024, "reserved " + decoder.reservedBytes());
    }

    @Test
    void aChunkedBodyOverTheLimitGets413AsSoonAsItsSizeSaysSo() {
        decoder = decoder(HttpServerConfig.builder().maxBody(100).build());
        assertEquals(413, status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" + "x".repeat(80)
                + "\r\n15\r\n"));
        decoder = decoder(HttpServerConfig.builder().maxBody(100).build());
        assertEquals(413, status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff"));
    }

    @Test
    void aHugeContentLengthIs413NotAnOverflow() {
        assertEquals(413, status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET\r\n\r\n",
        "GET / \r\nHost: a\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
        "GET / HTTX/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1x\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\u0000\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET nohost HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
        "G\u00c9T / HTTP/1.1\r\nHost: a\r\n\r\n",
    })
    void malformedRequestsGet400(String request) {
        assertEquals(400, status(request));
    }

    @Test
    void anUnknownTransferCodingGets501() {
        assertEquals(501, status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/0.9", "HTTP/3.0"})
    void otherVersionsGet505(String version) {
        assertEquals(505, status("GET / " + version + "\r\nHost: a\r\n\r\n"));
    }

    @Test
    void afterAnErrorTheDecoderStops() throws Exception {
        assertEquals(400, status("BAD\r\n\r\n"));
        feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(requests.isEmpty(), "no request is decoded from a stream that lost its framing");
    }

    @Test
    void theSinkCanStopDecoding() throws Exception {
        decoder = new HttpRequestDecoder(HttpServerConfig.defaults(), r -> {
            requests.add(Captured.of(r));
            return false;
        });
        feed("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(1, requests.size());
    }
}

package io.ringwire.protocol.http;

import java.util.ArrayList;
import java.util.List;

/** A request copied out of the decoder's lent view, for assertions after the call. */
record Captured(HttpMethod method, String methodName, String target, String path, HttpVersion version,
                boolean keepAlive, List<String> headers, String body) {

    static Captured of(HttpRequest r) {
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < r.headerCount(); i++) {
            headers.add(r.headerName(i) + ": " + r.headerValue(i));
        }
        byte[] body = new byte[r.bodyLength()];
        r.body().getBytes(r.bodyOffset(), body);
        return new Captured(r.method(), r.methodName(), r.target(), r.path(), r.version(), r.keepAlive(), headers,
                new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}

package io.ringwire.protocol.http;

import java.nio.charset.StandardCharsets;

/**
 * A response header field checked and encoded once ({@code Content-Type: text/plain\r\n}), for
 * handlers that send the same field on every response: {@link HttpResponse#header(HttpHeader)}
 * then costs one copy. Immutable and thread-safe; make them once, as constants.
 */
public final class HttpHeader {
    private final String name;
    private final String value;
    final byte[] line;

    private HttpHeader(String name, String value, byte[] line) {
        this.name = name;
        this.value = value;
        this.line = line;
    }

    /**
     * @throws IllegalArgumentException on the same grounds as {@link HttpResponse#header(CharSequence, CharSequence)}
     */
    public static HttpHeader of(String name, String value) {
        HttpResponse check = new HttpResponse();
        check.header(name, value); // one set of rules, one place
        byte[] line = (name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        return new HttpHeader(name, value, line);
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}

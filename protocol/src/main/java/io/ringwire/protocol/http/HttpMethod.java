package io.ringwire.protocol.http;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/** Request methods. Any other well-formed method token is {@link #OTHER}; routes never match it. */
public enum HttpMethod {
    GET,
    HEAD,
    POST,
    PUT,
    DELETE,
    OPTIONS,
    PATCH,
    TRACE,
    CONNECT,
    OTHER;

    private static final HttpMethod[] KNOWN = {GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH, TRACE, CONNECT};
    private final byte[] token = name().getBytes(StandardCharsets.US_ASCII);

    /** The method spelt at {@code buffer[offset, offset+length)}; methods are case-sensitive. */
    static HttpMethod of(DirectBuffer buffer, int offset, int length) {
        // GET first, with no loop: nearly every request of a read-heavy server is one.
        if (length == 3 && buffer.getByte(offset) == 'G' && buffer.getByte(offset + 1) == 'E'
                && buffer.getByte(offset + 2) == 'T') {
            return GET;
        }
        for (HttpMethod m : KNOWN) {
            byte[] t = m.token;
            if (t.length == length && Ascii.equals(buffer, offset, t)) {
                return m;
            }
        }
        return OTHER;
    }
}

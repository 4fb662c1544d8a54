package io.ringwire.protocol.http;

import java.util.List;

/**
 * The head of an HTTP/1.x response: status line and header fields, decoded into strings (a client
 * keeps them past the read that brought them). Immutable.
 *
 * @param contentLength -1 when the response has no Content-Length
 * @param keepAlive     whether the connection may carry another request after this response
 */
public record HttpResponseHead(HttpVersion version, int status, String reason, List<Field> headers,
                               long contentLength, boolean chunked, boolean keepAlive) {
    public HttpResponseHead {
        headers = List.copyOf(headers);
    }

    /** The first value of the field {@code name} (case-insensitive), or null. */
    public String header(String name) {
        for (Field h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** One header field as received: name as spelt by the server, value without surrounding blanks. */
    public record Field(String name, String value) {
    }

    @Override
    public String toString() {
        return (version == HttpVersion.HTTP_1_0 ? "HTTP/1.0 " : "HTTP/1.1 ") + status + " " + reason;
    }
}

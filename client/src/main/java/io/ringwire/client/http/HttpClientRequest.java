package io.ringwire.client.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One HTTP/1.1 request: method, an {@code http://} URI, extra header fields, and a body. Immutable
 * and thread-safe; {@link #encode()} gives its bytes.
 *
 * <p>The client writes {@code Host} (from the URI, unless a Host field is given here, which then
 * replaces it) and {@code Content-Length} (from the body); it writes no {@code Connection}
 * field, since HTTP/1.1 keeps connections alive by default. The body is always sent with a
 * length, so {@code Content-Length} and {@code Transfer-Encoding} fields are refused: a second,
 * disagreeing framing on the wire is how requests get smuggled.
 *
 * @param headers name/value pairs, in order
 */
public record HttpClientRequest(String method, URI uri, List<String[]> headers, byte[] body) {
    public HttpClientRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        if (method.isEmpty() || !method.chars().allMatch(c -> c > ' ' && c < 127 && c != ':')) {
            throw new IllegalArgumentException("bad method: " + method);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("only http://host[:port]/path URIs are supported: " + uri);
        }
        headers = List.copyOf(headers);
        int hosts = 0;
        for (String[] h : headers) {
            if (h.length != 2 || !validField(h[0], h[1])) {
                throw new IllegalArgumentException("bad header field: " + String.join(": ", h));
            }
            if (h[0].equalsIgnoreCase("Content-Length") || h[0].equalsIgnoreCase("Transfer-Encoding")) {
                throw new IllegalArgumentException(h[0] + " is written by the client from the body; do not set it: "
                        + String.join(": ", h));
            }
            if (h[0].equalsIgnoreCase("Host") && ++hosts > 1) {
                throw new IllegalArgumentException("more than one Host field");
            }
        }
        body = body == null ? new byte[0] : body;
    }

    private static boolean validField(String name, String value) {
        return !name.isEmpty() && name.chars().allMatch(c -> c > ' ' && c < 127 && c != ':')
                && value.chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0);
    }

    public static HttpClientRequest get(URI uri) {
        return new HttpClientRequest("GET", uri, List.of(), null);
    }

    public static HttpClientRequest get(String uri) {
        return get(URI.create(uri));
    }

    /** GET, HEAD, OPTIONS, TRACE, PUT and DELETE may be repeated safely (RFC 9110, section 9.2.2). */
    public boolean idempotent() {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    public boolean isHead() {
        return method.equalsIgnoreCase("HEAD");
    }

    public int port() {
        return uri.getPort() < 0 ? 80 : uri.getPort();
    }

    /** A copy with one more header field. */
    public HttpClientRequest withHeader(String name, String value) {
        List<String[]> h = new ArrayList<>(headers);
        h.add(new String[] {name, value});
        return new HttpClientRequest(method, uri, h, body);
    }

    /** The request line, the header fields and the body, ready for the wire. */
    public byte[] encode() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        StringBuilder sb = new StringBuilder(128).append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        if (headers.stream().noneMatch(h -> h[0].equalsIgnoreCase("Host"))) {
            sb.append("Host: ")
                    .append(uri.getHost().indexOf(':') >= 0 && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost());
            if (uri.getPort() >= 0) {
                sb.append(':').append(uri.getPort());
            }
            sb.append("\r\n");
        }
        for (String[] h : headers) {
            sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        // A POST or PUT without a body still says so: some servers refuse one with no length (411).
        if (body.length > 0 || method.equalsIgnoreCase("POST") || method.equalsIgnoreCase("PUT")) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body.length == 0) {
            return head;
        }
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }
}

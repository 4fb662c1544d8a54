package io.ringwire.protocol.http;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * Parses a whole request head (request line, header fields, blank line) into an
 * {@link HttpRequest}, in one pass, recording positions instead of copying. It reads the fields
 * that frame the message or the connection (Content-Length, Transfer-Encoding, Connection, Host,
 * Expect) and refuses, as RFC 9112 asks, what would make framing ambiguous:
 * <ul>
 *   <li>400: a malformed request line, field line or Content-Length; obsolete line folding; a
 *       control character; both Content-Length and Transfer-Encoding; Content-Lengths that
 *       disagree; an HTTP/1.1 request without exactly one Host;</li>
 *   <li>431: more header fields than the limit;</li>
 *   <li>501: a transfer coding other than chunked;</li>
 *   <li>505: a version other than 1.x.</li>
 * </ul>
 * Lines may end with CRLF or a bare LF (RFC 9112, section 2.2). Stateless apart from its constants.
 */
final class HttpHeadParser {
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] HOST = ascii("host");
    private static final byte[] EXPECT = ascii("expect");
    private static final byte[] CHUNKED = ascii("chunked");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] CONTINUE = ascii("100-continue");
    private static final byte[] HTTP_SLASH = ascii("HTTP/");
    /** Content-Length digits past this could overflow a long; such a body is over any limit anyway. */
    private static final int MAX_LENGTH_DIGITS = 18;

    private HttpHeadParser() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses {@code buffer[start, start+length)}, which ends with the blank line, into {@code request}. */
    static void parse(DirectBuffer buffer, int start, int length, HttpRequest request) throws HttpException {
        request.reset(buffer, start);
        int end = start + length;
        int lineEnd = lineEnd(buffer, start, end);
        parseRequestLine(buffer, start, contentEnd(buffer, start, lineEnd), request);

        boolean close = false;
        boolean keepAliveToken = false;
        int hosts = 0;
        for (int p = lineEnd + 1; ; ) {
            lineEnd = lineEnd(buffer, p, end);
            int contentEnd = contentEnd(buffer, p, lineEnd);
            if (contentEnd == p) {
                break; // the blank line
            }
            byte first = buffer.getByte(p);
            if (first == ' ' || first == '\t') {
                throw HttpException.badRequest("obsolete line folding is not accepted");
            }
            int nameEnd = p;
            while (nameEnd < contentEnd && Ascii.isTchar(buffer.getByte(nameEnd))) {
                nameEnd++;
            }
            if (nameEnd == p || nameEnd == contentEnd || buffer.getByte(nameEnd) != ':') {
                throw HttpException.badRequest("malformed header field line " + (request.headerCount + 1));
            }
            int value = nameEnd + 1;
            int valueEnd = contentEnd;
            while (value < valueEnd && isOws(buffer.getByte(value))) {
                value++;
            }
            while (valueEnd > value && isOws(buffer.getByte(valueEnd - 1))) {
                valueEnd--;
            }
            if (Ascii.hasFieldValueControl(buffer, value, valueEnd)) {
                throw HttpException.badRequest("control character in the value of header field " + (request.headerCount + 1));
            }
            if (request.headerCount == request.maxHeaders()) {
                throw new HttpException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "more than " + request.maxHeaders() + " header fields");
            }
            request.addHeader(p - start, nameEnd - p, value - start, valueEnd - value);

            int nameLength = nameEnd - p;
            int valueLength = valueEnd - value;
            if (Ascii.equalsIgnoreCase(buffer, p, nameLength, CONTENT_LENGTH)) {
                long n = contentLength(buffer, value, valueLength);
                if (request.contentLength >= 0 && request.contentLength != n) {
                    throw HttpException.badRequest("Content-Length given twice with different values");
                }
                request.contentLength = n;
            } else if (Ascii.equalsIgnoreCase(buffer, p, nameLength, TRANSFER_ENCODING)) {
                if (!Ascii.equalsIgnoreCase(buffer, value, valueLength, CHUNKED)) {
                    throw new HttpException(HttpStatus.NOT_IMPLEMENTED,
                            "transfer coding '" + Ascii.latin1(buffer, value, Math.min(valueLength, 64))
                                    + "' is not supported; only chunked is");
                }
                if (request.chunked) {
                    throw HttpException.badRequest("chunked given twice");
                }
                request.chunked = true;
            } else if (Ascii.equalsIgnoreCase(buffer, p, nameLength, CONNECTION)) {
                for (int t = value; t < valueEnd; ) {
                    int tokenEnd = t;
                    while (tokenEnd < valueEnd && buffer.getByte(tokenEnd) != ',') {
                        tokenEnd++;
                    }
                    int a = t;
                    int b = tokenEnd;
                    while (a < b && isOws(buffer.getByte(a))) {
                        a++;
                    }
                    while (b > a && isOws(buffer.getByte(b - 1))) {
                        b--;
                    }
                    close |= Ascii.equalsIgnoreCase(buffer, a, b - a, CLOSE);
                    keepAliveToken |= Ascii.equalsIgnoreCase(buffer, a, b - a, KEEP_ALIVE);
                    t = tokenEnd + 1;
                }
            } else if (Ascii.equalsIgnoreCase(buffer, p, nameLength, HOST)) {
                hosts++;
            } else if (Ascii.equalsIgnoreCase(buffer, p, nameLength, EXPECT)) {
                request.expectContinue = Ascii.equalsIgnoreCase(buffer, value, valueLength, CONTINUE);
            }
            p = lineEnd + 1;
        }

        if (request.chunked && request.contentLength >= 0) {
            throw HttpException.badRequest("both Transfer-Encoding and Content-Length");
        }
        boolean http11 = request.version == HttpVersion.HTTP_1_1;
        if (request.chunked && !http11) {
            throw HttpException.badRequest("Transfer-Encoding in an HTTP/1.0 request");
        }
        if (http11 ? hosts != 1 : hosts > 1) {
            throw HttpException.badRequest(hosts == 0 ? "an HTTP/1.1 request needs a Host header" : "more than one Host header");
        }
        request.keepAlive = !close && (http11 || keepAliveToken);
    }

    private static void parseRequestLine(DirectBuffer buffer, int start, int end, HttpRequest request) throws HttpException {
        int methodEnd = start;
        while (methodEnd < end && Ascii.isTchar(buffer.getByte(methodEnd))) {
            methodEnd++;
        }
        if (methodEnd == start || methodEnd == end || buffer.getByte(methodEnd) != ' ') {
            throw HttpException.badRequest("malformed request line: no method");
        }
        int target = methodEnd + 1;
        int targetEnd = target;
        while (targetEnd < end && Ascii.isTargetChar(buffer.getByte(targetEnd))) {
            targetEnd++;
        }
        if (targetEnd == target || targetEnd == end || buffer.getByte(targetEnd) != ' ') {
            throw HttpException.badRequest("malformed request line: no request target");
        }
        int v = targetEnd + 1;
        if (end - v != 8 || !Ascii.equals(buffer, v, HTTP_SLASH) || buffer.getByte(v + 6) != '.'
                || !isDigit(buffer.getByte(v + 5)) || !isDigit(buffer.getByte(v + 7))) {
            throw HttpException.badRequest("malformed request line: no HTTP version");
        }
        int major = buffer.getByte(v + 5) - '0';
        int minor = buffer.getByte(v + 7) - '0';
        if (major != 1) {
            throw new HttpException(HttpStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "HTTP/" + major + "." + minor + " is not supported; this server speaks HTTP/1.1 and HTTP/1.0");
        }
        request.version = minor == 0 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        request.method = HttpMethod.of(buffer, start, methodEnd - start);
        request.methodStart = 0;
        request.methodLength = methodEnd - start;
        request.targetStart = target - start;
        request.targetLength = targetEnd - target;
        parsePath(buffer, start, target, targetEnd, request);
    }

    /** Origin form {@code /p?q}, asterisk form {@code *}, or absolute form {@code http://host/p?q}. */
    private static void parsePath(DirectBuffer buffer, int start, int target, int end, HttpRequest request) throws HttpException {
        int path = target;
        byte first = buffer.getByte(target);
        if (first == '*' && end - target == 1) {
            request.pathStart = target - start;
            request.pathLength = 1;
            return;
        }
        if (first != '/') {
            int scheme = indexOf(buffer, target, end, ':');
            if (scheme < 0 || end - scheme < 3 || buffer.getByte(scheme + 1) != '/' || buffer.getByte(scheme + 2) != '/') {
                throw HttpException.badRequest("malformed request target");
            }
            path = indexOf(buffer, scheme + 3, end, '/');
            if (path < 0) {
                path = end; // http://host means the path "/", which is not spelt: an empty path
            }
        }
        int query = indexOf(buffer, path, end, '?');
        request.pathStart = path - start;
        request.pathLength = (query < 0 ? end : query) - path;
    }

    private static long contentLength(DirectBuffer buffer, int offset, int length) throws HttpException {
        if (length == 0) {
            throw HttpException.badRequest("empty Content-Length");
        }
        if (length > MAX_LENGTH_DIGITS) {
            for (int i = 0; i < length; i++) {
                if (!isDigit(buffer.getByte(offset + i))) {
                    throw HttpException.badRequest("malformed Content-Length");
                }
            }
            return Long.MAX_VALUE; // valid, and over any limit: the decoder answers 413
        }
        long n = 0;
        for (int i = 0; i < length; i++) {
            byte b = buffer.getByte(offset + i);
            if (!isDigit(b)) {
                throw HttpException.badRequest("malformed Content-Length");
            }
            n = n * 10 + (b - '0');
        }
        return n;
    }

    private static int lineEnd(DirectBuffer buffer, int from, int end) {
        int i = Ascii.indexOfLf(buffer, from, end);
        if (i < 0) {
            throw new IllegalStateException("a head passed to the parser must end with a blank line");
        }
        return i;
    }

    /** Where the line's content ends: before the CR of a CRLF, or at a bare LF. */
    private static int contentEnd(DirectBuffer buffer, int lineStart, int lf) {
        return lf > lineStart && buffer.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    private static int indexOf(DirectBuffer buffer, int from, int end, char c) {
        for (int i = from; i < end; i++) {
            if (buffer.getByte(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}

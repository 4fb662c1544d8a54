package io.ringwire.protocol.http;

import io.ringwire.protocol.codec.CodecException;
import io.ringwire.protocol.codec.Cumulation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.agrona.DirectBuffer;

/**
 * Decodes the responses of one client connection (RFC 9112): status line and header fields, then
 * a body framed by Content-Length, chunked coding, or the end of the connection, then the next
 * response. Interim 1xx responses (other than 101) are skipped. The body arrives in pieces as it
 * comes, never gathered here, so a large body does not have to fit in memory.
 *
 * <p>The decoder must be told, before each response, whether its request was a HEAD (whose
 * response has a head but no body, whatever its Content-Length says): {@link #expect(boolean)}.
 *
 * <h2>Refusals</h2>
 * An {@link HttpException} (the connection cannot be trusted after it): a head over
 * {@code maxHead} bytes, a malformed status line or field line, an HTTP version other than 1.x,
 * both Content-Length and Transfer-Encoding, Content-Lengths that disagree, a transfer coding
 * other than chunked, a body over {@code maxBody}, bytes after a response that nobody asked for.
 *
 * <p>One per connection, confined to its loop thread. {@link #close()} frees its memory.
 */
public final class HttpResponseDecoder implements AutoCloseable {
    /** Receives a response's parts, in order, on the decoding thread. */
    public interface Listener {
        void onHead(HttpResponseHead head);

        /** Body bytes, lent for the call only. */
        void onBody(DirectBuffer buffer, int offset, int length);

        /** The response is complete; the next one may follow. */
        void onEnd();
    }

    private enum State { IDLE, HEAD, FIXED, CHUNKED, UNTIL_CLOSE, DONE_CLOSED }

    private final int maxHead;
    private final long maxBody;
    private final Listener listener;
    private final Cumulation head;
    private final Cumulation chunkData;
    private final ChunkedBodyDecoder chunked;
    private State state = State.IDLE;
    private boolean headRequest;
    private long remaining;

    public HttpResponseDecoder(int maxHead, long maxBody, Listener listener) {
        if (maxHead < 64) {
            throw new IllegalArgumentException("maxHead must be at least 64: " + maxHead);
        }
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody must not be negative: " + maxBody);
        }
        this.maxHead = maxHead;
        this.maxBody = maxBody;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.head = new Cumulation(maxHead);
        this.chunkData = new Cumulation(64 * 1024 + 1);
        this.chunked = new ChunkedBodyDecoder(maxBody, maxHead);
    }

    /**
     * Memory reserved right now: never more than {@code maxHead} + 64 KiB + 1 (the head being
     * gathered, and one slice of chunk data), whatever the size of the body.
     */
    public int reservedBytes() {
        return head.capacity() + chunkData.capacity();
    }

    /** A request was sent; its response comes next. {@code headRequest}: it was a HEAD. */
    public void expect(boolean headRequest) {
        if (state != State.IDLE) {
            throw new IllegalStateException("a response is still being decoded: " + state);
        }
        this.headRequest = headRequest;
        this.state = State.HEAD;
    }

    /** True between {@link #expect} and the end of that response. */
    public boolean inResponse() {
        return state != State.IDLE && state != State.DONE_CLOSED;
    }

    /** Decodes all of {@code buffer[offset, offset+length)}. */
    public void decode(DirectBuffer buffer, int offset, int length) throws CodecException {
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            switch (state) {
                case IDLE, DONE_CLOSED -> throw HttpException.badRequest(
                        (end - pos) + " byte(s) from the server when no response was expected");
                case HEAD -> pos = readHead(buffer, pos, end);
                case FIXED -> {
                    int take = (int) Math.min(remaining, end - pos);
                    listener.onBody(buffer, pos, take);
                    pos += take;
                    remaining -= take;
                    if (remaining == 0) {
                        finish();
                    }
                }
                case CHUNKED -> {
                    // Decode at most what fits in chunkData at a time, handing it on at once.
                    int step = Math.min(end - pos, 64 * 1024);
                    int next = chunked.decode(buffer, pos, pos + step, chunkData);
                    if (!chunkData.isEmpty()) {
                        listener.onBody(chunkData.buffer(), 0, chunkData.size());
                        chunkData.clear();
                    }
                    pos = next;
                    if (chunked.done()) {
                        finish();
                    }
                }
                case UNTIL_CLOSE -> {
                    if (end - pos > maxBody - remaining) {
                        throw new HttpException(HttpStatus.PAYLOAD_TOO_LARGE, "response body over the limit of " + maxBody + " bytes");
                    }
                    remaining += end - pos;
                    listener.onBody(buffer, pos, end - pos);
                    pos = end;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    /**
     * The server closed its side. Ends a body delimited by the close; anywhere else within a
     * response it is an error (a truncated response). Returns whether a response was cut short.
     */
    public boolean onEof() {
        if (state == State.UNTIL_CLOSE) {
            state = State.DONE_CLOSED;
            listener.onEnd();
            return false;
        }
        boolean cut = inResponse();
        state = State.DONE_CLOSED;
        return cut;
    }

    private void finish() {
        state = State.IDLE;
        listener.onEnd();
    }

    private int readHead(DirectBuffer buffer, int pos, int end) throws CodecException {
        // Find the blank line, across reads: scan the new bytes only, looking back into the cumulation.
        int start = pos;
        int headEnd = -1;
        for (int i = pos; i < end; i++) {
            if (buffer.getByte(i) == '\n' && endsBlankLine(buffer, start, i)) {
                headEnd = i + 1;
                break;
            }
        }
        int take = (headEnd < 0 ? end : headEnd) - pos;
        if (take > maxHead - head.size()) {
            throw new HttpException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "response head over " + maxHead + " bytes");
        }
        head.append(buffer, pos, take);
        if (headEnd < 0) {
            return end;
        }
        HttpResponseHead h = parse(head.buffer(), head.size());
        head.clear();
        if (h.status() >= 100 && h.status() < 200 && h.status() != 101) {
            return headEnd; // interim response: the real one follows
        }
        listener.onHead(h);
        boolean noBody = headRequest || h.status() < 200 || h.status() == 204 || h.status() == 304;
        if (noBody) {
            finish();
        } else if (h.chunked()) {
            chunked.reset();
            state = State.CHUNKED;
        } else if (h.contentLength() >= 0) {
            if (h.contentLength() > maxBody) {
                throw new HttpException(HttpStatus.PAYLOAD_TOO_LARGE, "response body of " + h.contentLength()
                        + " bytes is over the limit of " + maxBody);
            }
            remaining = h.contentLength();
            state = State.FIXED;
            if (remaining == 0) {
                finish();
            }
        } else {
            remaining = 0;
            state = State.UNTIL_CLOSE;
        }
        return headEnd;
    }

    /** Whether the LF at {@code lf} ends an empty line: LF LF or LF CR LF, looking back into the cumulation. */
    private boolean endsBlankLine(DirectBuffer buffer, int start, int lf) {
        int back1 = byteBefore(buffer, start, lf, 1);
        if (back1 == '\n') {
            return true;
        }
        return back1 == '\r' && byteBefore(buffer, start, lf, 2) == '\n';
    }

    private int byteBefore(DirectBuffer buffer, int start, int at, int n) {
        int i = at - n;
        if (i >= start) {
            return buffer.getByte(i);
        }
        int j = head.size() - (start - i);
        return j >= 0 ? head.buffer().getByte(j) : -1;
    }

    private static HttpResponseHead parse(DirectBuffer b, int length) throws HttpException {
        int lineEnd = Ascii.indexOfLf(b, 0, length);
        int contentEnd = lineEnd > 0 && b.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        // "HTTP/1.1 200 OK": version, space, three digits, then an optional reason.
        if (contentEnd < 12 || !Ascii.equals(b, 0, HTTP_SLASH) || b.getByte(6) != '.' || b.getByte(8) != ' '
                || !digit(b.getByte(5)) || !digit(b.getByte(7))
                || !digit(b.getByte(9)) || !digit(b.getByte(10)) || !digit(b.getByte(11))
                || b.getByte(9) == '0' // no status class starts with 0 (RFC 9110, section 15): 000 would pass for a success
                || (contentEnd > 12 && b.getByte(12) != ' ')) {
            throw HttpException.badRequest("malformed status line: " + Ascii.latin1(b, 0, Math.min(contentEnd, 64)));
        }
        if (b.getByte(5) != '1') {
            throw new HttpException(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "response version HTTP/"
                    + (char) b.getByte(5) + "." + (char) b.getByte(7) + " is not supported");
        }
        HttpVersion version = b.getByte(7) == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        int status = (b.getByte(9) - '0') * 100 + (b.getByte(10) - '0') * 10 + (b.getByte(11) - '0');
        String reason = contentEnd > 13 ? Ascii.latin1(b, 13, contentEnd - 13) : "";

        List<HttpResponseHead.Field> headers = new ArrayList<>();
        long contentLength = -1;
        boolean isChunked = false;
        boolean close = false;
        boolean keepAliveToken = false;
        for (int p = lineEnd + 1; p < length; ) {
            int lf = Ascii.indexOfLf(b, p, length);
            int ce = lf > p && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            if (ce == p) {
                break;
            }
            int colon = p;
            while (colon < ce && Ascii.isTchar(b.getByte(colon))) {
                colon++;
            }
            if (colon == p || colon == ce || b.getByte(colon) != ':') {
                throw HttpException.badRequest("malformed response header field line " + (headers.size() + 1));
            }
            int v = colon + 1;
            int ve = ce;
            while (v < ve && (b.getByte(v) == ' ' || b.getByte(v) == '\t')) {
                v++;
            }
            while (ve > v && (b.getByte(ve - 1) == ' ' || b.getByte(ve - 1) == '\t')) {
                ve--;
            }
            if (Ascii.hasFieldValueControl(b, v, ve)) {
                throw HttpException.badRequest("control character in response header field " + (headers.size() + 1));
            }
            String name = Ascii.latin1(b, p, colon - p);
            String value = Ascii.latin1(b, v, ve - v);
            headers.add(new HttpResponseHead.Field(name, value));
            if (name.equalsIgnoreCase("content-length")) {
                long n = parseLength(value);
                if (contentLength >= 0 && contentLength != n) {
                    throw HttpException.badRequest("response Content-Length given twice with different values");
                }
                contentLength = n;
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                if (!value.equalsIgnoreCase("chunked")) {
                    throw new HttpException(HttpStatus.NOT_IMPLEMENTED, "response transfer coding '" + value + "' is not supported");
                }
                isChunked = true;
            } else if (name.equalsIgnoreCase("connection")) {
                for (String token : value.split(",")) {
                    close |= token.trim().equalsIgnoreCase("close");
                    keepAliveToken |= token.trim().equalsIgnoreCase("keep-alive");
                }
            }
            p = lf + 1;
        }
        if (isChunked && contentLength >= 0) {
            throw HttpException.badRequest("response has both Transfer-Encoding and Content-Length");
        }
        boolean keepAlive = !close && (version == HttpVersion.HTTP_1_1 || keepAliveToken)
                && (isChunked || contentLength >= 0 || status == 204 || status == 304 || status < 200);
        return new HttpResponseHead(version, status, reason, headers, contentLength, isChunked, keepAlive);
    }

    private static long parseLength(String v) throws HttpException {
        if (v.isEmpty() || v.length() > 18) {
            throw HttpException.badRequest("malformed response Content-Length: " + v);
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw HttpException.badRequest("malformed response Content-Length: " + v);
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static final byte[] HTTP_SLASH = "HTTP/".getBytes(StandardCharsets.US_ASCII);

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    @Override
    public void close() {
        head.close();
        chunkData.close();
    }
}

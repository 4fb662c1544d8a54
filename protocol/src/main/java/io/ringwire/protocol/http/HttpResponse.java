package io.ringwire.protocol.http;

import io.ringwire.protocol.codec.Utf8;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The response a {@link HttpHandler} fills in: a status (200 unless set), header fields, a body.
 * The server writes it when the handler returns, adding {@code Date}, {@code Server},
 * {@code Content-Length} and, when the connection ends, {@code Connection: close}.
 *
 * <h2>Ownership</h2>
 * One instance per connection, reset before each request. A body given as a buffer or an array
 * is not copied until the handler returns, so it must stay unchanged until then; a body given as
 * text is encoded into the response's own buffer at once. Nothing here allocates in steady state.
 *
 * <p>Confined to the connection's loop thread.
 */
public final class HttpResponse {
    private static final byte[][] RESERVED = {
        bytes("content-length"), bytes("transfer-encoding"), bytes("connection"), bytes("date"), bytes("server")
    };

    private final ExpandableDirectByteBuffer headers = new ExpandableDirectByteBuffer(256);
    private final ExpandableDirectByteBuffer text = new ExpandableDirectByteBuffer(256);
    private final UnsafeBuffer arrayBody = new UnsafeBuffer(new byte[0]);
    private int status;
    private int headersLength;
    private DirectBuffer body;
    private int bodyOffset;
    private int bodyLength;
    private int textLength;
    private boolean close;
    /** A body sent from a file with {@link io.ringwire.Connection#sendFile}; null otherwise. */
    private Path file;
    private long fileLength;

    HttpResponse() {
        reset();
    }

    void reset() {
        status = HttpStatus.OK;
        headersLength = 0;
        body = null;
        bodyOffset = 0;
        bodyLength = 0;
        textLength = 0;
        close = false;
        file = null;
        fileLength = 0;
    }

    /** Sets the status code, 100..599. */
    public HttpResponse status(int code) {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("status must be within 100..599: " + code);
        }
        this.status = code;
        return this;
    }

    /**
     * Adds a header field. Names are tokens; values are ISO-8859-1 text without CR or LF. The
     * framing fields (Content-Length, Transfer-Encoding, Connection) and Date and Server are the
     * server's to write and are refused.
     *
     * @throws IllegalArgumentException if the name or value is not allowed
     */
    public HttpResponse header(CharSequence name, CharSequence value) {
        int n = name.length();
        if (n == 0) {
            throw new IllegalArgumentException("empty header name");
        }
        int at = headersLength;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c > 0x7F || !Ascii.isTchar((byte) c)) {
                throw new IllegalArgumentException("header name '" + name + "' is not a token");
            }
            headers.putByte(at++, (byte) c);
        }
        for (byte[] reserved : RESERVED) {
            if (Ascii.equalsIgnoreCase(headers, headersLength, n, reserved)) {
                throw new IllegalArgumentException(name + " is written by the server");
            }
        }
        headers.putByte(at++, (byte) ':');
        headers.putByte(at++, (byte) ' ');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF || (c < 0x20 && c != '\t') || c == 0x7F) {
                throw new IllegalArgumentException("header " + name + " has a character not allowed in a value at " + i);
            }
            headers.putByte(at++, (byte) c);
        }
        headers.putByte(at++, (byte) '\r');
        headers.putByte(at++, (byte) '\n');
        headersLength = at;
        return this;
    }

    /** Adds a header field encoded beforehand: one copy, no checks. */
    public HttpResponse header(HttpHeader header) {
        headers.putBytes(headersLength, header.line);
        headersLength += header.line.length;
        return this;
    }

    /** {@code Content-Type}. */
    public HttpResponse contentType(CharSequence type) {
        return header("Content-Type", type);
    }

    /** The body is {@code buffer[offset, offset+length)}, copied when the handler returns. */
    public HttpResponse body(DirectBuffer buffer, int offset, int length) {
        Objects.requireNonNull(buffer, "buffer");
        buffer.boundsCheck(offset, length);
        file = null;
        body = buffer;
        bodyOffset = offset;
        bodyLength = length;
        return this;
    }

    /** The body is {@code bytes}, copied when the handler returns. */
    public HttpResponse body(byte[] bytes) {
        arrayBody.wrap(bytes);
        return body(arrayBody, 0, bytes.length);
    }

    /** The body is {@code text} in UTF-8, encoded now. Replaces any body set before. */
    public HttpResponse body(CharSequence text) {
        textLength = 0;
        return append(text);
    }

    /** Appends {@code text} in UTF-8 to a text body: for building one piece by piece. */
    public HttpResponse append(CharSequence text) {
        textLength += Utf8.encode(text, this.text, textLength);
        return body(this.text, 0, textLength);
    }

    /** Appends a number in decimal to a text body. */
    public HttpResponse append(long value) {
        textLength += text.putLongAscii(textLength, value);
        return body(this.text, 0, textLength);
    }

    /**
     * The body is the first {@code length} bytes of {@code file}, sent without a copy through Java
     * once the head is out. The length goes into Content-Length, so a file that turns out shorter
     * when its turn comes ends the connection (its peer cannot tell where the response ends
     * otherwise). Replaces any body set before.
     */
    public HttpResponse bodyFile(Path file, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("file body length must be >= 0: " + length);
        }
        this.file = Objects.requireNonNull(file, "file");
        this.fileLength = length;
        body = null;
        return this;
    }

    Path bodyFile() {
        return file;
    }

    long bodyFileLength() {
        return fileLength;
    }

    /** Ends the connection after this response ({@code Connection: close}). */
    public HttpResponse closeConnection() {
        close = true;
        return this;
    }

    public int status() {
        return status;
    }

    boolean closeRequested() {
        return close;
    }

    DirectBuffer headerBytes() {
        return headers;
    }

    int headersLength() {
        return headersLength;
    }

    DirectBuffer bodyBuffer() {
        return body;
    }

    int bodyOffset() {
        return bodyOffset;
    }

    int bodyLength() {
        return body == null ? 0 : bodyLength;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

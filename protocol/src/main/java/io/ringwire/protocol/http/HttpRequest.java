package io.ringwire.protocol.http;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One decoded request: a view over the bytes it arrived in, not a copy.
 *
 * <h2>Lifetime</h2>
 * The decoder reuses one instance per connection. A request and every buffer it returns are valid
 * only during the {@link HttpHandler#handle} call that receives it; copy what must outlive it.
 * Methods returning {@code String} allocate; the others do not.
 *
 * <p>Confined to the connection's loop thread.
 */
public final class HttpRequest {
    private static final DirectBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final int[] nameStart;
    private final int[] nameLength;
    private final int[] valueStart;
    private final int[] valueLength;

    /** The head's bytes; every position below is relative to {@link #base}. */
    private DirectBuffer head;
    private int base;
    HttpMethod method;
    int methodStart;
    int methodLength;
    int targetStart;
    int targetLength;
    int pathStart;
    int pathLength;
    HttpVersion version;
    int headerCount;
    /** -1 when the request has no Content-Length header. */
    long contentLength;
    boolean chunked;
    boolean keepAlive;
    boolean expectContinue;
    private DirectBuffer body = EMPTY;
    private int bodyOffset;
    private int bodyLength;

    HttpRequest(int maxHeaders) {
        nameStart = new int[maxHeaders];
        nameLength = new int[maxHeaders];
        valueStart = new int[maxHeaders];
        valueLength = new int[maxHeaders];
    }

    void reset(DirectBuffer head, int base) {
        this.head = head;
        this.base = base;
        headerCount = 0;
        contentLength = -1;
        chunked = false;
        keepAlive = false;
        expectContinue = false;
        body = EMPTY;
        bodyOffset = 0;
        bodyLength = 0;
    }

    /** The head moved (into the connection's cumulation); positions are unchanged relative to it. */
    void rebase(DirectBuffer head, int base) {
        this.head = head;
        this.base = base;
    }

    void addHeader(int name, int nameLen, int value, int valueLen) {
        nameStart[headerCount] = name;
        nameLength[headerCount] = nameLen;
        valueStart[headerCount] = value;
        valueLength[headerCount] = valueLen;
        headerCount++;
    }

    int maxHeaders() {
        return nameStart.length;
    }

    void body(DirectBuffer buffer, int offset, int length) {
        body = buffer;
        bodyOffset = offset;
        bodyLength = length;
    }

    public HttpMethod method() {
        return method;
    }

    /** The method as sent; for {@link HttpMethod#OTHER}. */
    public String methodName() {
        return string(methodStart, methodLength);
    }

    public HttpVersion version() {
        return version;
    }

    /** Whether the connection stays open after the response: 1.1 unless {@code Connection: close}; 1.0 only with {@code keep-alive}. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** The request target as sent, query included, such as {@code /files/a.txt?x=1}. */
    public String target() {
        return string(targetStart, targetLength);
    }

    /** The path: the target up to any {@code ?}, and without scheme and authority in absolute form. */
    public String path() {
        return string(pathStart, pathLength);
    }

    /** The path's bytes live at {@code pathBuffer()[pathOffset(), +pathLength())}: for routing without a String. */
    public DirectBuffer pathBuffer() {
        return head;
    }

    public int pathOffset() {
        return base + pathStart;
    }

    public int pathLength() {
        return pathLength;
    }

    /** True if the path is exactly {@code path} (ASCII); allocates nothing. */
    public boolean pathEquals(CharSequence path) {
        if (path.length() != pathLength) {
            return false;
        }
        for (int i = 0; i < pathLength; i++) {
            if ((head.getByte(base + pathStart + i) & 0xFF) != path.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** True if the path starts with {@code prefix} (ASCII); allocates nothing. */
    public boolean pathStartsWith(CharSequence prefix) {
        if (prefix.length() > pathLength) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if ((head.getByte(base + pathStart + i) & 0xFF) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public int headerCount() {
        return headerCount;
    }

    public String headerName(int index) {
        checkHeader(index);
        return string(nameStart[index], nameLength[index]);
    }

    public String headerValue(int index) {
        checkHeader(index);
        return Ascii.latin1(head, base + valueStart[index], valueLength[index]);
    }

    /** The value of the first header named {@code name} (any case), or null. */
    public String header(CharSequence name) {
        int i = headerIndex(name);
        return i < 0 ? null : headerValue(i);
    }

    /** The index of the first header named {@code name} (any case), or -1; allocates nothing. */
    public int headerIndex(CharSequence name) {
        for (int i = 0; i < headerCount; i++) {
            if (Ascii.equalsIgnoreCase(head, base + nameStart[i], nameLength[i], name)) {
                return i;
            }
        }
        return -1;
    }

    /** The body, de-chunked: {@code body()[bodyOffset(), +bodyLength())}. Empty without one. */
    public DirectBuffer body() {
        return body;
    }

    public int bodyOffset() {
        return bodyOffset;
    }

    public int bodyLength() {
        return bodyLength;
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        byte[] bytes = new byte[bodyLength];
        body.getBytes(bodyOffset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void checkHeader(int index) {
        if (index < 0 || index >= headerCount) {
            throw new IndexOutOfBoundsException("header " + index + " of " + headerCount);
        }
    }

    private String string(int start, int length) {
        return Ascii.latin1(head, base + start, length);
    }

    @Override
    public String toString() {
        return head == null ? "HttpRequest[none]" : methodName() + " " + target() + " " + version;
    }
}

package io.ringwire.bench.peers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP side of the JDK peers: finds the ends of request heads in a byte stream and holds the
 * fixed {@code /plaintext} response.
 *
 * <p>It only counts heads (every {@code CRLF CRLF}); it neither checks the method nor the path,
 * and a request with a body is not supported. That is enough for a benchmark peer driven by wrk
 * and the load generator, which only send {@code GET /plaintext}, and it keeps these peers as
 * cheap as a JDK server can be, which is what they are there to show. Not thread-safe: one per
 * connection.
 */
final class PlaintextResponder {

    /** The response to every request: 200, text/plain, "Hello, World!", keep-alive. */
    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
            + "Hello, World!").getBytes(StandardCharsets.US_ASCII);

    /** How many bytes of "\r\n\r\n" the stream has matched so far (a head may end across reads). */
    private int matched;

    /** {@link #RESPONSE} repeated {@link #BATCH} times: k pipelined answers are one slice of it. */
    static final byte[] RESPONSES = new byte[RESPONSE.length * 1024];
    static final int BATCH = 1024;

    static {
        for (int i = 0; i < BATCH; i++) System.arraycopy(RESPONSE, 0, RESPONSES, i * RESPONSE.length, RESPONSE.length);
    }

    /** Scans the bytes of {@code buf} from {@code from} to {@code to} (absolute indices, the buffer's
     * position untouched) and returns how many request heads ended in them. */
    int heads(ByteBuffer buf, int from, int to) {
        int n = 0, m = matched;
        for (int i = from; i < to; i++) {
            byte b = buf.get(i);
            if (b == ((m & 1) == 0 ? '\r' : '\n')) {
                if (++m == 4) {
                    n++;
                    m = 0;
                }
            } else {
                m = b == '\r' ? 1 : 0;
            }
        }
        matched = m;
        return n;
    }
}

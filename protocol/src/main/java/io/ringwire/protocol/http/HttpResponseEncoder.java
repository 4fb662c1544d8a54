package io.ringwire.protocol.http;

import io.ringwire.Connection;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes a response: the head, built in one off-heap scratch buffer, then the body, each queued
 * with one {@link Connection#write}, so head and body leave together in the next flush's
 * gathering {@code writev} (one syscall for a whole batch of pipelined responses).
 *
 * <p>One per connection, confined to its loop thread; allocates nothing.
 */
final class HttpResponseEncoder {
    private static final byte[] SERVER_AND_DATE = "Server: ringwire\r\nDate: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "\r\nContent-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final UnsafeBuffer CONTINUE =
            new UnsafeBuffer("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

    private final ExpandableDirectByteBuffer head = new ExpandableDirectByteBuffer(512);

    /**
     * Queues {@code response} on {@code connection}; does not flush.
     *
     * <p>A file body goes with its head in one {@link Connection#sendFile(org.agrona.DirectBuffer,
     * int, int, java.nio.file.Path, long, long)}: the file is opened before anything is queued, so
     * one that cannot be opened leaves the connection as it was, every earlier pipelined response
     * still queued, and the caller answers with an error instead.
     *
     * @param keepAlive   whether the connection stays open after it
     * @param http10      the request was HTTP/1.0: keep-alive must then be said explicitly
     * @param headRequest the request was HEAD: the head says the body's length, the body is left out
     * @return the file's send, for a file body: failed already if the file could not be opened,
     *         and then nothing was queued. Null for any other body
     */
    CompletableFuture<Long> write(Connection connection, HttpResponse response, boolean keepAlive, boolean http10,
                                  boolean headRequest) {
        int status = response.status();
        int n = put(0, HttpStatus.line(status));
        if (response.headersLength() > 0) {
            head.putBytes(n, response.headerBytes(), 0, response.headersLength());
            n += response.headersLength();
        }
        n = put(n, SERVER_AND_DATE);
        n = put(n, HttpDate.now());
        boolean bodyless = HttpStatus.bodyless(status);
        java.nio.file.Path file = bodyless ? null : response.bodyFile();
        long bodyLength = bodyless ? 0 : file != null ? response.bodyFileLength() : response.bodyLength();
        if (bodyless) {
            n = put(n, CRLF);
        } else {
            n = put(n, CONTENT_LENGTH);
            n += head.putLongAscii(n, bodyLength);
            n = put(n, CRLF);
        }
        if (!keepAlive) {
            n = put(n, CLOSE);
        } else if (http10) {
            n = put(n, KEEP_ALIVE);
        }
        n = put(n, CRLF);
        if (bodyLength > 0 && !headRequest && file != null) {
            // Its place in the queue keeps pipelined responses in order. A failure once it is
            // queued (the file shrank, the peer left) is the transport's to handle: it closes the
            // connection, the only way left to tell a client that a promised body will not come.
            return connection.sendFile(head, 0, n, file, 0, bodyLength);
        }
        connection.write(head, 0, n);
        if (bodyLength > 0 && !headRequest) {
            connection.write(response.bodyBuffer(), response.bodyOffset(), (int) bodyLength);
        }
        return null;
    }

    /** Queues the interim {@code 100 Continue}; does not flush. */
    void writeContinue(Connection connection) {
        connection.write(CONTINUE, 0, CONTINUE.capacity());
    }

    private int put(int index, byte[] bytes) {
        head.putBytes(index, bytes);
        return index + bytes.length;
    }
}

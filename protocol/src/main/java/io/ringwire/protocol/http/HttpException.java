package io.ringwire.protocol.http;

import io.ringwire.protocol.codec.CodecException;

/**
 * A request the server will not serve, with the status that says why: 400 (malformed), 413 (body
 * over the limit), 431 (head over the limit), 501 (a transfer coding it does not implement) or
 * 505 (an HTTP version it does not speak). The server answers with that status and closes the
 * connection, since the rest of the stream cannot be framed with certainty.
 */
public final class HttpException extends CodecException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static HttpException badRequest(String message) {
        return new HttpException(HttpStatus.BAD_REQUEST, message);
    }
}

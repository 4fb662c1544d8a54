package io.ringwire.protocol.http;

import io.ringwire.protocol.codec.CodecException;
import io.ringwire.protocol.codec.Cumulation;
import org.agrona.DirectBuffer;

/**
 * Decodes a chunked request body (RFC 9112, section 7.1) byte by byte as it arrives, appending
 * the chunk data, and only the data, to the request's cumulation. It stops exactly at the end of
 * the body, so a pipelined request after it is left for the next head.
 *
 * <p>Limits: the body's total (not a chunk's announcement alone: the sum so far) is checked
 * against the limit digit by digit, so a huge chunk size is refused with 413 before its line even
 * ends; a chunk line with extensions may be {@value #MAX_LINE} bytes; the trailer section as many
 * as a head. Extensions and trailer fields are read and dropped.
 *
 * <p>Confined to the connection's loop thread; reused for every chunked request of it.
 */
final class ChunkedBodyDecoder {
    static final int MAX_LINE = 4096;

    private enum State { SIZE_START, SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER_LINE, TRAILER_LF, DONE }

    private final long maxBody;
    private final int maxTrailer;
    private State state = State.SIZE_START;
    private long size;
    private long remaining;
    private long body;
    private int lineBytes;
    private int trailerBytes;

    ChunkedBodyDecoder(long maxBody, int maxTrailer) {
        this.maxBody = maxBody;
        this.maxTrailer = maxTrailer;
    }

    void reset() {
        state = State.SIZE_START;
        size = 0;
        remaining = 0;
        body = 0;
        lineBytes = 0;
        trailerBytes = 0;
    }

    boolean done() {
        return state == State.DONE;
    }

    /**
     * Consumes input from {@code pos} until the body ends or the input does.
     *
     * @return the index after the last byte consumed
     */
    int decode(DirectBuffer input, int pos, int end, Cumulation data) throws CodecException {
        while (pos < end && state != State.DONE) {
            if (state == State.DATA) {
                int take = (int) Math.min(remaining, end - pos);
                data.append(input, pos, take);
                pos += take;
                remaining -= take;
                if (remaining == 0) {
                    state = State.DATA_CR;
                }
                continue;
            }
            byte b = input.getByte(pos++);
            switch (state) {
                case SIZE_START -> {
                    int digit = Ascii.hexValue(b);
                    if (digit < 0) {
                        throw HttpException.badRequest("malformed chunk size");
                    }
                    size = digit;
                    lineBytes = 1;
                    state = State.SIZE;
                    checkSize();
                }
                case SIZE -> {
                    lineBytes++;
                    int digit = Ascii.hexValue(b);
                    if (digit >= 0) {
                        size = size * 16 + digit;
                        checkSize();
                    } else if (b == ';' || b == ' ' || b == '\t') {
                        state = State.EXTENSION;
                    } else if (b == '\r') {
                        state = State.SIZE_LF;
                    } else if (b == '\n') {
                        sizeLineEnded();
                    } else {
                        throw HttpException.badRequest("malformed chunk size");
                    }
                }
                case EXTENSION -> {
                    if (++lineBytes > MAX_LINE) {
                        throw HttpException.badRequest("chunk line over " + MAX_LINE + " bytes");
                    }
                    if (b == '\n') {
                        sizeLineEnded();
                    } else if (b != '\t' && b != '\r' && (b & 0xFF) < 0x20) {
                        throw HttpException.badRequest("control character in a chunk extension");
                    }
                }
                case SIZE_LF -> {
                    if (b != '\n') {
                        throw HttpException.badRequest("chunk size line not ended by CRLF");
                    }
                    sizeLineEnded();
                }
                case DATA_CR -> {
                    if (b == '\r') {
                        state = State.DATA_LF;
                    } else if (b == '\n') {
                        state = State.SIZE_START;
                    } else {
                        throw HttpException.badRequest("chunk data not followed by CRLF");
                    }
                }
                case DATA_LF -> {
                    if (b != '\n') {
                        throw HttpException.badRequest("chunk data not followed by CRLF");
                    }
                    state = State.SIZE_START;
                }
                case TRAILER_START -> {
                    countTrailer();
                    if (b == '\r') {
                        state = State.TRAILER_LF;
                    } else if (b == '\n') {
                        state = State.DONE;
                    } else {
                        state = State.TRAILER_LINE;
                    }
                }
                case TRAILER_LINE -> {
                    countTrailer();
                    if (b == '\n') {
                        state = State.TRAILER_START;
                    }
                }
                case TRAILER_LF -> {
                    if (b != '\n') {
                        throw HttpException.badRequest("trailer section not ended by CRLF");
                    }
                    state = State.DONE;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return pos;
    }

    private void checkSize() throws HttpException {
        if (size > maxBody - body) {
            throw new HttpException(HttpStatus.PAYLOAD_TOO_LARGE, "chunked body over the limit of " + maxBody + " bytes");
        }
    }

    private void sizeLineEnded() {
        if (size == 0) {
            state = State.TRAILER_START;
        } else {
            remaining = size;
            body += size;
            state = State.DATA;
        }
    }

    private void countTrailer() throws HttpException {
        if (++trailerBytes > maxTrailer) {
            throw new HttpException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "trailer section over " + maxTrailer + " bytes");
        }
    }
}

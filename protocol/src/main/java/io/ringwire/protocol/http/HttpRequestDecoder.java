package io.ringwire.protocol.http;

import io.ringwire.protocol.codec.CodecException;
import io.ringwire.protocol.codec.Cumulation;
import java.util.Objects;
import org.agrona.DirectBuffer;

/**
 * Decodes a connection's stream of HTTP/1.1 requests: heads, then bodies framed by
 * Content-Length or chunked coding, then the next request, however the bytes are split or
 * coalesced, pipelined requests included.
 *
 * <h2>No copies for requests that arrive whole</h2>
 * A request whose head and Content-Length body are both in the lent input is handed on in place,
 * as views of the transport's receive buffer. Otherwise its head (and body) are gathered in the
 * connection's {@link Cumulation}: the head as it arrives, the body after it (de-chunked), so the
 * handler always sees one contiguous head and one contiguous body.
 *
 * <h2>Limits, checked before memory is reserved</h2>
 * A head is scanned for its end at most {@link HttpServerConfig#maxHead()} bytes far: past that it
 * is 431, whether or not its end ever comes. Content-Length is checked against the body limit
 * when the head is parsed, and chunk sizes as their digits arrive: over it is 413. So the
 * cumulation never holds more than head limit + body limit. Other refusals are listed at
 * {@link HttpHeadParser} and {@link ChunkedBodyDecoder}; all are {@link HttpException}s.
 *
 * <p>One per connection, confined to its loop thread. {@link #close()} frees its memory.
 */
public final class HttpRequestDecoder implements AutoCloseable {

    /** Receives decoded requests, in order, on the decoding thread. */
    public interface Sink {
        /**
         * One whole request, lent for the call only. To stop for now rather than for good, call
         * {@link HttpRequestDecoder#pause()} and return true.
         *
         * @return true to go on decoding; false to stop for good (the connection is closing)
         */
        boolean onRequest(HttpRequest request);

        /** The request's head asked for {@code 100-continue} and its body has not started. */
        default void onContinueExpected(HttpRequest request) {
        }
    }

    private enum State { HEAD, FIXED_BODY, CHUNKED_BODY }

    /** Head scanner states: inside a line, at the start of a line, after a CR at the start of a line. */
    private static final int IN_LINE = 0;
    private static final int LINE_START = 1;
    private static final int LINE_START_CR = 2;

    private final int maxHead;
    private final int maxBody;
    private final Sink sink;
    private final HttpRequest request;
    private final Cumulation cumulation;
    private final ChunkedBodyDecoder chunked;
    private State state = State.HEAD;
    private int scanState = IN_LINE;
    private int headLength;
    private long bodyRemaining;
    private boolean stopped;
    private boolean paused;

    public HttpRequestDecoder(HttpServerConfig config, Sink sink) {
        this.maxHead = config.maxHead();
        this.maxBody = config.maxBody();
        this.sink = Objects.requireNonNull(sink, "sink");
        this.request = new HttpRequest(config.maxHeaders());
        this.cumulation = new Cumulation(maxHead + maxBody + 1);
        this.chunked = new ChunkedBodyDecoder(maxBody, maxHead);
    }

    /**
     * Decodes {@code data[offset, offset+length)}, handing each whole request to the sink in
     * order. After the sink returns false, or after an exception, the rest is dropped and every
     * later call returns at once. After {@link #pause()} this call returns right after the request
     * being handed on, and the bytes it did not consume are the caller's to hand in again later.
     *
     * @return the bytes consumed: {@code length}, unless paused or stopped
     * @throws HttpException if a request breaks the grammar or a limit; its status says which
     */
    public int decode(DirectBuffer data, int offset, int length) throws HttpException {
        int pos = offset;
        int end = offset + length;
        paused = false;
        try {
            while (pos < end && !stopped && !paused) {
                pos = switch (state) {
                    case HEAD -> cumulation.isEmpty() ? headInPlace(data, pos, end) : headCumulated(data, pos, end);
                    case FIXED_BODY -> fixedBody(data, pos, end);
                    case CHUNKED_BODY -> chunkedBody(data, pos, end);
                };
            }
        } catch (HttpException e) {
            stopped = true;
            throw e;
        } catch (CodecException e) {
            // The cumulation's own guard; the limits above keep it from firing.
            stopped = true;
            throw new HttpException(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage());
        }
        return pos - offset;
    }

    /**
     * Called by the sink inside {@link Sink#onRequest}: the decode call in progress returns after
     * this request, so the caller can stop taking requests while its responses back up (an
     * unwritable connection, files held open) and go on from the unconsumed rest later. The
     * decoder holds nothing of the input then: the next request starts at the first byte left.
     */
    public void pause() {
        paused = true;
    }

    /** Bytes held for a request that is not whole yet. */
    public int bufferedBytes() {
        return cumulation.size();
    }

    /** Memory reserved right now; never more than head limit + body limit + 1. */
    public int reservedBytes() {
        return cumulation.capacity();
    }

    private int headInPlace(DirectBuffer data, int pos, int end) throws CodecException {
        // RFC 9112, section 2.2: empty lines before a request line are ignored.
        while (pos < end && isLineByte(data.getByte(pos))) {
            pos++;
        }
        if (pos == end) {
            return end;
        }
        scanState = IN_LINE;
        int found = scanHead(data, pos, end, maxHead);
        if (found < 0) {
            cumulation.append(data, pos, end - pos);
            return end;
        }
        headLength = found - pos;
        HttpHeadParser.parse(data, pos, headLength, request);
        return afterHead(data, pos, found, end, data);
    }

    private int headCumulated(DirectBuffer data, int pos, int end) throws CodecException {
        int found = scanHead(data, pos, end, maxHead - cumulation.size());
        if (found < 0) {
            cumulation.append(data, pos, end - pos);
            return end;
        }
        cumulation.append(data, pos, found - pos);
        headLength = cumulation.size();
        HttpHeadParser.parse(cumulation.buffer(), 0, headLength, request);
        return afterHead(null, 0, found, end, data);
    }

    /**
     * Frames the body of the request just parsed; the input goes on at {@code input[pos]}. The head
     * is at {@code headData[headStart]} if it was parsed in place, or in the cumulation if
     * {@code headData} is null.
     */
    private int afterHead(DirectBuffer headData, int headStart, int pos, int end, DirectBuffer input) throws CodecException {
        if (request.chunked) {
            keepHead(headData, headStart);
            chunked.reset();
            state = State.CHUNKED_BODY;
            if (request.expectContinue && pos == end) {
                sink.onContinueExpected(request);
            }
            return pos;
        }
        long length = Math.max(request.contentLength, 0);
        if (length > maxBody) {
            throw new HttpException(HttpStatus.PAYLOAD_TOO_LARGE,
                    "Content-Length " + request.contentLength + " is over the limit of " + maxBody + " bytes");
        }
        if (end - pos >= length) {
            request.body(input, pos, (int) length); // whole: in place, whatever holds the head
            dispatch();
            return pos + (int) length;
        }
        keepHead(headData, headStart);
        int take = end - pos;
        cumulation.append(input, pos, take);
        bodyRemaining = length - take;
        state = State.FIXED_BODY;
        if (request.expectContinue && take == 0) {
            sink.onContinueExpected(request);
        }
        return end;
    }

    private int fixedBody(DirectBuffer data, int pos, int end) throws CodecException {
        int take = (int) Math.min(bodyRemaining, end - pos);
        cumulation.append(data, pos, take);
        bodyRemaining -= take;
        if (bodyRemaining == 0) {
            request.body(cumulation.buffer(), headLength, cumulation.size() - headLength);
            dispatch();
        }
        return pos + take;
    }

    private int chunkedBody(DirectBuffer data, int pos, int end) throws CodecException {
        pos = chunked.decode(data, pos, end, cumulation);
        if (chunked.done()) {
            request.body(cumulation.buffer(), headLength, cumulation.size() - headLength);
            dispatch();
        }
        return pos;
    }

    /** Moves a head parsed in place into the cumulation, where its body will follow. */
    private void keepHead(DirectBuffer headData, int headStart) throws CodecException {
        if (headData != null) {
            cumulation.append(headData, headStart, headLength);
            request.rebase(cumulation.buffer(), 0);
        }
    }

    private void dispatch() {
        if (!sink.onRequest(request)) {
            stopped = true;
        }
        state = State.HEAD;
        cumulation.clear();
    }

    /**
     * Looks for the blank line that ends a head in {@code data[pos, end)}, at most
     * {@code allowance} bytes far, carrying the scanner's state across calls.
     *
     * @return the index after the blank line, or -1 if the input ended first
     * @throws HttpException 431 if {@code allowance} bytes passed without an end
     */
    private int scanHead(DirectBuffer data, int pos, int end, int allowance) throws HttpException {
        int limit = pos + Math.min(end - pos, allowance);
        int i = pos;
        int s = scanState;
        while (i < limit) {
            if (s == IN_LINE) {
                // Jump to the next line end, eight bytes a step: the state machine only matters
                // just after one.
                int lf = Ascii.indexOfLf(data, i, limit);
                if (lf < 0) {
                    i = limit;
                    break;
                }
                i = lf + 1;
                s = LINE_START;
                continue;
            }
            byte b = data.getByte(i++);
            if (b == '\n') {
                scanState = IN_LINE;
                return i; // a line start, maybe after a CR, then LF: the blank line
            }
            s = b == '\r' && s == LINE_START ? LINE_START_CR : IN_LINE;
        }
        scanState = s;
        if (end - pos >= allowance) {
            throw new HttpException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request head over " + maxHead + " bytes");
        }
        return -1;
    }

    private static boolean isLineByte(byte b) {
        return b == '\r' || b == '\n';
    }

    /** Frees the cumulation; the decoder stops for good. */
    @Override
    public void close() {
        stopped = true;
        cumulation.close();
    }
}

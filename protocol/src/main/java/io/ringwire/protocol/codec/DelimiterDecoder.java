package io.ringwire.protocol.codec;

import java.util.Objects;
import org.agrona.DirectBuffer;

/**
 * Frames a stream into lines that end with a {@link LineDelimiter}. A line longer than
 * {@code maxLength} bytes (delimiter not counted) is refused as soon as that many bytes have come
 * without a line end, so at most {@code maxLength + 2} bytes are ever kept for a line.
 *
 * <p>Every delimiter ends with {@code \n}, so the scan looks for that byte only, eight bytes a step
 * ({@link ByteSearch}), and a line split between reads is topped up one {@code \n} at a time: work
 * stays linear in the input.
 *
 * <p>One per connection, confined to its loop thread; see {@link MessageDecoder}.
 */
public final class DelimiterDecoder extends MessageDecoder {
    private final LineDelimiter delimiter;
    private final int maxLength;
    private final boolean stripDelimiter;
    private final MessageSink sink;

    /** Lines without their delimiter. */
    public DelimiterDecoder(LineDelimiter delimiter, int maxLength, MessageSink sink) {
        this(delimiter, maxLength, true, sink);
    }

    /** @param stripDelimiter false to hand on each line with the delimiter bytes it ended with */
    public DelimiterDecoder(LineDelimiter delimiter, int maxLength, boolean stripDelimiter, MessageSink sink) {
        super(checkedLimit(maxLength, delimiter));
        this.delimiter = delimiter;
        this.maxLength = maxLength;
        this.stripDelimiter = stripDelimiter;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    private static int checkedLimit(int maxLength, LineDelimiter delimiter) {
        Objects.requireNonNull(delimiter, "delimiter");
        if (maxLength < 0 || maxLength > Cumulation.MAX_LIMIT - 2) {
            throw new IllegalArgumentException("max line length must be within 0.." + (Cumulation.MAX_LIMIT - 2) + ": " + maxLength);
        }
        return maxLength + delimiter.maxLength;
    }

    public LineDelimiter delimiter() {
        return delimiter;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Bytes a line may span, its delimiter included; a longer stretch without one is an error. */
    private int window() {
        return maxLength + delimiter.maxLength;
    }

    @Override
    protected int probe(DirectBuffer buffer, int offset, int length) throws CodecException {
        return find(buffer, offset, length, offset);
    }

    @Override
    protected int probeCumulation(DirectBuffer buffer, int size, int previousSize) throws CodecException {
        return find(buffer, 0, size, previousSize);
    }

    /** The first line end in {@code buffer[offset, offset+length)}, looking from {@code from} on. */
    private int find(DirectBuffer buffer, int offset, int length, int from) throws CodecException {
        int limit = offset + Math.min(length, window());
        for (int i = from; (i = ByteSearch.indexOf(buffer, i, limit, (byte) '\n')) >= 0; i++) {
            boolean cr = i > offset && buffer.getByte(i - 1) == '\r';
            if (delimiter == LineDelimiter.CRLF && !cr) {
                continue; // a bare \n is part of a CRLF line
            }
            int content = i - offset - (delimiter == LineDelimiter.LF || !cr ? 0 : 1);
            if (content > maxLength) {
                throw tooLong(content);
            }
            return i + 1 - offset;
        }
        if (length >= window()) {
            throw new MessageTooLongException("no line end within " + window() + " bytes; the limit is "
                    + maxLength + " bytes a line");
        }
        return -(length + 1);
    }

    @Override
    protected int bytesToTake(DirectBuffer input, int offset, int length, int buffered, int wanted) throws CodecException {
        int allowance = window() - buffered;
        int lf = ByteSearch.indexOf(input, offset, offset + Math.min(length, allowance), (byte) '\n');
        if (lf >= 0) {
            return lf + 1 - offset; // the line may end here: take no further
        }
        if (length >= allowance) {
            throw new MessageTooLongException("no line end within " + window() + " bytes; the limit is "
                    + maxLength + " bytes a line");
        }
        return length;
    }

    @Override
    protected boolean emit(DirectBuffer buffer, int offset, int length) throws CodecException {
        if (!stripDelimiter) {
            return sink.onMessage(buffer, offset, length);
        }
        int cut = 1;
        if (delimiter == LineDelimiter.CRLF
                || (delimiter == LineDelimiter.LF_OR_CRLF && length >= 2 && buffer.getByte(offset + length - 2) == '\r')) {
            cut = 2;
        }
        return sink.onMessage(buffer, offset, length - cut);
    }

    private MessageTooLongException tooLong(int content) {
        return new MessageTooLongException("line of " + content + " bytes is over the limit of " + maxLength);
    }
}

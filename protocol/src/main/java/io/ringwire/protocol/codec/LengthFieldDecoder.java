package io.ringwire.protocol.codec;

import java.nio.ByteOrder;
import java.util.Objects;
import org.agrona.DirectBuffer;

/**
 * Frames a stream by a length field: see {@link LengthFieldFormat} for the layout. A frame over
 * the limit is refused from its length field alone, before a byte of its body is kept.
 *
 * <p>One per connection, confined to its loop thread; see {@link MessageDecoder}.
 */
public final class LengthFieldDecoder extends MessageDecoder {
    private final LengthFieldFormat format;
    private final MessageSink sink;

    public LengthFieldDecoder(LengthFieldFormat format, MessageSink sink) {
        super(format.maxFrame());
        this.format = Objects.requireNonNull(format, "format");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    public LengthFieldFormat format() {
        return format;
    }

    @Override
    protected int probe(DirectBuffer buffer, int offset, int length) throws CodecException {
        int header = format.headerLength();
        if (length < header) {
            return -header;
        }
        long value = fieldValue(buffer, offset + format.fieldOffset(), format.fieldSize(), format.order());
        int max = format.maxFrame();
        // Unsigned 8-byte values past Long.MAX_VALUE read as negative. Those and anything past
        // 2^40 are over any int limit whatever the adjustment (an int), and the sum below stays exact.
        if (value < 0 || value > 1L << 40) {
            throw tooLong(value, "more than 2^39");
        }
        long frame = header + value + format.adjustment();
        if (frame < header) {
            throw new MalformedMessageException("length field " + value + " with adjustment " + format.adjustment()
                    + " gives a frame of " + frame + " bytes, shorter than its own " + header + "-byte header");
        }
        if (frame > max) {
            throw tooLong(value, Long.toString(frame));
        }
        return length >= frame ? (int) frame : -(int) frame;
    }

    private MessageTooLongException tooLong(long value, String frame) {
        return new MessageTooLongException("length field " + Long.toUnsignedString(value) + " gives a frame of "
                + frame + " bytes, over the limit of " + format.maxFrame());
    }

    @Override
    protected boolean emit(DirectBuffer buffer, int offset, int length) throws CodecException {
        int strip = format.bytesToStrip();
        return sink.onMessage(buffer, offset + strip, length - strip);
    }

    /** The field read as an unsigned number; an 8-byte field above 2^63 comes back negative. */
    static long fieldValue(DirectBuffer buffer, int index, int size, ByteOrder order) {
        return switch (size) {
            case 1 -> buffer.getByte(index) & 0xFFL;
            case 2 -> buffer.getShort(index, order) & 0xFFFFL;
            case 4 -> buffer.getInt(index, order) & 0xFFFF_FFFFL;
            default -> buffer.getLong(index, order);
        };
    }
}

package io.ringwire.protocol.codec;

import io.ringwire.Connection;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes frames that a {@link LengthFieldDecoder} of the same {@link LengthFieldFormat} reads back:
 * the length field, then the payload. The format must put the field at offset 0 (the encoder
 * knows of no other header bytes) and strip the whole field.
 *
 * <p>One per connection (it keeps a header scratch buffer), confined to the thread that writes;
 * allocates nothing per frame.
 */
public final class LengthFieldEncoder {
    private final LengthFieldFormat format;
    private final UnsafeBuffer header;

    public LengthFieldEncoder(LengthFieldFormat format) {
        this.format = Objects.requireNonNull(format, "format");
        if (format.fieldOffset() != 0 || format.bytesToStrip() != format.fieldSize()) {
            throw new IllegalArgumentException("an encoder needs the field at offset 0, stripped: " + format);
        }
        this.header = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
    }

    /**
     * Writes the length field for a payload of {@code payloadLength} bytes at {@code dst[index]}.
     *
     * @return the bytes written: the field size
     * @throws IllegalArgumentException if the frame would pass the limit or the field cannot hold the value
     */
    public int encodeHeader(MutableDirectBuffer dst, int index, int payloadLength) {
        int size = format.fieldSize();
        long frame = (long) size + payloadLength;
        if (payloadLength < 0 || frame > format.maxFrame()) {
            throw new IllegalArgumentException("a payload of " + payloadLength + " bytes makes a frame of " + frame
                    + " bytes, over the limit of " + format.maxFrame());
        }
        long value = (long) payloadLength - format.adjustment();
        if (value < 0 || (size < 8 && value >= 1L << (8 * size))) {
            throw new IllegalArgumentException("length " + value + " does not fit a " + size + "-byte field");
        }
        switch (size) {
            case 1 -> dst.putByte(index, (byte) value);
            case 2 -> dst.putShort(index, (short) value, format.order());
            case 4 -> dst.putInt(index, (int) value, format.order());
            default -> dst.putLong(index, value, format.order());
        }
        return size;
    }

    /** Queues one frame on {@code connection} (copied; see {@link Connection#write}). Does not flush. */
    public void write(Connection connection, DirectBuffer payload, int offset, int length) {
        int n = encodeHeader(header, 0, length);
        connection.write(header, 0, n);
        connection.write(payload, offset, length);
    }
}

package io.ringwire.protocol.frame;

import static io.ringwire.protocol.frame.FrameFormat.BODY_LENGTH_OFFSET;
import static io.ringwire.protocol.frame.FrameFormat.CMD_OFFSET;
import static io.ringwire.protocol.frame.FrameFormat.CRC_COVERED_HEADER;
import static io.ringwire.protocol.frame.FrameFormat.CRC_OFFSET;
import static io.ringwire.protocol.frame.FrameFormat.HEADER_LENGTH;
import static io.ringwire.protocol.frame.FrameFormat.MAGIC;
import static io.ringwire.protocol.frame.FrameFormat.MAGIC_OFFSET;
import static io.ringwire.protocol.frame.FrameFormat.VERSION;
import static io.ringwire.protocol.frame.FrameFormat.VERSION_OFFSET;

import io.ringwire.Connection;
import io.ringwire.protocol.codec.Utf8;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes frames: the 13-byte header with its crc32, then the body, queued on a connection with two
 * {@link Connection#write} calls, so they leave together in the next flush's {@code writev}.
 *
 * <p>One per connection (it keeps scratch buffers), confined to the thread that writes, normally
 * the loop thread. Allocates nothing per frame.
 */
public final class FrameWriter {
    private final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(HEADER_LENGTH));
    private final ExpandableDirectByteBuffer text = new ExpandableDirectByteBuffer(256);
    private final Crc32 crc = new Crc32();

    /**
     * Writes the header of a frame with {@code body[offset, offset+length)} at {@code dst[index]}.
     *
     * @return {@link FrameFormat#HEADER_LENGTH}
     */
    public int encodeHeader(MutableDirectBuffer dst, int index, int cmd, DirectBuffer body, int offset, int length) {
        if (cmd < 0 || cmd > 0xFFFF) {
            throw new IllegalArgumentException("cmd must fit in 16 bits: " + cmd);
        }
        dst.putShort(index + MAGIC_OFFSET, (short) MAGIC, ByteOrder.BIG_ENDIAN);
        dst.putByte(index + VERSION_OFFSET, (byte) VERSION);
        dst.putShort(index + CMD_OFFSET, (short) cmd, ByteOrder.BIG_ENDIAN);
        dst.putInt(index + BODY_LENGTH_OFFSET, length, ByteOrder.BIG_ENDIAN);
        int value = crc.of(dst, index, CRC_COVERED_HEADER, body, offset, length);
        dst.putInt(index + CRC_OFFSET, value, ByteOrder.BIG_ENDIAN);
        return HEADER_LENGTH;
    }

    /** Queues one frame (copied). Does not flush. */
    public void write(Connection connection, int cmd, DirectBuffer body, int offset, int length) {
        encodeHeader(header, 0, cmd, body, offset, length);
        connection.write(header, 0, HEADER_LENGTH);
        if (length > 0) {
            connection.write(body, offset, length);
        }
    }

    /** Queues an ERROR frame whose body is {@code message} in UTF-8. Does not flush. */
    public void writeError(Connection connection, CharSequence message) {
        int n = Utf8.encode(message, text, 0);
        write(connection, FrameCommand.ERROR, text, 0, n);
    }

    /** Queues the ERROR frame for an unknown cmd, {@code unknown cmd 0x0007}, without allocating. */
    public void writeUnknownCommand(Connection connection, int cmd) {
        int n = text.putStringWithoutLengthAscii(0, "unknown cmd 0x");
        for (int shift = 12; shift >= 0; shift -= 4) {
            text.putByte(n++, (byte) Character.toUpperCase(Character.forDigit((cmd >>> shift) & 0xF, 16)));
        }
        write(connection, FrameCommand.ERROR, text, 0, n);
    }
}

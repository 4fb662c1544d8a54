package io.ringwire.protocol.frame;

import static io.ringwire.protocol.frame.FrameFormat.BODY_LENGTH_OFFSET;
import static io.ringwire.protocol.frame.FrameFormat.CMD_OFFSET;
import static io.ringwire.protocol.frame.FrameFormat.CRC_COVERED_HEADER;
import static io.ringwire.protocol.frame.FrameFormat.CRC_OFFSET;
import static io.ringwire.protocol.frame.FrameFormat.HEADER_LENGTH;
import static io.ringwire.protocol.frame.FrameFormat.MAGIC;
import static io.ringwire.protocol.frame.FrameFormat.VERSION;
import static io.ringwire.protocol.frame.FrameFormat.VERSION_OFFSET;

import io.ringwire.protocol.codec.CodecException;
import io.ringwire.protocol.codec.MessageDecoder;
import io.ringwire.protocol.frame.FrameException.Reason;
import java.nio.ByteOrder;
import java.util.Objects;
import org.agrona.DirectBuffer;

/**
 * Decodes the binary frame protocol ({@link FrameFormat}) and checks every rule that makes a
 * frame trustworthy, as early as the bytes allow:
 * <ul>
 *   <li>the magic from its first byte on, the version from the third;</li>
 *   <li>body_len as soon as its four bytes are in, so an over-limit body is refused before a
 *       byte of it is kept (the cumulation never grows past 13 + the limit);</li>
 *   <li>the crc32 once the frame is whole, before the frame is handed on.</li>
 * </ul>
 * Any of these throws a {@link FrameException}. The cmd is not checked here: an unknown cmd in a
 * well-formed frame is the server's business (it answers with ERROR and carries on).
 *
 * <p>One per connection, confined to its loop thread; see {@link MessageDecoder}.
 */
public final class FrameDecoder extends MessageDecoder {
    private final int maxBody;
    private final FrameSink sink;
    private final Crc32 crc = new Crc32();

    /** @param maxBody the largest body_len accepted, such as {@link FrameFormat#DEFAULT_MAX_BODY} */
    public FrameDecoder(int maxBody, FrameSink sink) {
        super(HEADER_LENGTH + checkedMaxBody(maxBody));
        this.maxBody = maxBody;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    private static int checkedMaxBody(int maxBody) {
        if (maxBody < 0 || maxBody > FrameFormat.MAX_BODY_LIMIT) {
            throw new IllegalArgumentException("max body must be within 0.." + FrameFormat.MAX_BODY_LIMIT + ": " + maxBody);
        }
        return maxBody;
    }

    public int maxBody() {
        return maxBody;
    }

    @Override
    protected int probe(DirectBuffer buffer, int offset, int length) throws CodecException {
        if (length >= 2) {
            int magic = buffer.getShort(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (magic != MAGIC) {
                throw new FrameException(Reason.BAD_MAGIC, String.format("bad magic 0x%04X, expected 0x%04X", magic, MAGIC));
            }
        } else if ((buffer.getByte(offset) & 0xFF) != MAGIC >>> 8) {
            throw new FrameException(Reason.BAD_MAGIC, String.format("bad magic: first byte 0x%02X, expected 0x%04X",
                    buffer.getByte(offset) & 0xFF, MAGIC));
        }
        if (length > VERSION_OFFSET) {
            int version = buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
            if (version != VERSION) {
                throw new FrameException(Reason.BAD_VERSION, "unsupported version " + version + ", expected " + VERSION);
            }
        }
        if (length < BODY_LENGTH_OFFSET + 4) {
            return -HEADER_LENGTH;
        }
        long bodyLength = buffer.getInt(offset + BODY_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
        if (bodyLength > maxBody) {
            throw new FrameException(Reason.TOO_LONG, "body_len " + bodyLength + " is over the limit of " + maxBody);
        }
        int frame = HEADER_LENGTH + (int) bodyLength;
        return length >= frame ? frame : -frame;
    }

    @Override
    protected boolean emit(DirectBuffer buffer, int offset, int length) throws CodecException {
        int bodyLength = length - HEADER_LENGTH;
        int expected = buffer.getInt(offset + CRC_OFFSET, ByteOrder.BIG_ENDIAN);
        int actual = crc.of(buffer, offset, CRC_COVERED_HEADER, buffer, offset + HEADER_LENGTH, bodyLength);
        if (actual != expected) {
            throw new FrameException(Reason.BAD_CRC, String.format("crc32 mismatch: the frame says 0x%08X, its bytes give 0x%08X",
                    expected, actual));
        }
        int cmd = buffer.getShort(offset + CMD_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        return sink.onFrame(cmd, buffer, offset + HEADER_LENGTH, bodyLength);
    }
}

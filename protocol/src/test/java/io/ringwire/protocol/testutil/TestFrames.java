package io.ringwire.protocol.testutil;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Frames built straight from the contract's table with the JDK's CRC32: an oracle that shares no
 * code with the module's encoder, so a bug there cannot hide behind the same bug here.
 */
public final class TestFrames {
    private TestFrames() {
    }

    public static byte[] frame(int cmd, byte[] body) {
        return frame(0x424D, 1, cmd, body.length, body, true);
    }

    /** Any header, right or wrong; the crc is correct if {@code goodCrc}, else off by one bit. */
    public static byte[] frame(int magic, int version, int cmd, long bodyLength, byte[] body, boolean goodCrc) {
        ByteBuffer b = ByteBuffer.allocate(13 + body.length).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) magic).put((byte) version).putShort((short) cmd).putInt((int) bodyLength);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, 9);
        crc.update(body);
        b.putInt((int) crc.getValue() ^ (goodCrc ? 0 : 1));
        b.put(body);
        return b.array();
    }

    /** The parts of a frame read back from bytes; checks its crc with the JDK. */
    public record Parsed(int cmd, byte[] body, boolean crcOk) {
    }

    public static Parsed parse(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.BIG_ENDIAN);
        if ((b.getShort(0) & 0xFFFF) != 0x424D || b.get(2) != 1) {
            throw new AssertionError("not a frame header");
        }
        int cmd = b.getShort(3) & 0xFFFF;
        int len = b.getInt(5);
        byte[] body = new byte[len];
        System.arraycopy(frame, 13, body, 0, len);
        CRC32 crc = new CRC32();
        crc.update(frame, 0, 9);
        crc.update(body);
        return new Parsed(cmd, body, (int) crc.getValue() == b.getInt(9));
    }
}

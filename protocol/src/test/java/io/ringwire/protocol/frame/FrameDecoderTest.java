package io.ringwire.protocol.frame;

import static io.ringwire.protocol.testutil.Bytes.copy;
import static io.ringwire.protocol.testutil.TestFrames.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.protocol.codec.CodecException;
import io.ringwire.protocol.frame.FrameException.Reason;
import io.ringwire.protocol.testutil.TestFrames;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The contract's frame rules, one by one, at the decoder. */
class FrameDecoderTest {
    private record Got(int cmd, byte[] body) {
    }

    private final List<Got> got = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder(1024, (cmd, b, o, l) -> got.add(new Got(cmd, copy(b, o, l))));

    private void feed(byte[] bytes) throws CodecException {
        decoder.decode(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    @Test
    void wellFormedFramesOfAnyCmdPassWithTheirBodies() throws Exception {
        feed(frame(FrameCommand.PING, new byte[] {1, 2}));
        feed(frame(7, new byte[0]));
        feed(frame(FrameCommand.ERROR, "oops".getBytes()));
        assertEquals(3, got.size());
        assertEquals(FrameCommand.PING, got.get(0).cmd);
        assertArrayEquals(new byte[] {1, 2}, got.get(0).body);
        assertEquals(7, got.get(1).cmd, "an unknown cmd is not the decoder's business");
        assertEquals(0xFFFF, got.get(2).cmd);
    }

    @Test
    void badMagicIsRefusedFromTheFirstByte() {
        FrameException e = assertThrows(FrameException.class, () -> feed(new byte[] {0x41}));
        assertEquals(Reason.BAD_MAGIC, e.reason());
        assertTrue(e.getMessage().contains("0x41") && e.getMessage().contains("0x424D"), e.getMessage());
    }

    @Test
    void badMagicInTheSecondByte() {
        FrameException e = assertThrows(FrameException.class, () -> feed(frame(0x4242, 1, 1, 0, new byte[0], true)));
        assertEquals(Reason.BAD_MAGIC, e.reason());
        assertTrue(e.getMessage().contains("0x4242"), e.getMessage());
    }

    @Test
    void badVersion() {
        FrameException e = assertThrows(FrameException.class, () -> feed(frame(0x424D, 2, 1, 0, new byte[0], true)));
        assertEquals(Reason.BAD_VERSION, e.reason());
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void badCrc() {
        FrameException e = assertThrows(FrameException.class, () -> feed(frame(0x424D, 1, 3, 3, new byte[] {1, 2, 3}, false)));
        assertEquals(Reason.BAD_CRC, e.reason());
        assertTrue(got.isEmpty(), "a frame with a bad crc is not handed on");
    }

    @Test
    void aBodyOverTheLimitIsRefusedFromItsHeaderWithNothingReserved() {
        byte[] header = new byte[9];
        System.arraycopy(frame(0x424D, 1, 3, 1025, new byte[0], true), 0, header, 0, 9);
        FrameException e = assertThrows(FrameException.class, () -> feed(header));
        assertEquals(Reason.TOO_LONG, e.reason());
        assertTrue(e.getMessage().contains("1025") && e.getMessage().contains("1024"), e.getMessage());
        assertEquals(0, decoder.reservedBytes());
    }

    @Test
    void theLargestBodyAllowedPasses() throws Exception {
        feed(frame(FrameCommand.ECHO, new byte[1024]));
        assertEquals(1024, got.get(0).body.length);
    }

    @Test
    void aMaximalUnsignedBodyLengthIsTooLongNotNegative() {
        byte[] f = frame(0x424D, 1, 3, 0xFFFF_FFFFL, new byte[0], true);
        assertEquals(Reason.TOO_LONG, assertThrows(FrameException.class, () -> feed(f)).reason());
    }

    @Test
    void framesSplitAtEveryByteDecode() throws Exception {
        byte[] f = frame(FrameCommand.ECHO, "split me".getBytes());
        for (byte b : f) {
            feed(new byte[] {b});
        }
        assertEquals(1, got.size());
        assertEquals("split me", new String(got.get(0).body));
    }

    @Test
    void theWriterProducesWhatTheOracleReads() {
        FrameWriter w = new FrameWriter();
        UnsafeBuffer out = new UnsafeBuffer(new byte[13 + 3]);
        UnsafeBuffer body = new UnsafeBuffer(new byte[] {9, 8, 7});
        w.encodeHeader(out, 0, FrameCommand.ECHO_REPLY, body, 0, 3);
        out.putBytes(13, body, 0, 3);
        TestFrames.Parsed p = TestFrames.parse(out.byteArray());
        assertEquals(FrameCommand.ECHO_REPLY, p.cmd());
        assertTrue(p.crcOk());
        assertArrayEquals(new byte[] {9, 8, 7}, p.body());
    }
}

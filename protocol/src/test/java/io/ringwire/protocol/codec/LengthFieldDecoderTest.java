package io.ringwire.protocol.codec;

import static io.ringwire.protocol.testutil.Bytes.copy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LengthFieldDecoderTest {
    private final List<byte[]> decoded = new ArrayList<>();

    private LengthFieldDecoder decoder(LengthFieldFormat format) {
        return new LengthFieldDecoder(format, (b, o, l) -> decoded.add(copy(b, o, l)));
    }

    private static void feed(LengthFieldDecoder d, int... values) throws CodecException {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        d.decode(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    @ParameterizedTest
    @CsvSource({"1,BIG_ENDIAN", "2,BIG_ENDIAN", "2,LITTLE_ENDIAN", "4,BIG_ENDIAN", "4,LITTLE_ENDIAN", "8,BIG_ENDIAN", "8,LITTLE_ENDIAN"})
    void everyFieldSizeAndOrderRoundTrips(int size, String order) throws Exception {
        ByteOrder bo = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        LengthFieldFormat f = LengthFieldFormat.builder().fieldSize(size).order(bo).maxFrame(1000).build();
        LengthFieldEncoder enc = new LengthFieldEncoder(f);
        UnsafeBuffer wire = new UnsafeBuffer(new byte[300]);
        int n = enc.encodeHeader(wire, 0, 200);
        assertEquals(size, n);
        long value = size == 1 ? wire.getByte(0) & 0xFF : size == 2 ? wire.getShort(0, bo) & 0xFFFF
                : size == 4 ? wire.getInt(0, bo) : wire.getLong(0, bo);
        assertEquals(200, value, "the field holds the payload length in " + order);
        LengthFieldDecoder d = decoder(f);
        d.decode(wire, 0, n + 200);
        assertEquals(1, decoded.size());
        assertEquals(200, decoded.get(0).length);
    }

    @Test
    void offsetAdjustmentAndStripFollowTheFormat() throws Exception {
        // 2 bytes of type, a 2-byte field counting the whole frame, keep the type, drop the field.
        LengthFieldFormat f = LengthFieldFormat.builder().fieldOffset(2).fieldSize(2).adjustment(-4).bytesToStrip(0)
                .maxFrame(100).build();
        LengthFieldDecoder d = decoder(f);
        feed(d, 0xAA, 0xBB, 0, 7, 1, 2, 3, /* next */ 0xCC, 0xDD, 0, 4);
        assertEquals(2, decoded.size());
        assertArrayEquals(new byte[] {(byte) 0xAA, (byte) 0xBB, 0, 7, 1, 2, 3}, decoded.get(0));
        assertArrayEquals(new byte[] {(byte) 0xCC, (byte) 0xDD, 0, 4}, decoded.get(1));
    }

    @Test
    void anOverLimitFrameIsRefusedFromItsFieldBeforeAnyBodyIsKept() {
        LengthFieldFormat f = LengthFieldFormat.builder().fieldSize(4).maxFrame(1024).build();
        LengthFieldDecoder d = decoder(f);
        MessageTooLongException e = assertThrows(MessageTooLongException.class, () -> feed(d, 0, 0, 4, 0, 1, 2));
        assertTrue(e.getMessage().contains("1028") && e.getMessage().contains("1024"), e.getMessage());
        assertEquals(0, d.reservedBytes(), "nothing reserved for the refused frame");
    }

    @Test
    void anOverLimitFrameSplitAfterItsFieldReservesOnlyTheHeader() throws Exception {
        LengthFieldFormat f = LengthFieldFormat.builder().fieldSize(4).maxFrame(1 << 20).build();
        LengthFieldDecoder d = decoder(f);
        feed(d, 0x7F, 0);
        assertThrows(MessageTooLongException.class, () -> feed(d, 0, 0, 1, 2, 3));
        assertTrue(d.reservedBytes() <= 1024, "reserved " + d.reservedBytes());
    }

    @Test
    void aHugeEightByteFieldIsTooLongNotAnOverflow() {
        LengthFieldDecoder d = decoder(LengthFieldFormat.builder().fieldSize(8).maxFrame(1000).build());
        assertThrows(MessageTooLongException.class, () -> feed(d, 0xFF, -1, -1, -1, -1, -1, -1, -1));
        LengthFieldDecoder d2 = decoder(LengthFieldFormat.builder().fieldSize(8).maxFrame(1000).build());
        assertThrows(MessageTooLongException.class, () -> feed(d2, 0x7F, -1, -1, -1, -1, -1, -1, -1));
    }

    @Test
    void aFrameShorterThanItsOwnHeaderIsMalformed() {
        LengthFieldDecoder d = decoder(LengthFieldFormat.builder().fieldSize(1).adjustment(-5).maxFrame(100).build());
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> feed(d, 2));
        assertTrue(e.getMessage().contains("shorter"), e.getMessage());
    }

    @Test
    void emptyPayloadsAndPartialHeadersWork() throws Exception {
        LengthFieldDecoder d = decoder(LengthFieldFormat.builder().fieldSize(2).maxFrame(100).build());
        feed(d, 0, 0, 0);
        assertEquals(1, decoded.size());
        assertEquals(0, decoded.get(0).length);
        assertEquals(1, d.bufferedBytes());
        feed(d, 1);
        assertEquals(1, decoded.size());
        feed(d, 9);
        assertArrayEquals(new byte[] {9}, decoded.get(1));
        assertEquals(0, d.bufferedBytes());
    }

    @Test
    void theEncoderRefusesWhatTheFieldCannotHold() {
        LengthFieldEncoder enc = new LengthFieldEncoder(LengthFieldFormat.builder().fieldSize(1).maxFrame(1000).build());
        UnsafeBuffer dst = new UnsafeBuffer(new byte[8]);
        assertEquals(1, enc.encodeHeader(dst, 0, 255));
        assertThrows(IllegalArgumentException.class, () -> enc.encodeHeader(dst, 0, 256));
        LengthFieldEncoder small = new LengthFieldEncoder(LengthFieldFormat.builder().fieldSize(4).maxFrame(10).build());
        assertThrows(IllegalArgumentException.class, () -> small.encodeHeader(dst, 0, 7));
    }

    @Test
    void formatsCheckTheirOwnSense() {
        assertThrows(IllegalArgumentException.class, () -> LengthFieldFormat.builder().fieldSize(3));
        assertThrows(IllegalArgumentException.class, () -> LengthFieldFormat.builder().fieldSize(4).bytesToStrip(5).build());
        assertThrows(IllegalArgumentException.class, () -> LengthFieldFormat.builder().maxFrame(0));
        assertThrows(IllegalArgumentException.class,
                () -> new LengthFieldEncoder(LengthFieldFormat.builder().fieldOffset(1).build()));
    }
}

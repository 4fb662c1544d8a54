package io.ringwire.protocol.codec;

import static io.ringwire.protocol.testutil.Bytes.ascii;
import static io.ringwire.protocol.testutil.Bytes.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class DelimiterDecoderTest {
    private final List<String> lines = new ArrayList<>();

    private DelimiterDecoder decoder(LineDelimiter d, int max) {
        return new DelimiterDecoder(d, max, (b, o, l) -> lines.add(ascii(copy(b, o, l))));
    }

    private static void feed(DelimiterDecoder d, String s) throws CodecException {
        byte[] b = ascii(s);
        d.decode(new UnsafeBuffer(b), 0, b.length);
    }

    @Test
    void lfKeepsACarriageReturnAsPartOfTheLine() throws Exception {
        DelimiterDecoder d = decoder(LineDelimiter.LF, 100);
        feed(d, "a\nb\r\n\nc");
        assertEquals(List.of("a", "b\r", ""), lines);
        assertEquals(1, d.bufferedBytes());
    }

    @Test
    void crlfNeedsBothAndKeepsABareLf() throws Exception {
        DelimiterDecoder d = decoder(LineDelimiter.CRLF, 100);
        feed(d, "a\nb\r\nc\r");
        assertEquals(List.of("a\nb"), lines);
        feed(d, "\n");
        assertEquals(List.of("a\nb", "c"), lines);
    }

    @Test
    void lfOrCrlfTakesEitherEnd() throws Exception {
        DelimiterDecoder d = decoder(LineDelimiter.LF_OR_CRLF, 100);
        feed(d, "a\nb\r\nc\r\r\n");
        assertEquals(List.of("a", "b", "c\r"), lines);
    }

    @Test
    void aLineOfExactlyTheLimitPassesAndOneMoreByteFails() throws Exception {
        DelimiterDecoder d = decoder(LineDelimiter.CRLF, 4);
        feed(d, "abcd\r\n");
        assertEquals(List.of("abcd"), lines);
        MessageTooLongException e = assertThrows(MessageTooLongException.class, () -> feed(d, "abcde\r\n"));
        assertTrue(e.getMessage().contains("4"), e.getMessage());
    }

    @Test
    void aLineWithoutAnEndIsRefusedOnceItCannotFitAnyMore() throws Exception {
        DelimiterDecoder d = decoder(LineDelimiter.LF, 10);
        feed(d, "0123456789"); // may still end with the next byte
        assertThrows(MessageTooLongException.class, () -> feed(d, "x"));
        assertTrue(d.reservedBytes() <= 11 + 512, "reserved " + d.reservedBytes());
    }

    @Test
    void aLongLineArrivingByteByByteIsRefusedWithoutHoldingMoreThanTheLimit() throws Exception {
        DelimiterDecoder d = decoder(LineDelimiter.CRLF, 64);
        CodecException thrown = null;
        for (int i = 0; i < 1000 && thrown == null; i++) {
            try {
                feed(d, "\n"); // bare LFs: part of a CRLF line, so the line only grows
            } catch (CodecException e) {
                thrown = e;
            }
            assertTrue(d.bufferedBytes() <= 66, "buffered " + d.bufferedBytes());
        }
        assertTrue(thrown instanceof MessageTooLongException, "refused: " + thrown);
    }

    @Test
    void theDelimiterMayBeSplitAcrossReads() throws Exception {
        DelimiterDecoder d = decoder(LineDelimiter.CRLF, 100);
        feed(d, "hello\r");
        feed(d, "\nworld\r");
        feed(d, "\n");
        assertEquals(List.of("hello", "world"), lines);
        assertEquals(0, d.bufferedBytes());
    }

    @Test
    void linesMayKeepTheirDelimiter() throws Exception {
        DelimiterDecoder d = new DelimiterDecoder(LineDelimiter.LF_OR_CRLF, 100, false, (b, o, l) -> lines.add(ascii(copy(b, o, l))));
        feed(d, "a\r\nb\n");
        assertEquals(List.of("a\r\n", "b\n"), lines);
    }

    @Test
    void theEncoderRefusesALineHoldingItsOwnEnd() {
        UnsafeBuffer line = new UnsafeBuffer(ascii("a\nb"));
        new DelimiterEncoder(LineDelimiter.CRLF, 10).check(line, 0, 3);
        assertThrows(IllegalArgumentException.class, () -> new DelimiterEncoder(LineDelimiter.LF, 10).check(line, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new DelimiterEncoder(LineDelimiter.LF, 2).check(line, 0, 3));
        UnsafeBuffer crlf = new UnsafeBuffer(ascii("a\r\nb"));
        assertThrows(IllegalArgumentException.class, () -> new DelimiterEncoder(LineDelimiter.CRLF, 10).check(crlf, 0, 4));
    }
}

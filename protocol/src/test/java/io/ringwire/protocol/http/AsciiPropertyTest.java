package io.ringwire.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;

/** The eight-bytes-a-step scans give exactly what a byte-by-byte loop gives, at every offset and length. */
class AsciiPropertyTest {

    /** Bytes that matter to the scans, often, among any others. */
    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.oneOf(Arbitraries.of((byte) '\n', (byte) '\r', (byte) '\t', (byte) 0, (byte) 0x7F,
                        (byte) 0x1F, (byte) 0x20, (byte) 0x80, (byte) 0xFF, (byte) 'a'), Arbitraries.bytes())
                .array(byte[].class).ofMaxSize(40);
    }

    @Property(tries = 500)
    void indexOfLfMatchesALoop(@ForAll("bytes") byte[] data) {
        UnsafeBuffer b = new UnsafeBuffer(data);
        for (int from = 0; from <= data.length; from++) {
            for (int end = from; end <= data.length; end++) {
                int expected = -1;
                for (int i = from; i < end; i++) {
                    if (data[i] == '\n') {
                        expected = i;
                        break;
                    }
                }
                assertEquals(expected, Ascii.indexOfLf(b, from, end), "from " + from + " end " + end);
            }
        }
    }

    @Property(tries = 500)
    void fieldValueControlMatchesALoop(@ForAll("bytes") byte[] data) {
        UnsafeBuffer b = new UnsafeBuffer(data);
        for (int from = 0; from <= data.length; from++) {
            for (int end = from; end <= data.length; end++) {
                boolean expected = false;
                for (int i = from; i < end; i++) {
                    expected |= !Ascii.isFieldValueChar(data[i]);
                }
                assertEquals(expected, Ascii.hasFieldValueControl(b, from, end), "from " + from + " end " + end);
            }
        }
    }

    @Property(tries = 300)
    void equalsMatchesALoop(@ForAll("bytes") byte[] data, @ForAll("bytes") byte[] expected) {
        UnsafeBuffer b = new UnsafeBuffer(data);
        for (int offset = 0; offset + expected.length <= data.length; offset++) {
            boolean same = true;
            for (int i = 0; i < expected.length; i++) {
                same &= data[offset + i] == expected[i];
            }
            assertEquals(same, Ascii.equals(b, offset, expected));
            byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + expected.length);
            assertEquals(true, Ascii.equals(b, offset, copy));
        }
    }
}

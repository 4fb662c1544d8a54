package io.ringwire.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class CumulationTest {
    private static final UnsafeBuffer SOURCE = new UnsafeBuffer(new byte[200_000]);

    @Test
    void reservesNothingUntilUsedAndGrowsWithWhatArrives() throws Exception {
        try (Cumulation c = new Cumulation(1 << 20)) {
            assertEquals(0, c.capacity());
            c.append(SOURCE, 0, 10);
            assertTrue(c.capacity() >= 10 && c.capacity() <= 1024, "small start: " + c.capacity());
            c.append(SOURCE, 0, 100_000);
            assertEquals(100_010, c.size());
            assertTrue(c.capacity() < 2 * 100_010 + 1024, "grows with the data: " + c.capacity());
        }
    }

    @Test
    void keepsItsBytesAcrossGrowth() throws Exception {
        UnsafeBuffer src = new UnsafeBuffer(new byte[5000]);
        for (int i = 0; i < 5000; i++) {
            src.putByte(i, (byte) (i * 31));
        }
        try (Cumulation c = new Cumulation(10_000)) {
            for (int i = 0; i < 5000; i += 7) {
                c.append(src, i, Math.min(7, 5000 - i));
            }
            for (int i = 0; i < 5000; i++) {
                assertEquals(src.getByte(i), c.buffer().getByte(i), "byte " + i);
            }
            assertTrue(c.buffer().byteBuffer().isDirect(), "backed by a direct ByteBuffer, for the CRC intrinsic");
        }
    }

    @Test
    void refusesToPassItsLimitAndNeverReservesBeyondIt() throws Exception {
        try (Cumulation c = new Cumulation(1000)) {
            c.append(SOURCE, 0, 999);
            assertThrows(MessageTooLongException.class, () -> c.append(SOURCE, 0, 2));
            c.append(SOURCE, 0, 1);
            assertEquals(1000, c.size());
            assertTrue(c.capacity() <= 1000, "capacity " + c.capacity());
        }
    }

    @Test
    void clearGivesBackLargeBuffersButKeepsSmallOnes() throws Exception {
        try (Cumulation c = new Cumulation(1 << 20)) {
            c.append(SOURCE, 0, 100);
            int small = c.capacity();
            c.clear();
            assertEquals(small, c.capacity());
            c.append(SOURCE, 0, Cumulation.RETAINED_CAPACITY + 1);
            c.clear();
            assertEquals(0, c.capacity());
            assertEquals(0, c.size());
        }
    }
}

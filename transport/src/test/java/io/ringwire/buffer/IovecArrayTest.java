package io.ringwire.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.internal.Linux;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The native iovec table: the layout the kernel reads, and its capacity. */
@Timeout(10)
class IovecArrayTest {

    @Test
    void writesStructIovecAtTheHeaderOffsets() {
        try (IovecArray iov = new IovecArray(3)) {
            assertTrue(iov.add(0x1000L, 10));
            assertTrue(iov.add(0x2000L, 20));
            assertEquals(2, iov.count());
            UnsafeBuffer table = new UnsafeBuffer(iov.address(), 3 * Linux.SIZEOF_IOVEC);
            assertEquals(0x1000L, table.getLong(Linux.OFFSETOF_IOVEC_BASE));
            assertEquals(10L, table.getLong(Linux.OFFSETOF_IOVEC_LEN));
            assertEquals(0x2000L, table.getLong(Linux.SIZEOF_IOVEC + Linux.OFFSETOF_IOVEC_BASE));
            assertEquals(20L, table.getLong(Linux.SIZEOF_IOVEC + Linux.OFFSETOF_IOVEC_LEN));
        }
    }

    @Test
    void refusesSegmentsBeyondCapacityAndClears() {
        try (IovecArray iov = new IovecArray(2)) {
            assertTrue(iov.add(1, 1));
            assertTrue(iov.add(2, 2));
            assertFalse(iov.add(3, 3), "full");
            assertEquals(2, iov.count());
            iov.clear();
            assertEquals(0, iov.count());
            assertTrue(iov.add(4, 4));
            assertEquals(2, iov.capacity());
        }
    }
}

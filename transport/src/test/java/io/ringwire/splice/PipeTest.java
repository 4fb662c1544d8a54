package io.ringwire.splice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.internal.Native;
import io.ringwire.testutil.Fds;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relay's pipes: sizes asked for are granted (F_SETPIPE_SZ), refused sizes say why, closing leaks nothing. */
class PipeTest {
    @Test
    void aPipeGetsTheSizeAskedForAndClosesBothEnds() throws IOException {
        Map<Integer, String> before = Fds.snapshot();
        try (Pipe p = Pipe.open(1 << 20)) {
            assertTrue(p.capacity >= 1 << 20, "capacity " + p.capacity);
            assertEquals(p.capacity, Native.getPipeSize(p.readFd));
        }
        try (Pipe p = Pipe.open(0)) {
            assertEquals(Native.getPipeSize(p.writeFd), p.capacity, "the kernel's default");
        }
        Fds.awaitSame("after closing the pipes", before);
    }

    @Test
    void aSizeTheKernelRefusesIsAnErrorWithTheReason() {
        Map<Integer, String> before = Fds.snapshot();
        IOException e = assertThrows(IOException.class, () -> Pipe.open(Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("F_SETPIPE_SZ"), e.getMessage());
        Fds.awaitSame("after a refused pipe", before);
    }
}

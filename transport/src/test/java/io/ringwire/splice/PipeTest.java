package io.ringwire.splice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void aRelaysPipeKeepsTheKernelsSizeWhenTheSizeIsRefusedWithEperm() throws IOException {
        Map<Integer, String> before = Fds.snapshot();
        int kernelDefault;
        try (Pipe p = Pipe.open(0)) {
            kernelDefault = p.capacity;
            assertFalse(p.sizeRefused);
        }
        int refused = Integer.MAX_VALUE; // EPERM without CAP_SYS_RESOURCE; with it ENOMEM, which still throws
        try (Pipe p = Pipe.openForRelay(refused)) {
            assertTrue(p.sizeRefused, "only EPERM gets here");
            assertEquals(kernelDefault, p.capacity);
            assertEquals(kernelDefault, Native.getPipeSize(p.writeFd));
        } catch (IOException notEperm) {
            assertTrue(notEperm.getMessage().contains("ENOMEM"), notEperm.getMessage());
        }
        try (Pipe p = Pipe.openForRelay(1 << 16)) {
            assertFalse(p.sizeRefused, "a size granted is no refusal");
        }
        Fds.awaitSame("after the relay pipes", before);
    }
}

package io.ringwire.cli.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may apply: writing the live /proc/sys takes root; a dry run or a fake root does not. */
class SysctlApplyCommandTest {
    @TempDir
    Path dir;

    @Test
    void theLiveTreeNeedsRootUnlessItIsADryRun() {
        SysctlTree live = SysctlTree.live();
        assertTrue(live.isLive());
        assertTrue(SysctlApplyCommand.refusal(live, false, OptionalInt.of(1000)).orElseThrow().contains("needs root"));
        assertTrue(SysctlApplyCommand.refusal(live, true, OptionalInt.of(1000)).isEmpty());
        assertTrue(SysctlApplyCommand.refusal(live, false, OptionalInt.of(0)).isEmpty());
        assertTrue(SysctlApplyCommand.refusal(live, false, OptionalInt.empty()).isEmpty(), "unknown: the kernel decides");
    }

    @Test
    void aFakeTreeNeedsNoRoot() {
        SysctlTree fake = new SysctlTree(dir);
        assertTrue(!fake.isLive());
        assertTrue(SysctlApplyCommand.refusal(fake, false, OptionalInt.of(1000)).isEmpty());
    }

    @Test
    void readsTheEffectiveUidFromProcStatus() throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n");
        assertEquals(OptionalInt.of(0), SysctlApplyCommand.effectiveUid(status), "the second field is the effective uid");
        Files.writeString(status, "Name:\tjava\n");
        assertEquals(OptionalInt.empty(), SysctlApplyCommand.effectiveUid(status));
        assertEquals(OptionalInt.empty(), SysctlApplyCommand.effectiveUid(dir.resolve("missing")));
    }
}

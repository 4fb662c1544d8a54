package io.ringwire.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Parsing /proc/self/mountinfo to tell whether a directory is on a noexec mount. */
@Timeout(10)
class MountInfoTest {
    private static final List<String> SAMPLE = List.of(
            "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro",
            "35 22 0:30 / /tmp rw,nosuid,nodev,noexec,relatime shared:15 - tmpfs tmpfs rw,size=1024k",
            "36 35 0:31 / /tmp/exec rw,relatime shared:16 - tmpfs tmpfs rw",
            "37 22 0:32 / /mnt/with\\040space rw,noexec - tmpfs tmpfs rw",
            "38 22 0:33 / /var/lib/docker rw,relatime - overlay overlay rw,noexec",
            "garbage line");

    @Test
    void directoryOnANoexecMountIsNoexec() {
        assertTrue(MountInfo.isNoexec("/tmp", SAMPLE));
        assertTrue(MountInfo.isNoexec("/tmp/ringwire/lib", SAMPLE));
    }

    @Test
    void theLongestContainingMountDecides() {
        assertFalse(MountInfo.isNoexec("/tmp/exec", SAMPLE));
        assertFalse(MountInfo.isNoexec("/tmp/exec/deeper", SAMPLE));
    }

    @Test
    void aMountPointIsAPathPrefixOnlyAtASlash() {
        assertFalse(MountInfo.isNoexec("/tmpfoo/x", SAMPLE), "/tmpfoo is not under /tmp");
        assertFalse(MountInfo.isNoexec("/home/user", SAMPLE));
    }

    @Test
    void escapedSpacesInMountPointsAreDecoded() {
        assertTrue(MountInfo.isNoexec("/mnt/with space/lib", SAMPLE));
    }

    @Test
    void onlyPerMountOptionsCount() {
        // noexec among the super-block options (after " - ") does not make the mount noexec.
        assertFalse(MountInfo.isNoexec("/var/lib/docker/x", SAMPLE));
    }

    @Test
    void noMatchingMountMeansNotNoexec() {
        assertFalse(MountInfo.isNoexec("/anything", List.of()));
        assertFalse(MountInfo.isNoexec("/anything", List.of("bad", "")));
    }

    @Test
    void readsThisProcessesMountTable() {
        // The JVM maps its own libraries from java.home, so that directory cannot be noexec.
        assertFalse(MountInfo.isNoexec(Path.of(System.getProperty("java.home"), "lib")));
        assertFalse(MountInfo.isNoexec((Path) null));
    }
}

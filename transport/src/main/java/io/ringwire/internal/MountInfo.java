package io.ringwire.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads /proc/self/mountinfo to explain load failures; never used on a hot path. */
final class MountInfo {
    private MountInfo() {
    }

    /** True if the longest mount point containing {@code dir} is mounted noexec. */
    static boolean isNoexec(Path dir) {
        if (dir == null) {
            return false;
        }
        try {
            return isNoexec(dir.toAbsolutePath().normalize().toString(), Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            return false;
        }
    }

    /** Package-private for tests: decides from the given mountinfo lines. */
    static boolean isNoexec(String dir, List<String> mountinfo) {
        String best = null;
        boolean noexec = false;
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            if (f.length < 6) {
                continue;
            }
            String mountPoint = f[4].replace("\\040", " ");
            boolean contains = dir.equals(mountPoint) || mountPoint.equals("/")
                    || dir.startsWith(mountPoint.endsWith("/") ? mountPoint : mountPoint + "/");
            if (contains && (best == null || mountPoint.length() >= best.length())) {
                best = mountPoint;
                noexec = (',' + f[5] + ',').contains(",noexec,");
            }
        }
        return noexec;
    }
}

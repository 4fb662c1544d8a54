package io.ringwire.cli.doctor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fake / with proc/ and sys/ files, for the doctor's checks. */
final class FakeHost {
    final Path root;

    FakeHost(Path root) {
        this.root = root;
    }

    FakeHost file(String relative, String content) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content + "\n");
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FakeHost remove(String relative) {
        try {
            Files.deleteIfExists(root.resolve(relative));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A healthy machine: every check OK. */
    static FakeHost healthy(Path root) {
        return new FakeHost(root)
                .file("proc/sys/kernel/osrelease", "6.8.0-45-generic")
                .file("proc/sys/kernel/io_uring_disabled", "0")
                .file("proc/self/status", "Name:\tjava\nSeccomp:\t0\nSeccomp_filters:\t0")
                .file("proc/sys/net/core/somaxconn", "4096")
                .file("proc/sys/net/ipv4/ip_local_port_range", "32768\t60999")
                .file("sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never")
                .file("proc/sys/net/core/busy_read", "0")
                .file("proc/sys/net/core/busy_poll", "0")
                .file("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance")
                .file("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "performance")
                .file("sys/devices/system/cpu/cpufreq/policy0/scaling_governor", "powersave");
    }

    HostFs fs() {
        return new HostFs(root);
    }
}

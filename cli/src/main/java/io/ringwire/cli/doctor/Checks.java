package io.ringwire.cli.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The doctor's judgements, one method per report line. Each is a pure function of what was read
 * or probed, so tests feed it fake files and fake probe answers.
 *
 * <p>The line between WARN and FAIL: FAIL only where ringwire cannot run at all (no native
 * library, no epoll, a JDK or kernel too old); everything that merely limits it is a WARN.
 */
final class Checks {
    /** Descriptors below which a server is capped at a modest number of connections. */
    static final long NOFILE_WANTED = 65_536;
    /** Locked memory enough for several rings and buffer rings. */
    static final long MEMLOCK_WANTED = 8L << 20;
    /** Ephemeral ports below which a client's outgoing connection rate to one destination is tight. */
    static final int PORTS_WANTED = 16_384;
    /** Busy-poll times beyond this burn a core for little gain. */
    static final long BUSY_POLL_MAX_SENSIBLE_US = 1000;

    private Checks() {
    }

    static Finding kernel(Optional<String> release) {
        if (release.isEmpty()) {
            return Finding.warn("kernel", "cannot read proc/sys/kernel/osrelease", "check that /proc is mounted");
        }
        String r = release.get();
        Optional<KernelVersion> v = KernelVersion.parse(r);
        if (v.isEmpty()) {
            return Finding.warn("kernel", "cannot tell the version from '" + r + "'", "check `uname -r`");
        }
        if (!v.get().atLeast(3, 9)) {
            return Finding.fail("kernel", "Linux " + r + ": ringwire needs 3.9 or newer (SO_REUSEPORT listeners)",
                    "upgrade the kernel");
        }
        if (!v.get().atLeast(6, 0)) {
            return Finding.warn("kernel", "Linux " + r + ": epoll only; the io_uring backend needs 6.0 or newer",
                    "upgrade to Linux 6.0 or newer for io_uring; epoll works meanwhile");
        }
        return Finding.ok("kernel", "Linux " + r);
    }

    static Finding jdk(Probes.Jdk jdk) {
        String what = "Java " + jdk.version() + " (" + jdk.vendor() + ", " + jdk.home() + ")";
        if (jdk.feature() < 21) {
            return Finding.fail("jdk", what + ": ringwire needs 21 or newer", "install JDK 21 or newer and set JAVA_HOME to it");
        }
        return Finding.ok("jdk", what);
    }

    static Finding nativeLibrary(Optional<String> error) {
        if (error.isEmpty()) {
            return Finding.ok("native", "libringwire loaded");
        }
        // The loader's messages read "ringwire: CAUSE; FIX" where it knows a fix.
        String m = error.get().replaceFirst("^ringwire: ", "").replace('\n', ' ');
        int semi = m.indexOf("; ");
        return semi > 0
                ? Finding.fail("native", "cannot load libringwire: " + m.substring(0, semi), m.substring(semi + 2))
                : Finding.fail("native", "cannot load libringwire: " + m,
                        "run `make build`, or build native/ here and point -Dringwire.native.path at the .so");
    }

    /** @param epollError empty if an epoll loop started; null if it was not tried (no native library) */
    static Finding epoll(boolean nativeLoaded, Optional<String> epollError) {
        if (!nativeLoaded) {
            return Finding.fail("epoll", "not checked: the native library did not load", "fix the native library first");
        }
        if (epollError.isPresent()) {
            return Finding.fail("epoll", "an epoll event loop cannot start: " + oneLine(epollError.get()),
                    "ringwire needs epoll_create1, epoll_ctl, epoll_wait and eventfd; check seccomp and RLIMIT_NOFILE");
        }
        return Finding.ok("epoll", "an event loop started and stopped");
    }

    /**
     * io_uring is never a FAIL: backend {@code auto} falls back to epoll. The fix names the cause
     * the probe's reason and the machine's settings point at, most specific first.
     */
    static Finding ioUring(Optional<Probes.Uring> probe, Optional<String> disabledSysctl, Optional<String> seccompMode,
                           Optional<Probes.Limit> memlock, Optional<KernelVersion> kernel) {
        if (probe.isEmpty()) {
            return Finding.warn("io_uring", "not checked: the native library did not load", "fix the native library first");
        }
        Probes.Uring u = probe.get();
        if (u.usable()) {
            return Finding.ok("io_uring", "usable; ops " + String.join(",", u.ops()) + "; setup flags "
                    + (u.setupFlags().isEmpty() ? "none" : String.join(",", u.setupFlags())));
        }
        String reason = oneLine(String.valueOf(u.reason()));
        String detail = "unusable, so backend auto uses epoll: " + reason;
        String disabled = disabledSysctl.orElse("0");
        String fix;
        if (reason.contains("-Dringwire.io_uring.disable")) {
            fix = "drop -Dringwire.io_uring.disable=true from RINGWIRE_JAVA_OPTS";
        } else if (disabled.equals("2")) {
            fix = "kernel.io_uring_disabled=2 turns io_uring off for everyone: sysctl -w kernel.io_uring_disabled=0";
        } else if (disabled.equals("1")) {
            fix = "kernel.io_uring_disabled=1 allows only the group in kernel.io_uring_group: add the user to it, "
                    + "or sysctl -w kernel.io_uring_disabled=0";
        } else if (seccompMode.filter(s -> s.equals("2")).isPresent()
                && (reason.contains("ENOSYS") || reason.contains("EPERM") || reason.contains("seccomp"))) {
            fix = "a seccomp filter blocks io_uring (Docker's default does): allow io_uring_setup, io_uring_enter "
                    + "and io_uring_register in the container's seccomp profile";
        } else if (reason.contains("ENOMEM") || reason.contains("locked memory")) {
            fix = "raise RLIMIT_MEMLOCK (now " + memlock.map(Checks::limitText).orElse("unknown")
                    + "): ulimit -l unlimited, or LimitMEMLOCK=infinity in the systemd unit";
        } else if (kernel.isPresent() && !kernel.get().atLeast(6, 0)) {
            fix = "upgrade to Linux 6.0 or newer; epoll works meanwhile";
        } else {
            fix = "use --backend epoll, or remove the cause named above";
        }
        return Finding.warn("io_uring", detail, fix);
    }

    static Finding nofile(Optional<Probes.Limit> limit) {
        if (limit.isEmpty()) {
            return Finding.warn("nofile", "cannot read RLIMIT_NOFILE", "check `ulimit -n`");
        }
        Probes.Limit l = limit.get();
        String what = "RLIMIT_NOFILE soft=" + count(l.soft()) + " hard=" + count(l.hard());
        if (l.unlimited() || l.soft() >= NOFILE_WANTED) {
            return Finding.ok("nofile", what);
        }
        return Finding.warn("nofile", what + ": one process holds at most about " + l.soft() + " connections",
                "LimitNOFILE=1048576 in the systemd unit (sysctl/ringwire.service), or ulimit -n 1048576 (at most fs.nr_open)");
    }

    static Finding memlock(Optional<Probes.Limit> limit) {
        if (limit.isEmpty()) {
            return Finding.warn("memlock", "cannot read RLIMIT_MEMLOCK", "check `ulimit -l`");
        }
        Probes.Limit l = limit.get();
        String what = "RLIMIT_MEMLOCK soft=" + limitBytes(l.soft()) + " hard=" + limitBytes(l.hard());
        if (l.unlimited() || l.soft() >= MEMLOCK_WANTED) {
            return Finding.ok("memlock", what);
        }
        return Finding.warn("memlock", what + ": io_uring rings and buffer rings may be charged to it (all of them"
                        + " before Linux 5.12), and io_uring setup then fails with ENOMEM",
                "LimitMEMLOCK=infinity in the systemd unit, or ulimit -l unlimited");
    }

    static Finding somaxconn(Optional<Long> somaxconn, int backlog) {
        if (somaxconn.isEmpty()) {
            return Finding.warn("somaxconn", "cannot read net.core.somaxconn", "check that /proc/sys is mounted");
        }
        long s = somaxconn.get();
        if (s < backlog) {
            return Finding.warn("somaxconn", "net.core.somaxconn=" + s + " caps ringwire's listen backlog of "
                            + backlog + " at " + s + "; bursts of new connections are dropped sooner",
                    "sysctl -w net.core.somaxconn=" + backlog + ", or apply the many-connections profile");
        }
        return Finding.ok("somaxconn", "net.core.somaxconn=" + s + ", not below ringwire's listen backlog of " + backlog);
    }

    static Finding portRange(Optional<String> range) {
        Optional<long[]> r = range.flatMap(Checks::twoNumbers);
        if (r.isEmpty()) {
            return Finding.warn("ports", "cannot read net.ipv4.ip_local_port_range", "check that /proc/sys is mounted");
        }
        long lo = r.get()[0];
        long hi = r.get()[1];
        long n = Math.max(0, hi - lo + 1);
        String what = "ephemeral ports " + lo + "-" + hi + " (" + n + ")";
        if (n < PORTS_WANTED) {
            return Finding.warn("ports", what + ": outgoing connections to one destination run out after "
                            + n + " (TIME-WAIT holds each for 60 s)",
                    "sysctl -w net.ipv4.ip_local_port_range=\"10000 65535\", or apply the many-connections profile");
        }
        return Finding.ok("ports", what);
    }

    static Finding transparentHugepages(Optional<String> enabled) {
        if (enabled.isEmpty()) {
            return Finding.ok("thp", "transparent hugepages not built into this kernel");
        }
        Matcher m = Pattern.compile("\\[(\\w+)]").matcher(enabled.get());
        String mode = m.find() ? m.group(1) : enabled.get();
        if (mode.equals("always")) {
            return Finding.warn("thp", "transparent hugepages: always; khugepaged and compaction can stall"
                            + " threads, which shows as latency spikes",
                    "echo madvise > /sys/kernel/mm/transparent_hugepage/enabled (tuned's network-latency sets never)");
        }
        return Finding.ok("thp", "transparent hugepages: " + mode);
    }

    static Finding busyPoll(Optional<Long> busyRead, Optional<Long> busyPoll) {
        if (busyRead.isEmpty() && busyPoll.isEmpty()) {
            return Finding.ok("busy_poll", "not in this kernel (no CONFIG_NET_RX_BUSY_POLL)");
        }
        long read = busyRead.orElse(0L);
        long poll = busyPoll.orElse(0L);
        String what = "net.core.busy_read=" + read + " busy_poll=" + poll + " (us)";
        if (read > BUSY_POLL_MAX_SENSIBLE_US || poll > BUSY_POLL_MAX_SENSIBLE_US) {
            return Finding.warn("busy_poll", what + ": each wait may spin that long, burning CPU for little gain",
                    "50 is the kernel's recommendation: apply the latency profile, or 0 to turn it off");
        }
        if (read == 0 && poll == 0) {
            return Finding.ok("busy_poll", what + ": off (the latency profile sets 50; SO_BUSY_POLL sets it per socket)");
        }
        return Finding.ok("busy_poll", what + ": on, trading CPU for latency");
    }

    /** @param governors CPU name to governor, for the CPUs that expose one */
    static Finding cpuGovernor(Map<String, String> governors) {
        if (governors.isEmpty()) {
            return Finding.ok("governor", "CPU frequency governor not exposed here (no cpufreq, as in most VMs)");
        }
        Map<String, List<String>> byGovernor = new TreeMap<>();
        governors.forEach((cpu, g) -> byGovernor.computeIfAbsent(g, k -> new ArrayList<>()).add(cpu));
        StringBuilder what = new StringBuilder("CPU frequency governor");
        byGovernor.forEach((g, cpus) -> what.append(' ').append(g).append(" (").append(cpus.size()).append(" CPUs)"));
        if (byGovernor.keySet().equals(Set.of("performance"))) {
            return Finding.ok("governor", what.toString());
        }
        return Finding.warn("governor", what + ": clock changes add latency and make benchmarks noisy",
                "cpupower frequency-set -g performance (tuned's latency-performance does this)");
    }

    /** Parses {@code /proc/self/limits} for one limit, such as "Max open files"; -1 is unlimited. */
    static Optional<Probes.Limit> procLimit(Optional<String> limitsFile, String name) {
        return limitsFile.flatMap(text -> text.lines()
                .filter(l -> l.startsWith(name + " "))
                .findFirst()
                .flatMap(l -> {
                    String[] f = l.substring(name.length()).strip().split("\\s+");
                    if (f.length < 2) {
                        return Optional.empty();
                    }
                    try {
                        return Optional.of(new Probes.Limit(limitValue(f[0]), limitValue(f[1])));
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                }));
    }

    private static long limitValue(String s) {
        return s.equals("unlimited") ? -1 : Long.parseLong(s);
    }

    private static Optional<long[]> twoNumbers(String text) {
        String[] f = text.strip().split("\\s+");
        if (f.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String count(long v) {
        return v < 0 ? "unlimited" : Long.toString(v);
    }

    static String limitBytes(long v) {
        if (v < 0) {
            return "unlimited";
        }
        if (v >= (1L << 20) && v % (1L << 20) == 0) {
            return (v >> 20) + "MiB";
        }
        if (v >= 1024 && v % 1024 == 0) {
            return (v >> 10) + "KiB";
        }
        return v + "B";
    }

    private static String limitText(Probes.Limit l) {
        return "soft=" + limitBytes(l.soft());
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').strip();
    }
}

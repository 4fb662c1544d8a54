package io.ringwire.cli.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each check, from fake inputs, to each verdict it can give. */
class ChecksTest {
    private static final Optional<String> NONE = Optional.empty();

    private static void assertVerdict(Status status, Finding f, String detailPart, String fixPart) {
        assertEquals(status, f.status(), f.line());
        assertTrue(f.detail().contains(detailPart), f.line() + " should say " + detailPart);
        if (status == Status.OK) {
            assertNull(f.fix());
        } else {
            assertTrue(f.fix().contains(fixPart), f.line() + " should fix with " + fixPart);
        }
    }

    @Test
    void kernel() {
        assertVerdict(Status.OK, Checks.kernel(Optional.of("6.8.0-45-generic")), "Linux 6.8.0-45-generic", null);
        assertVerdict(Status.WARN, Checks.kernel(Optional.of("5.15.0-100-generic")), "io_uring backend needs 6.0", "upgrade");
        assertVerdict(Status.FAIL, Checks.kernel(Optional.of("3.2.0")), "needs 3.9", "upgrade the kernel");
        assertVerdict(Status.WARN, Checks.kernel(Optional.of("weird")), "cannot tell", "uname");
        assertVerdict(Status.WARN, Checks.kernel(NONE), "cannot read", "/proc");
    }

    @Test
    void jdk() {
        assertVerdict(Status.OK, Checks.jdk(new Probes.Jdk(25, "25.0.1+8", "Vendor", "/jdk")), "Java 25.0.1+8 (Vendor, /jdk)", null);
        assertVerdict(Status.FAIL, Checks.jdk(new Probes.Jdk(17, "17.0.9", "Vendor", "/jdk")), "needs 21", "JAVA_HOME");
    }

    @Test
    void nativeLibrary() {
        assertVerdict(Status.OK, Checks.nativeLibrary(NONE), "loaded", null);
        assertVerdict(Status.FAIL, Checks.nativeLibrary(Optional.of("ringwire: cannot load /tmp/x.so: its directory is on"
                + " a noexec mount; set -Dringwire.native.tmpdir to a directory that allows executable mappings")),
                "noexec mount", "set -Dringwire.native.tmpdir");
        assertVerdict(Status.FAIL, Checks.nativeLibrary(Optional.of("something odd")), "something odd", "make build");
    }

    @Test
    void epoll() {
        assertVerdict(Status.OK, Checks.epoll(true, NONE), "started and stopped", null);
        assertVerdict(Status.FAIL, Checks.epoll(true, Optional.of("epoll_create1: EMFILE")), "EMFILE", "epoll_create1");
        assertVerdict(Status.FAIL, Checks.epoll(false, NONE), "not checked", "native library first");
    }

    private static Finding uring(Probes.Uring u, String disabled, String seccomp, String kernel) {
        return Checks.ioUring(Optional.of(u), Optional.ofNullable(disabled), Optional.ofNullable(seccomp),
                Optional.of(new Probes.Limit(65536, 65536)), KernelVersion.parse(kernel));
    }

    private static Probes.Uring unusable(String reason) {
        return new Probes.Uring(false, reason, List.of(), List.of());
    }

    @Test
    void ioUringUsableListsOpsAndFlags() {
        Finding f = uring(new Probes.Uring(true, null, List.of("ACCEPT", "RECV"), List.of("SINGLE_ISSUER", "DEFER_TASKRUN")),
                "0", "0", "6.8");
        assertVerdict(Status.OK, f, "usable; ops ACCEPT,RECV; setup flags SINGLE_ISSUER,DEFER_TASKRUN", null);
    }

    @Test
    void ioUringUnusableIsAWarningWithTheFixForItsCause() {
        assertVerdict(Status.WARN, uring(unusable("io_uring_setup: EPERM (Operation not permitted): kernel.io_uring_disabled=2 forbids it"),
                "2", "0", "6.8"), "backend auto uses epoll", "sysctl -w kernel.io_uring_disabled=0");
        assertVerdict(Status.WARN, uring(unusable("io_uring_setup: EPERM (Operation not permitted)"), "1", "0", "6.8"),
                "EPERM", "kernel.io_uring_group");
        assertVerdict(Status.WARN, uring(unusable("io_uring_setup: ENOSYS (Function not implemented): the kernel has no"
                + " io_uring, or a seccomp filter (such as Docker's default) blocks it"), "0", "2", "6.8"),
                "ENOSYS", "seccomp profile");
        assertVerdict(Status.WARN, uring(unusable("io_uring_setup: ENOMEM (Cannot allocate memory): locked memory for the"
                + " rings is exhausted"), "0", "0", "5.10"), "ENOMEM", "LimitMEMLOCK=infinity");
        assertVerdict(Status.WARN, uring(unusable("io_uring_register PROBE: EINVAL: the kernel is too old"), null, "0", "5.4"),
                "too old", "upgrade to Linux 6.0");
        assertVerdict(Status.WARN, uring(unusable("disabled by -Dringwire.io_uring.disable=true"), "0", "0", "6.8"),
                "disabled by", "drop -Dringwire.io_uring.disable=true");
        assertVerdict(Status.WARN, uring(unusable("something new"), "0", "0", "6.8"), "something new", "--backend epoll");
    }

    @Test
    void ioUringNotProbedWithoutTheLibrary() {
        assertVerdict(Status.WARN, Checks.ioUring(Optional.empty(), NONE, NONE, Optional.empty(), Optional.empty()),
                "not checked", "native library first");
    }

    @Test
    void nofile() {
        assertVerdict(Status.OK, Checks.nofile(Optional.of(new Probes.Limit(1_048_576, 1_048_576))), "soft=1048576 hard=1048576", null);
        assertVerdict(Status.OK, Checks.nofile(Optional.of(new Probes.Limit(-1, -1))), "soft=unlimited", null);
        assertVerdict(Status.WARN, Checks.nofile(Optional.of(new Probes.Limit(1024, 4096))), "at most about 1024 connections",
                "LimitNOFILE=1048576");
        assertVerdict(Status.WARN, Checks.nofile(Optional.empty()), "cannot read", "ulimit -n");
    }

    @Test
    void memlock() {
        assertVerdict(Status.OK, Checks.memlock(Optional.of(new Probes.Limit(8L << 20, 8L << 20))), "soft=8MiB hard=8MiB", null);
        assertVerdict(Status.OK, Checks.memlock(Optional.of(new Probes.Limit(-1, -1))), "unlimited", null);
        assertVerdict(Status.WARN, Checks.memlock(Optional.of(new Probes.Limit(65536, 65536))), "soft=64KiB", "LimitMEMLOCK=infinity");
    }

    @Test
    void somaxconnAgainstTheBacklog() {
        assertVerdict(Status.OK, Checks.somaxconn(Optional.of(4096L), 4096), "somaxconn=4096", null);
        assertVerdict(Status.WARN, Checks.somaxconn(Optional.of(128L), 4096), "caps ringwire's listen backlog of 4096 at 128",
                "sysctl -w net.core.somaxconn=4096");
        assertVerdict(Status.WARN, Checks.somaxconn(Optional.empty(), 4096), "cannot read", "mounted");
    }

    @Test
    void ephemeralPorts() {
        assertVerdict(Status.OK, Checks.portRange(Optional.of("32768\t60999")), "32768-60999 (28232)", null);
        assertVerdict(Status.WARN, Checks.portRange(Optional.of("60000 61000")), "(1001)", "ip_local_port_range=\"10000 65535\"");
        assertVerdict(Status.WARN, Checks.portRange(Optional.of("nonsense")), "cannot read", "mounted");
    }

    @Test
    void transparentHugepages() {
        assertVerdict(Status.OK, Checks.transparentHugepages(Optional.of("always [madvise] never")), "madvise", null);
        assertVerdict(Status.OK, Checks.transparentHugepages(Optional.of("always madvise [never]")), "never", null);
        assertVerdict(Status.WARN, Checks.transparentHugepages(Optional.of("[always] madvise never")), "always",
                "echo madvise > /sys/kernel/mm/transparent_hugepage/enabled");
        assertVerdict(Status.OK, Checks.transparentHugepages(NONE), "not built", null);
    }

    @Test
    void busyPoll() {
        assertVerdict(Status.OK, Checks.busyPoll(Optional.of(0L), Optional.of(0L)), "off", null);
        assertVerdict(Status.OK, Checks.busyPoll(Optional.of(50L), Optional.of(50L)), "busy_read=50 busy_poll=50", null);
        assertVerdict(Status.WARN, Checks.busyPoll(Optional.of(0L), Optional.of(100_000L)), "busy_poll=100000", "50");
        assertVerdict(Status.OK, Checks.busyPoll(Optional.empty(), Optional.empty()), "CONFIG_NET_RX_BUSY_POLL", null);
    }

    @Test
    void cpuGovernor() {
        assertVerdict(Status.OK, Checks.cpuGovernor(Map.of()), "not exposed", null);
        assertVerdict(Status.OK, Checks.cpuGovernor(Map.of("cpu0", "performance", "cpu1", "performance")),
                "performance (2 CPUs)", null);
        assertVerdict(Status.WARN, Checks.cpuGovernor(Map.of("cpu0", "performance", "cpu1", "powersave")),
                "performance (1 CPUs) powersave (1 CPUs)", "cpupower frequency-set -g performance");
    }

    @Test
    void procSelfLimitsParses() {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units
                Max open files            1024                 524288               files
                Max locked memory         unlimited            unlimited            bytes
                """;
        assertEquals(new Probes.Limit(1024, 524288), Checks.procLimit(Optional.of(limits), "Max open files").orElseThrow());
        assertEquals(new Probes.Limit(-1, -1), Checks.procLimit(Optional.of(limits), "Max locked memory").orElseThrow());
        assertTrue(Checks.procLimit(Optional.of(limits), "Max processes").isEmpty());
    }

    @Test
    void aLineIsStatusCheckDetailThenTheFix() {
        assertEquals("OK    kernel        Linux 6.8", Finding.ok("kernel", "Linux 6.8").line());
        assertEquals("WARN  somaxconn     low; fix: raise it", Finding.warn("somaxconn", "low", "raise it").line());
    }
}

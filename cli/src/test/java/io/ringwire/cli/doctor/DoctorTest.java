package io.ringwire.cli.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole report from a fake proc/sys tree and fake probes. */
class DoctorTest {
    @TempDir
    java.nio.file.Path dir;

    private final FakeProbes probes = new FakeProbes();

    private List<Finding> run(FakeHost host) {
        return new Doctor(host.fs(), probes, 4096).run();
    }

    private static Finding find(List<Finding> findings, String check) {
        return findings.stream().filter(f -> f.check().equals(check)).findFirst().orElseThrow();
    }

    @Test
    void aHealthyMachineIsAllOkInReportOrder() {
        List<Finding> findings = run(FakeHost.healthy(dir));
        assertEquals(List.of("kernel", "jdk", "native", "epoll", "io_uring", "nofile", "memlock", "somaxconn", "ports",
                "thp", "busy_poll", "governor"), findings.stream().map(Finding::check).toList());
        findings.forEach(f -> assertEquals(Status.OK, f.status(), f.line()));
        assertEquals(0, Doctor.exitCode(findings));
        assertTrue(find(findings, "governor").detail().contains("performance (2 CPUs)"), "policy dirs are not CPUs");
    }

    @Test
    void warningsStillExitZero() {
        List<Finding> findings = run(FakeHost.healthy(dir)
                .file("proc/sys/net/core/somaxconn", "128")
                .file("sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never"));
        assertEquals(Status.WARN, find(findings, "somaxconn").status());
        assertEquals(Status.WARN, find(findings, "thp").status());
        assertEquals(0, Doctor.exitCode(findings));
        assertEquals(Status.WARN, Doctor.worst(findings));
    }

    @Test
    void anyFailExitsOne() {
        List<Finding> findings = run(FakeHost.healthy(dir).file("proc/sys/kernel/osrelease", "3.2.0-4-amd64"));
        assertEquals(Status.FAIL, find(findings, "kernel").status());
        assertEquals(1, Doctor.exitCode(findings));
    }

    @Test
    void ioUringRefusalIsExplainedFromTheFakeSysctlAndSeccomp() {
        probes.uring = new Probes.Uring(false, "io_uring_setup: EPERM (Operation not permitted): kernel.io_uring_disabled=2"
                + " forbids it (set it to 0)", List.of(), List.of());
        Finding f = find(run(FakeHost.healthy(dir).file("proc/sys/kernel/io_uring_disabled", "2")), "io_uring");
        assertEquals(Status.WARN, f.status());
        assertTrue(f.fix().contains("sysctl -w kernel.io_uring_disabled=0"), f.line());

        probes.uring = new Probes.Uring(false, "io_uring_setup: ENOSYS (Function not implemented)", List.of(), List.of());
        f = find(run(FakeHost.healthy(dir).file("proc/self/status", "Name:\tjava\nSeccomp:\t2\nSeccomp_filters:\t1")),
                "io_uring");
        assertTrue(f.fix().contains("seccomp"), f.line());
    }

    @Test
    void withoutTheNativeLibraryLimitsComeFromProcSelfLimitsAndNothingNativeIsProbed() {
        probes.nativeError = Optional.of("ringwire: needs Linux, but this is Plan 9; use the JDK's NIO transport on this platform");
        probes.nofile = Optional.empty();
        probes.memlock = Optional.empty();
        List<Finding> findings = run(FakeHost.healthy(dir).file("proc/self/limits", """
                Limit                     Soft Limit           Hard Limit           Units
                Max open files            1024                 4096                 files
                Max locked memory         65536                65536                bytes"""));
        assertEquals(Status.FAIL, find(findings, "native").status());
        assertEquals("use the JDK's NIO transport on this platform", find(findings, "native").fix());
        assertEquals(Status.FAIL, find(findings, "epoll").status());
        assertEquals(Status.WARN, find(findings, "io_uring").status());
        assertTrue(find(findings, "nofile").detail().contains("soft=1024 hard=4096"), find(findings, "nofile").line());
        assertTrue(find(findings, "memlock").detail().contains("soft=64KiB"), find(findings, "memlock").line());
        assertEquals(0, probes.epollCalls);
        assertEquals(0, probes.uringCalls);
        assertEquals(1, Doctor.exitCode(findings));
    }

    @Test
    void anEmptyRootWarnsButDoesNotFail() {
        List<Finding> findings = run(new FakeHost(dir));
        assertEquals(0, Doctor.exitCode(findings), findings.toString());
        assertEquals(Status.WARN, find(findings, "kernel").status());
        assertEquals(Status.WARN, find(findings, "somaxconn").status());
    }

    @Test
    void jsonIsValidAndHoldsTheSameFindings() {
        List<Finding> findings = run(FakeHost.healthy(dir)
                .file("proc/sys/kernel/osrelease", "3.2.0 \"quoted\" \\ back\tslash")
                .file("proc/sys/net/core/somaxconn", "128"));
        Object parsed = MiniJson.parse(Json.report(findings));
        Map<?, ?> doc = (Map<?, ?>) parsed;
        assertEquals("FAIL", doc.get("status"));
        assertEquals(1.0, doc.get("exit_code"));
        List<?> list = (List<?>) doc.get("findings");
        assertEquals(findings.size(), list.size());
        for (int i = 0; i < findings.size(); i++) {
            Map<?, ?> m = (Map<?, ?>) list.get(i);
            Finding f = findings.get(i);
            assertEquals(f.check(), m.get("check"));
            assertEquals(f.status().name(), m.get("status"));
            assertEquals(f.detail(), m.get("detail"));
            assertEquals(f.fix(), m.get("fix"));
        }
    }

    @Test
    void theJsonParserUsedHereRejectsInvalidJson() {
        for (String bad : List.of("{", "{\"a\":1,}", "[1 2]", "{\"a\":'x'}", "\"\t\"", "{} x", "01")) {
            assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(bad), bad);
        }
    }

    @Test
    void aFindingNeedsAFixExactlyWhenItIsNotOk() {
        assertThrows(IllegalArgumentException.class, () -> new Finding("x", Status.OK, "d", "fix"));
        assertThrows(IllegalArgumentException.class, () -> new Finding("x", Status.WARN, "d", null));
    }
}

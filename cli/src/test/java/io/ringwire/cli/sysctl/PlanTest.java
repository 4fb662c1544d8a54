package io.ringwire.cli.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code sysctl diff} decides and prints, against a fake /proc/sys. */
class PlanTest {
    @TempDir
    Path dir;

    private static final String PROFILE = """
            # raise-only
            net.core.somaxconn = 65535
            # raise-only
            fs.file-max = 2097152
            # raise-only
            net.ipv4.tcp_rmem = 4096 131072 67108864
            net.ipv4.tcp_tw_reuse = 1
            net.ipv4.tcp_slow_start_after_idle = 0
            net.core.busy_poll = 50
            # raise-only
            net.ipv4.tcp_congestion_control = 5
            """;

    private Plan plan(FakeProcSys sys) {
        return Plan.of(Profile.parse("demo", Path.of("demo.conf"), PROFILE), sys.tree());
    }

    private FakeProcSys machine() {
        return new FakeProcSys(dir)
                .set("net.core.somaxconn", "4096")
                .set("fs.file-max", "9223372036854775807")
                .set("net.ipv4.tcp_rmem", "8192 87380 6291456")
                .set("net.ipv4.tcp_tw_reuse", "2")
                .set("net.ipv4.tcp_slow_start_after_idle", "0")
                .set("net.ipv4.tcp_congestion_control", "cubic");
        // net.core.busy_poll is absent, as in a kernel without CONFIG_NET_RX_BUSY_POLL.
    }

    @Test
    void decidesEachKeysOutcome() {
        List<Plan.Entry> e = plan(machine()).entries();
        assertEquals(Plan.Outcome.CHANGE, e.get(0).outcome());
        assertEquals(List.of("65535"), e.get(0).target());
        assertNull(e.get(0).note(), "a plain raise needs no note");

        assertEquals(Plan.Outcome.KEEP, e.get(1).outcome(), "raise-only keeps the higher file-max");
        assertEquals(List.of("9223372036854775807"), e.get(1).target());

        assertEquals(Plan.Outcome.CHANGE, e.get(2).outcome());
        assertEquals(List.of("8192", "131072", "67108864"), e.get(2).target(), "element-wise: the min stays 8192");
        assertTrue(e.get(2).note().startsWith("raise-only"));

        assertEquals(Plan.Outcome.CHANGE, e.get(3).outcome(), "tcp_tw_reuse is a setting, not a limit: lowered as asked");
        assertEquals(List.of("1"), e.get(3).target());

        assertEquals(Plan.Outcome.SAME, e.get(4).outcome());
        assertEquals(Plan.Outcome.ABSENT, e.get(5).outcome());
        assertEquals(Plan.Outcome.SKIP, e.get(6).outcome(), "raise-only cannot compare a name with a number");
        assertEquals(List.of("cubic"), e.get(6).target());

        assertEquals(3, plan(machine()).changes().size());
    }

    @Test
    void printsOneLinePerKeyAndASummary() {
        FakeProcSys sys = machine();
        List<String> lines = plan(sys).describe();
        assertEquals(List.of(
                "profile demo (demo.conf) against " + dir.toAbsolutePath().normalize(),
                "change  net.core.somaxconn                  4096 -> 65535",
                "keep    fs.file-max                         9223372036854775807 (raise-only: already above the profile's 2097152)",
                "change  net.ipv4.tcp_rmem                   8192 87380 6291456 -> 8192 131072 67108864"
                        + " (raise-only: keeps the elements already above the profile's 4096 131072 67108864)",
                "change  net.ipv4.tcp_tw_reuse               2 -> 1",
                "same    net.ipv4.tcp_slow_start_after_idle  0",
                "absent  net.core.busy_poll                  (profile 50; this kernel has no such key)",
                "skip    net.ipv4.tcp_congestion_control     cubic (profile 5; raise-only compares integers, and the"
                        + " machine's value has 'cubic'; left alone)",
                "7 keys: 3 to change, 1 same, 1 kept higher, 1 absent, 1 skipped"), lines);
    }

    @Test
    void diffOnlyReads() throws Exception {
        FakeProcSys sys = machine();
        String before = snapshot();
        plan(sys).describe();
        assertEquals(before, snapshot());
    }

    @Test
    void keysWithSlashesMapToTheSameFiles() throws Exception {
        FakeProcSys sys = new FakeProcSys(dir).set("net.core.somaxconn", "128");
        Plan p = Plan.of(Profile.parse("s", Path.of("s.conf"), "net/core/somaxconn = 4096\n"), sys.tree());
        assertEquals(List.of("128"), p.entries().get(0).current());
        assertFalse(p.changes().isEmpty());
    }

    private String snapshot() throws Exception {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted().toList()) {
                sb.append(dir.relativize(f)).append('=').append(Files.isRegularFile(f) ? Files.readString(f) : "/").append('\n');
            }
        }
        return sb.toString();
    }
}

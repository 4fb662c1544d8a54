package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code bin/ringwire sysctl} as a process. Nothing here changes this machine: the live
 * /proc/sys is only read (diff) or dry-run; real writes go to a fake root through --root.
 */
@Timeout(120)
class SysctlIT {
    private static final List<String> PROFILES = List.of("latency", "throughput", "many-connections");

    /** Reads a sysctl line by line: one large read, unlike Files.readString (see KernelFiles). */
    private static String live(String key) throws Exception {
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys", key.replace('.', '/')))) {
            return r.readLine().strip().replaceAll("\\s+", " ");
        }
    }

    @Test
    void diffShowsTheLiveValueOfEveryKey() throws Exception {
        for (String profile : PROFILES) {
            DoctorIT.Run r = DoctorIT.run("sysctl", "diff", "--profile", profile);
            assertEquals(0, r.exit(), r.out() + r.err());
            assertEquals("", r.err());
            List<String> lines = r.lines();
            assertTrue(lines.get(0).startsWith("profile " + profile + " ("), lines.get(0));
            assertTrue(lines.get(lines.size() - 1).matches("\\d+ keys: .*"), lines.get(lines.size() - 1));
        }
        // A multi-digit value is shown whole (a one-byte read would show "4" for 4096).
        DoctorIT.Run r = DoctorIT.run("sysctl", "diff", "--profile", "many-connections");
        String somaxconn = r.lines().stream().filter(l -> l.contains(" net.core.somaxconn ")).findFirst().orElseThrow();
        assertTrue(somaxconn.matches("\\S+\\s+net\\.core\\.somaxconn\\s+" + live("net.core.somaxconn") + "( .*)?"), somaxconn);
        String range = r.lines().stream().filter(l -> l.contains("ip_local_port_range")).findFirst().orElseThrow();
        assertTrue(range.contains(live("net.ipv4.ip_local_port_range")), range);
    }

    @Test
    void aLiveDryRunChangesNothing(@TempDir Path cwd) throws Exception {
        for (String profile : PROFILES) {
            Path file = Path.of("..", "sysctl", profile + ".conf");
            List<String> keys = Files.readAllLines(file).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("=")[0].strip()).toList();
            List<String> before = values(keys);
            DoctorIT.Run r = DoctorIT.run("sysctl", "apply", "--profile", profile, "--dry-run",
                    "--save", cwd.resolve(profile + ".restore").toString());
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("dry run: nothing written") || r.out().contains("nothing to change"), r.out());
            assertEquals(before, values(keys), "a dry run changed the machine");
            assertFalse(Files.exists(cwd.resolve(profile + ".restore")), "a dry run saves nothing");
        }
    }

    private static List<String> values(List<String> keys) throws Exception {
        List<String> v = new java.util.ArrayList<>();
        for (String k : keys) {
            Path p = Path.of("/proc/sys", k.replace('.', '/'));
            v.add(Files.exists(p) ? live(k) : "(absent)");
        }
        return v;
    }

    @Test
    void applyAndRestoreRoundTripOnAFakeRoot(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("proc-sys");
        fake(root, "net/core/busy_read", "0");
        fake(root, "net/core/busy_poll", "0");
        fake(root, "net/ipv4/tcp_fastopen", "1025");
        Path saved = dir.resolve("latency.restore");

        DoctorIT.Run r = DoctorIT.run("sysctl", "apply", "--profile", "latency", "--root", root.toString(), "--save", saved.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("50", Files.readString(root.resolve("net/core/busy_read")).strip());
        assertEquals("1027", Files.readString(root.resolve("net/ipv4/tcp_fastopen")).strip(), "add-bits kept 0x400");
        assertTrue(r.out().contains("undo with: ringwire sysctl apply --restore " + saved), r.out());

        r = DoctorIT.run("sysctl", "apply", "--restore", saved.toString(), "--root", root.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("0", Files.readString(root.resolve("net/core/busy_read")).strip());
        assertEquals("0", Files.readString(root.resolve("net/core/busy_poll")).strip());
        assertEquals("1025", Files.readString(root.resolve("net/ipv4/tcp_fastopen")).strip());

        r = DoctorIT.run("sysctl", "diff", "--profile", "latency", "--root", root.toString());
        assertTrue(r.out().contains("3 to change"), r.out());
    }

    private static void fake(Path root, String key, String value) throws Exception {
        Path p = root.resolve(key);
        Files.createDirectories(p.getParent());
        Files.writeString(p, value + "\n");
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of(List.of("sysctl"), "subcommand"),
                Arguments.of(List.of("sysctl", "diff"), "--profile"),
                Arguments.of(List.of("sysctl", "diff", "--profile", "no-such-profile"), "no-such-profile"),
                Arguments.of(List.of("sysctl", "diff", "--profile", "/no/such.conf"), "--profile"),
                Arguments.of(List.of("sysctl", "apply"), "--profile"),
                Arguments.of(List.of("sysctl", "apply", "--profile", "latency", "--restore", "x"), "--restore"),
                Arguments.of(List.of("sysctl", "apply", "--restore", "/no/such.restore"), "--restore"),
                Arguments.of(List.of("sysctl", "apply", "--profile", "latency", "--bogus"), "--bogus"),
                Arguments.of(List.of("sysctl", "frobnicate"), "frobnicate"));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsExitTwoWithOneLineNamingThem(List<String> args, String named) throws Exception {
        DoctorIT.Run r = DoctorIT.run(args.toArray(String[]::new));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(named), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aMalformedProfileIsABadArgumentNamingTheLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "# raise-only\nnet.core.somaxconn\n");
        DoctorIT.Run r = DoctorIT.run("sysctl", "diff", "--profile", bad.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("bad.conf:2: expected 'key = value'"), r.err());
    }
}

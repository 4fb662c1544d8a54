package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.cli.doctor.MiniJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/ringwire doctor} on this machine, as users run it. */
@Timeout(120)
class DoctorIT {

    /** Runs to completion and returns the exit code, stdout and stderr. */
    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run run(String... args) throws Exception {
        try (RingwireProcess p = RingwireProcess.start(args)) {
            String out = new String(p.process.getInputStream().readAllBytes());
            int exit = p.awaitExit();
            return new Run(exit, out, p.stderr.join());
        }
    }

    @Test
    void runsHereAndEveryLineIsAVerdict() throws Exception {
        Run r = run("doctor");
        assertTrue(r.exit() == 0 || r.exit() == 1, "exit " + r.exit() + "\n" + r.out() + r.err());
        assertFalse(r.lines().isEmpty());
        for (String line : r.lines()) {
            assertTrue(line.matches("(OK|WARN|FAIL) .*"), "not a verdict line: " + line);
            assertEquals(line.startsWith("OK"), !line.contains("; fix: "), "a fix goes with WARN and FAIL only: " + line);
        }
        assertEquals(r.lines().stream().anyMatch(l -> l.startsWith("FAIL")) ? 1 : 0, r.exit(), r.out());
        assertFalse(r.err().contains("WARNING"), "a JVM warning reached the terminal: " + r.err());
        assertEquals("", r.err().strip(), "doctor reports on stdout only");
        for (String check : List.of("kernel", "jdk", "native", "epoll", "io_uring", "nofile", "memlock", "somaxconn",
                "ports", "thp", "busy_poll", "governor")) {
            assertTrue(r.lines().stream().anyMatch(l -> l.matches("\\S+\\s+" + check + " .*")), "no " + check + " line:\n" + r.out());
        }
        // The library loaded and epoll works, or the remaining tests of this module would not pass either.
        assertTrue(r.out().contains("OK    native"), r.out());
        assertTrue(r.out().contains("OK    epoll"), r.out());
    }

    @Test
    void jsonHasTheSameFindingsAsTheLines() throws Exception {
        Run text = run("doctor");
        Run json = run("doctor", "--json");
        assertEquals(text.exit(), json.exit());
        assertFalse(json.err().contains("WARNING"), json.err());
        Map<?, ?> doc = (Map<?, ?>) MiniJson.parse(json.out());
        List<?> findings = (List<?>) doc.get("findings");
        List<String> lines = text.lines();
        assertEquals(lines.size(), findings.size());
        for (int i = 0; i < lines.size(); i++) {
            Map<?, ?> f = (Map<?, ?>) findings.get(i);
            String[] cols = lines.get(i).split("\\s+", 3);
            assertEquals(cols[0], f.get("status"), lines.get(i));
            assertEquals(cols[1], f.get("check"), lines.get(i));
            assertTrue(lines.get(i).contains((String) f.get("detail")),
                    "the detail differs: " + lines.get(i) + " vs " + f.get("detail"));
        }
        assertEquals((double) text.exit(), doc.get("exit_code"));
    }

    /** Fake kernel files through the hidden --root: a FAIL exits 1 from the real process too. */
    @Test
    void aFailExitsOne(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), "3.2.0-4-amd64\n");
        Run r = run("doctor", "--root", root.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL  kernel") && l.contains("; fix: ")), r.out());
    }

    @Test
    void badArgumentsExitTwoWithOneLine() throws Exception {
        Run r = run("doctor", "--no-such-option");
        assertEquals(2, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--no-such-option"), r.err());
        assertEquals("", r.out());
    }
}

package io.ringwire.cli.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apply and --restore against a fake /proc/sys: the real one is never written by a test. */
class ApplierTest {
    @TempDir
    Path dir;

    private FakeProcSys sys;
    private Path backup;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private static final String PROFILE = """
            # raise-only
            net.core.somaxconn = 65535
            # raise-only
            net.ipv4.tcp_rmem = 4096 131072 67108864
            # widen-only
            net.ipv4.ip_local_port_range = 10000 65535
            # raise-only
            fs.file-max = 2097152
            net.ipv4.tcp_tw_reuse = 1
            net.core.busy_poll = 50
            """;

    @BeforeEach
    void machine() {
        sys = new FakeProcSys(dir.resolve("proc-sys"))
                .set("net.core.somaxconn", "4096")
                .set("net.ipv4.tcp_rmem", "8192 87380 6291456")
                .set("net.ipv4.ip_local_port_range", "32768 60999")
                .set("fs.file-max", "9223372036854775807")
                .set("net.ipv4.tcp_tw_reuse", "2");
        backup = dir.resolve("saved.restore");
    }

    private Plan plan(SysctlTree tree) {
        return Plan.of(Profile.parse("demo", Path.of("demo.conf"), PROFILE), tree);
    }

    private int apply(SysctlTree tree, boolean dryRun) {
        return Applier.apply(plan(tree), backup, dryRun, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void appliesThenRestoresExactlyThePreviousValues() throws Exception {
        assertEquals(0, apply(sys.tree(), false), err.toString());
        assertEquals("65535", sys.get("net.core.somaxconn"));
        assertEquals("8192 131072 67108864", sys.get("net.ipv4.tcp_rmem"), "raise-only kept the higher minimum");
        assertEquals("10000 65535", sys.get("net.ipv4.ip_local_port_range"));
        assertEquals("9223372036854775807", sys.get("fs.file-max"), "raise-only never lowers");
        assertEquals("1", sys.get("net.ipv4.tcp_tw_reuse"));
        assertTrue(out.toString().contains("set  net.core.somaxconn = 65535 (was 4096)"), out.toString());
        assertTrue(out.toString().contains("absent  net.core.busy_poll"), out.toString());
        assertTrue(out.toString().contains("undo with: ringwire sysctl apply --restore " + backup), out.toString());

        // The restore file is a sysctl.d file holding only the keys that changed, with their old values.
        Profile saved = Profile.read(backup);
        assertEquals(List.of("net.core.somaxconn", "net.ipv4.tcp_rmem", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_tw_reuse"),
                saved.settings().stream().map(Setting::key).toList());
        assertEquals(List.of("32768", "60999"), saved.settings().get(2).value());

        StringWriter restoreOut = new StringWriter();
        assertEquals(0, Applier.restore(saved, sys.tree(), false, new PrintWriter(restoreOut, true), new PrintWriter(err, true)));
        assertEquals("4096", sys.get("net.core.somaxconn"));
        assertEquals("8192 87380 6291456", sys.get("net.ipv4.tcp_rmem"));
        assertEquals("32768 60999", sys.get("net.ipv4.ip_local_port_range"));
        assertEquals("9223372036854775807", sys.get("fs.file-max"));
        assertEquals("2", sys.get("net.ipv4.tcp_tw_reuse"));
        assertTrue(restoreOut.toString().contains("restored 4 key(s)"), restoreOut.toString());

        // Applying again after a restore is the same as the first time.
        assertEquals(0, Applier.apply(plan(sys.tree()), dir.resolve("second.restore"), false,
                new PrintWriter(new StringWriter()), new PrintWriter(err, true)));
        assertEquals("65535", sys.get("net.core.somaxconn"));
    }

    @Test
    void aSecondApplyChangesNothingAndWritesNoRestoreFile() {
        assertEquals(0, apply(sys.tree(), false));
        backup = dir.resolve("again.restore");
        out.getBuffer().setLength(0);
        assertEquals(0, apply(sys.tree(), false));
        assertTrue(out.toString().contains("nothing to change"), out.toString());
        assertFalse(Files.exists(backup));
    }

    @Test
    void dryRunWritesNothingAtAll() {
        assertEquals(0, apply(sys.tree(), true));
        assertEquals("4096", sys.get("net.core.somaxconn"));
        assertEquals("2", sys.get("net.ipv4.tcp_tw_reuse"));
        assertFalse(Files.exists(backup), "a dry run saves nothing either");
        assertTrue(out.toString().contains("would set  net.core.somaxconn = 65535 (now 4096)"), out.toString());
        assertTrue(out.toString().contains("dry run: nothing written; 4 of 6 keys of profile demo would change"), out.toString());
    }

    @Test
    void refusesToOverwriteAnEarlierRestoreFileAndThenChangesNothing() throws Exception {
        Files.writeString(backup, "net.core.somaxconn = 128\n");
        assertEquals(1, apply(sys.tree(), false));
        assertEquals("4096", sys.get("net.core.somaxconn"));
        assertEquals("net.core.somaxconn = 128\n", Files.readString(backup));
        assertTrue(err.toString().contains("it already exists; nothing was changed"), err.toString());
    }

    @Test
    void aFailedWritePutsBackWhatWasAlreadyWritten() {
        SysctlTree failing = new SysctlTree(sys.root) {
            @Override
            public void write(String key, List<String> value) throws IOException {
                if (key.equals("net.ipv4.ip_local_port_range") && !value.equals(List.of("32768", "60999"))) {
                    throw new IOException("Invalid argument");
                }
                super.write(key, value);
            }
        };
        assertEquals(1, apply(failing, false));
        assertEquals("4096", sys.get("net.core.somaxconn"), "rolled back");
        assertEquals("8192 87380 6291456", sys.get("net.ipv4.tcp_rmem"), "rolled back");
        assertEquals("32768 60999", sys.get("net.ipv4.ip_local_port_range"));
        assertEquals("2", sys.get("net.ipv4.tcp_tw_reuse"), "never reached");
        assertTrue(err.toString().contains("cannot set net.ipv4.ip_local_port_range = 10000 65535: Invalid argument;"
                + " putting back the 2 key(s) already set"), err.toString());
        assertTrue(Files.exists(backup), "the restore file was written before the first change");
    }

    @Test
    void restoreKeepsGoingPastAMissingKeyAndReportsIt() throws Exception {
        Path file = dir.resolve("old.restore");
        Files.writeString(file, "net.core.somaxconn = 128\nnet.core.no_such_key = 1\nnet.ipv4.tcp_tw_reuse = 0\n");
        int code = Applier.restore(Profile.read(file), sys.tree(), false, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(1, code);
        assertEquals("128", sys.get("net.core.somaxconn"));
        assertEquals("0", sys.get("net.ipv4.tcp_tw_reuse"));
        assertTrue(err.toString().contains("net.core.no_such_key does not exist"), err.toString());
        assertFalse(Files.exists(sys.root.resolve("net/core/no_such_key")), "restore never creates keys");
    }

    @Test
    void restoreDryRunWritesNothing() throws Exception {
        Path file = dir.resolve("old.restore");
        Files.writeString(file, "net.core.somaxconn = 128\n");
        assertEquals(0, Applier.restore(Profile.read(file), sys.tree(), true, new PrintWriter(out, true), new PrintWriter(err, true)));
        assertEquals("4096", sys.get("net.core.somaxconn"));
        assertTrue(out.toString().contains("would restore  net.core.somaxconn = 128 (now 4096)"), out.toString());
    }

    @Test
    void writesAValueInOneLineJoinedBySpaces() throws Exception {
        sys.tree().write("net.ipv4.tcp_rmem", List.of("4096", "131072", "6291456"));
        assertEquals("4096 131072 6291456\n", Files.readString(sys.root.resolve("net/ipv4/tcp_rmem")));
    }

    @Test
    void aWriteNeverCreatesAKey() {
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> sys.tree().write("net.core.busy_poll", List.of("50"))) instanceof java.nio.file.NoSuchFileException);
    }
}

package io.ringwire.cli.sysctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carries out {@code sysctl apply}: writes a plan's changes after saving the values they replace,
 * and puts saved values back ({@code --restore}).
 *
 * <p>The order matters for safety: the restore file is written (and must be new) before the first
 * key changes, so an interrupted apply can always be undone. If a write fails, the keys already
 * written are put back at once, so a failed apply leaves the machine as it was. After each write
 * the key is read back, because the kernel may clamp a value rather than refuse it.
 */
public final class Applier {
    private Applier() {
    }

    /**
     * Applies the plan's changes to its tree, or with {@code dryRun} only prints them.
     *
     * @param backup where to save the values being replaced; must not exist yet (ignored on a dry run)
     * @return the exit code: 0 done (or nothing to do), 1 a write or the backup failed
     */
    public static int apply(Plan plan, Path backup, boolean dryRun, PrintWriter out, PrintWriter err) {
        SysctlTree tree = plan.tree();
        List<Plan.Entry> changes = plan.changes();
        for (Plan.Entry e : plan.entries()) {
            if (e.outcome() == Plan.Outcome.ABSENT || e.outcome() == Plan.Outcome.SKIP) {
                out.println(e.outcome().label() + "  " + e.setting().key() + " (" + e.note() + ")");
            }
        }
        if (changes.isEmpty()) {
            out.println("nothing to change: " + tree.root() + " already matches profile " + plan.profile().name());
            return 0;
        }
        if (dryRun) {
            for (Plan.Entry e : changes) {
                out.println("would set  " + e.setting().key() + " = " + Plan.join(e.target()) + " (now " + Plan.join(e.current()) + ")");
            }
            out.println("dry run: nothing written; " + changes.size() + " of " + plan.entries().size()
                    + " keys of profile " + plan.profile().name() + " would change");
            return 0;
        }
        try {
            writeBackup(plan, changes, backup);
        } catch (IOException e) {
            err.println("ringwire sysctl apply: cannot save the current values to " + backup + ": " + describe(e)
                    + "; nothing was changed");
            return 1;
        }
        List<Plan.Entry> done = new ArrayList<>();
        for (Plan.Entry e : changes) {
            String key = e.setting().key();
            try {
                tree.write(key, e.target());
            } catch (IOException ex) {
                err.println("ringwire sysctl apply: cannot set " + key + " = " + Plan.join(e.target()) + ": "
                        + describe(ex) + "; putting back the " + done.size() + " key(s) already set");
                rollback(tree, done, err);
                return 1;
            }
            done.add(e);
            String readBack = readBack(tree, key);
            out.println("set  " + key + " = " + Plan.join(e.target()) + " (was " + Plan.join(e.current()) + ")"
                    + (readBack.equals(Plan.join(e.target())) ? "" : "; the kernel now reports " + readBack));
        }
        out.println("applied " + done.size() + " of " + plan.entries().size() + " keys of profile "
                + plan.profile().name() + "; the previous values are in " + backup);
        out.println("undo with: ringwire sysctl apply --restore " + backup);
        if (tree.isLive()) {
            out.println("these last until reboot; to keep them, see 'Making it permanent' in sysctl/README.md");
        }
        return 0;
    }

    /**
     * Puts back the values of a restore file (or of any profile, as written: rules do not apply,
     * since the point is to return to exactly these values). Keeps going past a failed key.
     *
     * @return 0 if every key now has its saved value, 1 otherwise
     */
    public static int restore(Profile saved, SysctlTree tree, boolean dryRun, PrintWriter out, PrintWriter err) {
        int failed = 0;
        int written = 0;
        for (Setting s : saved.settings()) {
            String key = s.key();
            Optional<List<String>> current;
            try {
                current = tree.read(key);
            } catch (IOException e) {
                err.println("ringwire sysctl apply --restore: cannot read " + key + ": " + describe(e));
                failed++;
                continue;
            }
            if (current.isEmpty()) {
                err.println("ringwire sysctl apply --restore: " + key + " does not exist in " + tree.root() + "; skipped");
                failed++;
                continue;
            }
            if (current.get().equals(s.value())) {
                out.println("same  " + key + " = " + s.valueText());
                continue;
            }
            if (dryRun) {
                out.println("would restore  " + key + " = " + s.valueText() + " (now " + Plan.join(current.get()) + ")");
                written++;
                continue;
            }
            try {
                tree.write(key, s.value());
                written++;
                out.println("restored  " + key + " = " + s.valueText() + " (was " + Plan.join(current.get()) + ")");
            } catch (IOException e) {
                err.println("ringwire sysctl apply --restore: cannot set " + key + " = " + s.valueText() + ": " + describe(e));
                failed++;
            }
        }
        out.println((dryRun ? "dry run: nothing written; " + written + " key(s) would be restored"
                : "restored " + written + " key(s)") + " from " + saved.source()
                + (failed == 0 ? "" : "; " + failed + " failed"));
        return failed == 0 ? 0 : 1;
    }

    /** A restore file is itself a profile: sysctl -p reads it too. */
    static void writeBackup(Plan plan, List<Plan.Entry> changes, Path backup) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# Written by `ringwire sysctl apply --profile ").append(plan.profile().name()).append("` (")
                .append(plan.profile().source()).append(")\n");
        sb.append("# at ").append(OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(", for ").append(plan.tree().root()).append(": the values it replaced.\n");
        sb.append("# Put them back with: ringwire sysctl apply --restore ").append(backup).append("\n");
        sb.append("# (or: sysctl -p ").append(backup).append(")\n");
        for (Plan.Entry e : changes) {
            sb.append(e.setting().key()).append(" = ").append(String.join(" ", e.current())).append('\n');
        }
        Path parent = backup.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // CREATE_NEW: an older restore file may be the only record of the original values.
        Files.writeString(backup, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    private static void rollback(SysctlTree tree, List<Plan.Entry> done, PrintWriter err) {
        for (int i = done.size() - 1; i >= 0; i--) {
            Plan.Entry e = done.get(i);
            try {
                tree.write(e.setting().key(), e.current());
            } catch (IOException ex) {
                err.println("ringwire sysctl apply: could not put back " + e.setting().key() + " = "
                        + Plan.join(e.current()) + ": " + describe(ex) + "; the restore file has it");
            }
        }
    }

    private static String readBack(SysctlTree tree, String key) {
        try {
            return tree.read(key).map(Plan::join).orElse("(gone)");
        } catch (IOException e) {
            return "(unreadable: " + describe(e) + ")";
        }
    }

    /** One line for an I/O error: the reason the kernel gave, without the Java type noise. */
    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it already exists";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof FileSystemException fse) {
            return e.getClass().getSimpleName() + " " + fse.getFile();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}

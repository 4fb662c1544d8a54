package io.ringwire.cli.sysctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ringwire sysctl apply --profile NAME | --restore FILE [--dry-run]}.
 *
 * <p>Writing {@code /proc/sys} needs root; a dry run does not. Before it changes anything, apply
 * saves the values it replaces to a new file ({@code --save}, by default
 * {@code ringwire-sysctl-NAME-TIMESTAMP.restore} in the working directory), which
 * {@code --restore} puts back.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Apply a profile to the running kernel (root), saving the previous values; or put saved values back.")
final class SysctlApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "A profile in sysctl/ (latency, throughput, many-connections) or a path to a .conf file.")
    String profile;

    @Option(names = "--restore", paramLabel = "FILE", description = "Put back the values a previous apply saved in FILE.")
    Path restore;

    @Option(names = "--dry-run", description = "Print what would be written, and write nothing.")
    boolean dryRun;

    @Option(names = "--save", paramLabel = "FILE",
            description = "Where to save the values being replaced; must not exist (default: ringwire-sysctl-NAME-TIMESTAMP.restore here).")
    Path save;

    @Option(names = "--root", paramLabel = "DIR", hidden = true,
            description = "Read and write sysctls under DIR instead of /proc/sys (for tests).")
    Path root = SysctlTree.PROC_SYS;

    @Override
    public Integer call() {
        if ((profile == null) == (restore == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give exactly one of --profile NAME and --restore FILE");
        }
        if (restore != null && save != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--save goes with --profile, not --restore");
        }
        SysctlTree tree = new SysctlTree(root);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Profile source = restore != null ? loadRestoreFile() : SysctlCommand.loadProfile(spec, "--profile", profile);
        Optional<String> refusal = refusal(tree, dryRun, effectiveUid(Path.of("/proc/self/status")));
        if (refusal.isPresent()) {
            err.println("ringwire sysctl apply: " + refusal.get());
            err.flush();
            return 1;
        }
        int code;
        if (restore != null) {
            code = Applier.restore(source, tree, dryRun, out, err);
        } else {
            Path backup = save != null ? save : Path.of("ringwire-sysctl-" + source.name() + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".restore");
            code = Applier.apply(Plan.of(source, tree), backup.toAbsolutePath(), dryRun, out, err);
        }
        out.flush();
        err.flush();
        return code;
    }

    private Profile loadRestoreFile() {
        if (!Files.isRegularFile(restore)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--restore: no file " + restore.toAbsolutePath());
        }
        try {
            return Profile.read(restore);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--restore: " + e.getMessage());
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--restore: cannot read " + restore + ": "
                    + Applier.describe(e));
        }
    }

    /**
     * Why apply must not run, if it must not: writing the live {@code /proc/sys} takes root. An
     * unknown uid is let through; the kernel then decides, and a refused write rolls back.
     */
    static Optional<String> refusal(SysctlTree tree, boolean dryRun, OptionalInt euid) {
        if (!tree.isLive() || dryRun || euid.isEmpty() || euid.getAsInt() == 0) {
            return Optional.empty();
        }
        return Optional.of("writing " + tree.root() + " needs root (effective uid " + euid.getAsInt()
                + "); run it with sudo, or look first with --dry-run");
    }

    /** The effective uid from the {@code Uid:} line of /proc/self/status (real, effective, saved, fs). */
    static OptionalInt effectiveUid(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).strip().split("\\s+");
                    return f.length > 1 ? OptionalInt.of(Integer.parseInt(f[1])) : OptionalInt.empty();
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unknown: let the kernel decide.
        }
        return OptionalInt.empty();
    }
}

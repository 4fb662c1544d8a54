package io.ringwire.cli.sysctl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ringwire sysctl diff --profile NAME}: the machine's values against a profile's; reads only. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "Show this machine's value of each key of a profile, and what apply would set.")
final class SysctlDiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", required = true, paramLabel = "NAME",
            description = "A profile in sysctl/ (latency, throughput, many-connections) or a path to a .conf file.")
    String profile;

    @Option(names = "--root", paramLabel = "DIR", hidden = true,
            description = "Read sysctls under DIR instead of /proc/sys (for tests).")
    Path root = SysctlTree.PROC_SYS;

    @Override
    public Integer call() {
        Profile p = SysctlCommand.loadProfile(spec, "--profile", profile);
        PrintWriter out = spec.commandLine().getOut();
        Plan.of(p, new SysctlTree(root)).describe().forEach(out::println);
        out.flush();
        return 0;
    }
}

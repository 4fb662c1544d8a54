package io.ringwire.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code ringwire bench [ARGS]}: the comparison runner of the contract. The runner is
 * {@code bench/compare/run.sh} of the checkout this jar was built in (it starts the C load
 * generator, the reference servers and the Netty and JDK peers); every argument goes to it
 * unchanged, so {@code ringwire bench --help} shows its options.
 */
@Command(name = "bench",
        description = "Compares ringwire with Netty, the plain JDK and plain C side by side on loopback"
                + " (bench/compare/run.sh of this checkout; try --quick, a 2.5-minute smoke run). Arguments go to"
                + " the runner: 'ringwire bench --help' lists them. 'make bench' also runs the JMH suites.")
final class BenchCommand implements Callable<Integer> {
    static final String RUNNER = "bench/compare/run.sh";

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Optional<Path> runner = SourceTree.findUpwards(RUNNER, SourceTree::isExecutable);
        if (runner.isEmpty()) {
            System.err.println("ringwire bench: no " + RUNNER + " above this jar: the comparison runs from a source"
                    + " checkout (git clone, then 'make build' or 'make bench')");
            return Main.EXIT_FAILURE;
        }
        List<String> command = new ArrayList<>();
        command.add(runner.get().toString());
        command.addAll(args);
        // The runner owns the terminal: its progress bar, its report, and Ctrl-C, which reaches it
        // directly because it stays in this process group.
        Process p = new ProcessBuilder(command).inheritIO().start();
        return p.waitFor();
    }
}

package io.ringwire.cli.doctor;

import io.ringwire.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ringwire doctor [--json]}: checks this machine for the transport. Every stdout line starts
 * with {@code OK}, {@code WARN} or {@code FAIL}; WARN and FAIL lines end with a one-line fix. Exits
 * 1 on any FAIL, 0 otherwise. It only reads and probes; it changes nothing.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check this machine for ringwire: kernel, io_uring, epoll, limits, sysctls, native library, JDK."
                + " Exits 1 on any FAIL.")
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the findings as one JSON document instead of lines.")
    boolean json;

    @Option(names = "--root", paramLabel = "DIR", hidden = true,
            description = "Read proc/ and sys/ under DIR instead of / (for tests).")
    Path root = Path.of("/");

    @Override
    public Integer call() {
        List<Finding> findings = new Doctor(new HostFs(root), new LiveProbes(), ServerConfig.DEFAULT_BACKLOG).run();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.report(findings));
        } else {
            findings.forEach(f -> out.println(f.line()));
        }
        out.flush();
        return Doctor.exitCode(findings);
    }
}

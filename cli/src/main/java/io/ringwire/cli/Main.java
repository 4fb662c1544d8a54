package io.ringwire.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/ringwire COMMAND [OPTIONS]}: see the contract in README.md.
 *
 * <p>Exit codes: 0 success, 1 a runtime failure (such as an unusable backend), 2 bad arguments.
 */
@Command(name = "ringwire",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A Linux network transport for Java over epoll and io_uring.",
        subcommands = {EchoCommand.class, FrameCommand.class, HttpCommand.class, ProxyCommand.class,
                FetchCommand.class, BenchCommand.class, io.ringwire.cli.doctor.DoctorCommand.class,
                io.ringwire.cli.sysctl.SysctlCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Logging.configure();
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; for tests and for {@link #main}. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            System.err.println(commandLine.getCommandName() + ": " + oneLine(e));
            return EXIT_FAILURE;
        });
        return cl.execute(args);
    }

    /** One line naming the bad argument, then exit 2, per the contract; {@code --help} has the rest. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        System.err.println(cl.getCommandSpec().qualifiedName() + ": " + e.getMessage().replace('\n', ' ')
                + " (see --help)");
        return EXIT_USAGE;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null ? e.toString() : m).replace('\n', ' ');
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing COMMAND; one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"ringwire " + (v == null ? "dev" : v) + " on Java " + Runtime.version()};
        }
    }
}

package io.ringwire.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.Main;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.ProfilersFailedException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The entry point of {@code benchmarks.jar}: JMH's own command line, plus the JVM flags that
 * ringwire needs, chosen by the JDK's version.
 *
 * <h2>Why the flags cannot live in {@code @Fork(jvmArgsAppend = ...)}</h2>
 * Every fork needs {@code --enable-native-access=ALL-UNNAMED}: ringwire loads a JNI library, and
 * JDK 24+ warns without it. Agrona and JCTools use {@code sun.misc.Unsafe}, which JDK 24+ warns
 * about (and a later JDK will refuse) unless the JVM has {@code --sun-misc-unsafe-memory-access=allow};
 * but that flag exists only from JDK 23 on, and JDK 21 refuses to start with it. An annotation
 * cannot choose, so this class does, from {@link Runtime#version()}.
 *
 * <h2>Why this JVM may start itself again</h2>
 * JMH 1.37 itself calls {@code Unsafe.objectFieldOffset} in the host JVM (its padding checks in
 * {@code org.openjdk.jmh.util.Utils}), so on JDK 24+ a plain {@code java -jar benchmarks.jar}
 * would print the Unsafe warning before the first benchmark. The mode is read from the command line
 * once, at JVM start, and no manifest attribute sets it. So when this JVM lacks the flag on
 * JDK 24+, it runs a child JVM (the same {@code java}, the same JVM options and class path, plus
 * the flags), passes its exit code on, and does nothing else. Start the JVM with the flag yourself
 * to skip the extra start (about a tenth of a second).
 *
 * <h2>How the flags reach the forks</h2>
 * JMH gives each fork the host JVM's own options unless {@code -jvmArgs} is given; flags missing
 * from those are added with {@code jvmArgsAppend}, in front of any {@code -jvmArgsAppend} given on
 * the command line (JMH would otherwise let one replace the other), so the user's flags come last
 * and win. Options given here replace a benchmark's {@code @Fork(jvmArgs...)} annotations, so the
 * benchmarks of this module put no JVM flags in their annotations.
 *
 * <p>Caveat: with {@code -jvm /path/to/other/java} the forks run another JDK, but the flags are
 * still chosen by this one's version.
 */
public final class BenchMain {
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String UNSAFE_ALLOW = "--sun-misc-unsafe-memory-access=allow";
    /** The JDK that added the Unsafe flag; older ones refuse to start with it. */
    static final int UNSAFE_FLAG_SINCE = 23;
    /** The JDK that started warning on Unsafe memory access by default. */
    static final int UNSAFE_WARNS_SINCE = 24;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int feature = Runtime.version().feature();
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (feature >= UNSAFE_WARNS_SINCE && !hasFlag(jvmOptions, UNSAFE_ALLOW)) {
            System.exit(relaunch(jvmOptions, args));
        }

        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line:");
            System.err.println(" " + e.getMessage());
            System.exit(1);
            return;
        }
        if (cmd.shouldHelp() || cmd.shouldList() || cmd.shouldListWithParams()
                || cmd.shouldListProfilers() || cmd.shouldListResultFormats()) {
            Main.main(args); // nothing is forked: JMH's own handling is right as it is
            return;
        }

        // The options each fork starts with, before anything is appended: JMH's rule, see above.
        List<String> forkBase = new ArrayList<>(cmd.getJvmArgs().orElse(jvmOptions));
        forkBase.addAll(cmd.getJvmArgsPrepend().orElse(List.of()));
        List<String> append = new ArrayList<>();
        for (String flag : forkFlags(feature)) {
            if (!hasFlag(forkBase, flag)) {
                append.add(flag);
            }
        }
        append.addAll(cmd.getJvmArgsAppend().orElse(List.of())); // JMH's Optional, not java.util's
        Options options = new OptionsBuilder()
                .parent(cmd)
                .jvmArgsAppend(append.toArray(String[]::new))
                .build();
        // Failures are reported as org.openjdk.jmh.Main reports them.
        try {
            new Runner(options).run();
        } catch (NoBenchmarksException e) {
            System.err.println("No matching benchmarks. Miss-spelled regexp? `-l` lists them; names are"
                    + " regular expressions over the full name, such as JniCrossing or JniCrossingBenchmark.jniNop");
            System.exit(1);
        } catch (ProfilersFailedException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                System.err.println(t.getMessage());
                for (Throwable s : t.getSuppressed()) {
                    System.err.println(s.getMessage());
                }
            }
            System.exit(1);
        } catch (RunnerException e) {
            System.err.print("ERROR: ");
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    /** The flags a JVM of JDK {@code feature} needs to run ringwire without a warning. */
    static List<String> forkFlags(int feature) {
        return feature >= UNSAFE_FLAG_SINCE ? List.of(NATIVE_ACCESS, UNSAFE_ALLOW) : List.of(NATIVE_ACCESS);
    }

    /**
     * The Unsafe mode takes one value, so any value the user set stands; native access adds up
     * across flags, so only the exact flag counts.
     */
    static boolean hasFlag(List<String> options, String flag) {
        if (flag.equals(UNSAFE_ALLOW)) {
            String name = UNSAFE_ALLOW.substring(0, UNSAFE_ALLOW.indexOf('=') + 1);
            return options.stream().anyMatch(o -> o.startsWith(name));
        }
        return options.contains(flag);
    }

    /** Runs this class again in a child JVM that has the flags; returns its exit code. */
    private static int relaunch(List<String> jvmOptions, String[] args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        for (String flag : forkFlags(Runtime.version().feature())) {
            if (!hasFlag(jvmOptions, flag)) {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchMain.class.getName());
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).inheritIO().start();
        // Ctrl-C reaches the child through the terminal; a plain kill of this JVM must not orphan it.
        Thread reaper = new Thread(child::destroy, "bench-child-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        int code = child.waitFor();
        Runtime.getRuntime().removeShutdownHook(reaper);
        return code;
    }
}

package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code bin/ringwire} as a real process, the way users and outside tools do. */
final class RingwireProcess implements AutoCloseable {
    static final Pattern READY = Pattern.compile("listening (\\S+) (\\S+):(\\d+) backend=(\\S+) threads=(\\d+)");
    static final Path LAUNCHER = Path.of("..", "bin", "ringwire").toAbsolutePath().normalize();

    final Process process;
    final BufferedReader stdout;
    final CompletableFuture<String> stderr;

    private RingwireProcess(Process process) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        // A thread of its own: on the shared pool (one thread on two cores) the reader could wait
        // behind another process's reader and start only after this process's streams closed.
        this.stderr = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("stderr-" + process.pid()).start(() -> {
            try {
                stderr.complete(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                stderr.complete(e.toString());
            }
        });
    }

    static RingwireProcess start(String... args) throws IOException {
        return startWithJavaOpts("", args);
    }

    /** Starts with {@code RINGWIRE_JAVA_OPTS}, such as a system property that forces a code path. */
    static RingwireProcess startWithJavaOpts(String javaOpts, String... args) throws IOException {
        assertTrue(Files.isExecutable(LAUNCHER), "launcher missing: " + LAUNCHER);
        List<String> cmd = new ArrayList<>();
        cmd.add(LAUNCHER.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("RINGWIRE_JAVA_OPTS", javaOpts);
        return new RingwireProcess(pb.start());
    }

    /** Reads the first stdout line and checks it is the contract's ready line. */
    Matcher awaitReady() throws IOException {
        String line = stdout.readLine();
        if (line == null) {
            throw new AssertionError("no ready line; stderr: " + stderr.join());
        }
        Matcher m = READY.matcher(line);
        assertTrue(m.matches(), "not a ready line: " + line);
        return m;
    }

    /** Waits for exit (bounded) and returns the exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process did not exit");
        }
        return process.exitValue();
    }

    /**
     * SIGTERM. Through the process handle: {@link Process#destroy()} also closes our ends of the
     * pipes, and a reader still draining stderr would fail with "Stream closed".
     */
    void terminate() {
        process.toHandle().destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}

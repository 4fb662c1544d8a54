package io.ringwire.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** This process's threads, read from /proc/self/task, for checks on kernel-made threads such as iou-wrk. */
public final class Threads {
    private static final Path TASKS = Path.of("/proc/self/task");

    private Threads() {
    }

    /** Threads whose name (comm) starts with {@code prefix}, such as "iou-wrk-". */
    public static int countNamed(String prefix) {
        try (Stream<Path> tasks = Files.list(TASKS)) {
            return (int) tasks.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).startsWith(prefix);
                } catch (IOException gone) {
                    return false; // the thread ended while we looked
                }
            }).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

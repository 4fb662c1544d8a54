package io.ringwire.cli.doctor;

import io.ringwire.cli.sysctl.KernelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the files the doctor judges ({@code proc/...}, {@code sys/...}) under a root directory:
 * {@code /} on a live machine, or a directory with a fake {@code proc/} and {@code sys/} in tests.
 * Every read is forgiving: a missing or unreadable file is empty, and the check says so.
 */
public final class HostFs {
    private final Path root;

    public HostFs(Path root) {
        this.root = root;
    }

    public static HostFs live() {
        return new HostFs(Path.of("/"));
    }

    public Path root() {
        return root;
    }

    /** The file's text, stripped, or empty if it is missing or unreadable. */
    public Optional<String> read(String relative) {
        try {
            return Optional.of(KernelFiles.read(root.resolve(relative)).strip());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** A numeric file as a long, or empty if missing or not a number. */
    public Optional<Long> readLong(String relative) {
        return read(relative).flatMap(s -> {
            try {
                return Optional.of(Long.parseLong(s));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The names in a directory, sorted; empty if it is missing. */
    public List<String> list(String relative) {
        try (Stream<Path> entries = Files.list(root.resolve(relative))) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    /** A {@code Name:\tvalue} field of a /proc status file, such as {@code Seccomp}. */
    public Optional<String> statusField(String relative, String field) {
        return read(relative).flatMap(text -> text.lines()
                .filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).strip())
                .findFirst());
    }
}

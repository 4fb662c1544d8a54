package io.ringwire.cli.sysctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A sysctl profile in the {@code /etc/sysctl.d} format, as sysctl(8) and systemd-sysctl read it.
 *
 * <ul>
 *   <li>{@code key = value}, one a line; whitespace around both is ignored, and a value of
 *       several numbers (tcp_rmem) is split on whitespace.</li>
 *   <li>Lines starting with {@code #} or {@code ;} are comments; blank lines separate blocks.
 *       There are no trailing comments: sysctl would take them as part of the value.</li>
 *   <li>A leading {@code -} on a key (sysctl.d's "ignore failure") is accepted and dropped:
 *       apply skips absent keys anyway.</li>
 *   <li>A comment line holding a {@link Rule} marker ({@code # raise-only}, {@code # widen-only},
 *       {@code # add-bits}) gives that rule to the next key of the same comment block.</li>
 * </ul>
 * A key set twice, a key with no value, and a marker with no key after it are errors, since
 * they mean the file is not what its author thinks.
 *
 * @param name     the profile's name (its file name without {@code .conf})
 * @param source   where it was read from, for messages
 * @param settings in file order
 */
public record Profile(String name, Path source, List<Setting> settings) {
    public Profile {
        settings = List.copyOf(settings);
    }

    /** Reads and parses a profile file. */
    public static Profile read(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String name = fileName.endsWith(".conf") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return parse(name, file, Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses profile text.
     *
     * @throws IllegalArgumentException naming the source and line of the first error
     */
    public static Profile parse(String name, Path source, String text) {
        List<Setting> settings = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Rule pending = null;
        int pendingLine = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty()) {
                if (pending != null) {
                    throw error(source, pendingLine, "'# " + pending.marker() + "' is not followed by a key in its comment block");
                }
                continue;
            }
            if (line.startsWith("#") || line.startsWith(";")) {
                Optional<Rule> marker = Rule.fromComment(line.substring(1));
                if (marker.isPresent()) {
                    if (pending != null) {
                        throw error(source, lineNo, "a second marker '# " + marker.get().marker() + "' for the same key");
                    }
                    pending = marker.get();
                    pendingLine = lineNo;
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw error(source, lineNo, "expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            if (key.startsWith("-")) {
                key = key.substring(1).strip();
            }
            String value = line.substring(eq + 1).strip();
            if (key.isEmpty()) {
                throw error(source, lineNo, "no key before '='");
            }
            try {
                SysctlTree.checkKey(key);
            } catch (IllegalArgumentException e) {
                throw error(source, lineNo, e.getMessage());
            }
            if (value.isEmpty()) {
                throw error(source, lineNo, key + " has no value");
            }
            if (!seen.add(SysctlTree.canonical(key))) {
                throw error(source, lineNo, key + " is set twice");
            }
            settings.add(new Setting(key, List.of(value.split("\\s+")), pending == null ? Rule.SET : pending, lineNo));
            pending = null;
        }
        if (pending != null) {
            throw error(source, pendingLine, "'# " + pending.marker() + "' is not followed by a key");
        }
        return new Profile(name, source, settings);
    }

    private static IllegalArgumentException error(Path source, int line, String message) {
        return new IllegalArgumentException(source + ":" + line + ": " + message);
    }
}

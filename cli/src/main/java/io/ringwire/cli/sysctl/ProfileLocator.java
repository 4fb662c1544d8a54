package io.ringwire.cli.sysctl;

import io.ringwire.cli.SourceTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Turns {@code --profile NAME} into a file.
 *
 * <p>A value containing a {@code /} or ending in {@code .conf} is a path. Anything else is a
 * profile name, looked up as {@code NAME.conf} in the profile directory, which is, in order:
 * <ol>
 *   <li>the system property {@value #DIR_PROPERTY}, if set (for an installation that keeps the
 *       profiles elsewhere: {@code RINGWIRE_JAVA_OPTS=-Dringwire.sysctl.dir=/etc/ringwire/sysctl});</li>
 *   <li>otherwise the first {@code sysctl/} directory holding {@code .conf} files found by walking
 *       up from the location of the running jar (or classes directory). In a checkout the jar is
 *       {@code cli/target/ringwire-cli.jar}, so this finds the repository's {@code sysctl/}.</li>
 * </ol>
 */
public final class ProfileLocator {
    public static final String DIR_PROPERTY = "ringwire.sysctl.dir";

    private ProfileLocator() {
    }

    /**
     * The profile file {@code --profile} names.
     *
     * @throws IllegalArgumentException with a one-line message saying what was looked for and where
     */
    public static Path resolve(String nameOrPath) {
        if (nameOrPath.contains("/") || nameOrPath.endsWith(".conf")) {
            Path p = Path.of(nameOrPath);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("no profile file " + p.toAbsolutePath());
            }
            return p;
        }
        Path dir = profileDir().orElseThrow(() -> new IllegalArgumentException(
                "cannot find the sysctl/ profile directory; give a path, or set -D" + DIR_PROPERTY + "=DIR"));
        Path file = dir.resolve(nameOrPath + ".conf");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("unknown profile '" + nameOrPath + "'; the profiles in " + dir + " are: "
                    + String.join(", ", names(dir)));
        }
        return file;
    }

    /** Where profile names are looked up, if anywhere. */
    public static Optional<Path> profileDir() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        return SourceTree.findUpwards("sysctl", ProfileLocator::hasProfiles);
    }

    /** The first {@code sysctl/} with profiles in {@code start} or one of its parents. */
    static Optional<Path> findUpwards(Path start) {
        return SourceTree.findUpwards(start, "sysctl", ProfileLocator::hasProfiles);
    }

    private static boolean hasProfiles(Path dir) {
        return !names(dir).isEmpty();
    }

    /** The profile names in a directory, sorted; empty if it is not a directory. */
    public static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".conf"))
                    .map(n -> n.substring(0, n.length() - 5))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}

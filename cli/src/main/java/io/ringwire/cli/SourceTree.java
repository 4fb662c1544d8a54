package io.ringwire.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds files of the checkout the running jar was built in. In a checkout the jar is
 * {@code cli/target/ringwire-cli.jar}, so walking up from it reaches the repository's top, where
 * {@code sysctl/} and {@code bench/} are.
 */
public final class SourceTree {
    private SourceTree() {
    }

    /** The first {@code relative} under the jar's directory or one of its parents that {@code wanted} accepts. */
    public static Optional<Path> findUpwards(String relative, Predicate<Path> wanted) {
        return codeLocation().flatMap(start -> findUpwards(start, relative, wanted));
    }

    /** As {@link #findUpwards(String, Predicate)}, from {@code start}. */
    public static Optional<Path> findUpwards(Path start, String relative, Predicate<Path> wanted) {
        for (Path d = start.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            Path candidate = d.resolve(relative);
            if (wanted.test(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> codeLocation() {
        try {
            CodeSource source = SourceTree.class.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** True for an executable regular file. */
    public static boolean isExecutable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}

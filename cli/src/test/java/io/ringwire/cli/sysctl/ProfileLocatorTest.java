package io.ringwire.cli.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileLocatorTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty(ProfileLocator.DIR_PROPERTY);
    }

    @Test
    void findsTheRepositoryProfilesByWalkingUpFromTheCode() {
        // Tests run from cli/target/test-classes; the code is in cli/target/classes.
        Path found = ProfileLocator.profileDir().orElseThrow();
        assertEquals("sysctl", found.getFileName().toString());
        assertEquals(List.of("latency", "many-connections", "throughput"), ProfileLocator.names(found));
        assertEquals(found.resolve("latency.conf"), ProfileLocator.resolve("latency"));
    }

    @Test
    void thePropertyOverridesTheWalk() throws Exception {
        Files.writeString(dir.resolve("mine.conf"), "net.core.somaxconn = 1\n");
        System.setProperty(ProfileLocator.DIR_PROPERTY, dir.toString());
        assertEquals(dir.resolve("mine.conf"), ProfileLocator.resolve("mine"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProfileLocator.resolve("latency"));
        assertEquals("unknown profile 'latency'; the profiles in " + dir + " are: mine", e.getMessage());
    }

    @Test
    void aValueWithASlashOrConfSuffixIsAPath() throws Exception {
        Path file = dir.resolve("custom.conf");
        Files.writeString(file, "net.core.somaxconn = 1\n");
        assertEquals(file, ProfileLocator.resolve(file.toString()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProfileLocator.resolve("nope.conf"))
                .getMessage().startsWith("no profile file "));
    }

    @Test
    void walksUpToTheFirstSysctlDirectoryWithProfiles() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("a/b/c"));
        Files.createDirectories(dir.resolve("a/sysctl"));
        Files.writeString(dir.resolve("a/sysctl/x.conf"), "");
        Files.createDirectories(dir.resolve("a/b/sysctl")); // empty: skipped
        assertEquals(dir.resolve("a/sysctl"), ProfileLocator.findUpwards(deep).orElseThrow());
    }
}

package io.ringwire.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The loader refuses platforms it cannot serve and explains load failures with a cause and a fix. */
@Timeout(10)
class NativeLibraryTest {

    @Test
    void refusesANonLinuxSystem(@TempDir Path root) {
        LinkageError e = assertThrows(LinkageError.class, () -> NativeLibrary.checkPlatform("Mac OS X", "x86_64", root));
        assertTrue(e.getMessage().contains("needs Linux") && e.getMessage().contains("Mac OS X"), e.getMessage());
        LinkageError w = assertThrows(LinkageError.class, () -> NativeLibrary.checkPlatform("Windows 11", "amd64", root));
        assertTrue(w.getMessage().contains("Windows 11"), w.getMessage());
        assertThrows(LinkageError.class, () -> NativeLibrary.checkPlatform(null, "amd64", root));
    }

    @Test
    void refusesANonX86Architecture(@TempDir Path root) {
        LinkageError e = assertThrows(LinkageError.class, () -> NativeLibrary.checkPlatform("Linux", "aarch64", root));
        assertTrue(e.getMessage().contains("x86_64") && e.getMessage().contains("aarch64"), e.getMessage());
        assertTrue(e.getMessage().contains(NativeLibrary.PATH_PROPERTY), "names the way out: " + e.getMessage());
    }

    @Test
    void refusesMusl(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("lib"));
        Files.createFile(root.resolve("lib/ld-musl-x86_64.so.1"));
        LinkageError e = assertThrows(LinkageError.class, () -> NativeLibrary.checkPlatform("Linux", "amd64", root));
        assertTrue(e.getMessage().contains("musl"), e.getMessage());
    }

    @Test
    void acceptsGlibcLinuxOnX86(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("lib"));
        Files.createFile(root.resolve("lib/ld-linux-x86-64.so.2"));
        assertDoesNotThrow(() -> NativeLibrary.checkPlatform("Linux", "amd64", root));
        assertDoesNotThrow(() -> NativeLibrary.checkPlatform("Linux", "x86_64", root));
    }

    @Test
    void detectsMuslByItsLoader(@TempDir Path root) throws Exception {
        assertFalse(NativeLibrary.isMusl(root), "no lib directory at all");
        Files.createDirectories(root.resolve("lib"));
        assertFalse(NativeLibrary.isMusl(root), "an empty lib directory");
        Files.createFile(root.resolve("lib/ld-linux-x86-64.so.2"));
        assertFalse(NativeLibrary.isMusl(root), "glibc's loader");
        Files.createFile(root.resolve("lib/ld-musl-x86_64.so.1"));
        assertTrue(NativeLibrary.isMusl(root), "musl's loader");
    }

    /** A directory that is certainly not noexec: the JVM maps its own libraries from it. */
    private static Path execDir() {
        Path dir = Path.of(System.getProperty("java.home"), "lib");
        assumeFalse(MountInfo.isNoexec(dir), "java.home is on a noexec mount?");
        return dir;
    }

    @Test
    void explainsANoexecMapFailure() {
        Path file = execDir().resolve("libringwire-123.so");
        String m = NativeLibrary.explain(file, file + ": failed to map segment from shared object");
        assertTrue(m.contains("noexec"), m);
        assertTrue(m.contains(NativeLibrary.TMPDIR_PROPERTY), m);
        assertTrue(m.contains("failed to map segment"), "keeps the loader's own words: " + m);
    }

    @Test
    void explainsAnOldGlibc() {
        Path file = execDir().resolve("libringwire-123.so");
        String m = NativeLibrary.explain(file, "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.99' not found");
        assertTrue(m.contains("glibc"), m);
        assertFalse(m.contains("noexec"), m);
        assertTrue(m.contains("GLIBC_2.99"), m);
    }

    @Test
    void passesAnyOtherMessageThrough() {
        Path file = execDir().resolve("libringwire-123.so");
        String m = NativeLibrary.explain(file, "cannot open shared object file: No such file or directory");
        assertTrue(m.startsWith("ringwire: cannot load " + file + ": "), m);
        assertTrue(m.endsWith("No such file or directory"), m);
    }
}

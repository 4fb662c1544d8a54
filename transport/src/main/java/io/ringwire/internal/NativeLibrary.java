package io.ringwire.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Finds, extracts and loads {@code libringwire.so} exactly once per JVM.
 *
 * <p>The library ships inside the jar under {@value #RESOURCE}. It is copied to a private
 * temporary file in the directory named by the system property {@value #TMPDIR_PROPERTY}
 * (default {@code java.io.tmpdir}), loaded, and the file is deleted at once: the mapping stays
 * valid after the unlink. {@value #PATH_PROPERTY} names an already extracted library to load
 * instead, which suits read-only or noexec deployments.
 *
 * <p>Every failure is a {@link LinkageError} whose message names the cause and the fix: not
 * Linux, not x86_64, musl instead of glibc, a noexec directory, or a glibc too old.
 */
public final class NativeLibrary {
    public static final String TMPDIR_PROPERTY = "ringwire.native.tmpdir";
    public static final String PATH_PROPERTY = "ringwire.native.path";
    static final String RESOURCE = "/META-INF/native/linux-x86_64/libringwire.so";

    /** JVM-wide marker: a second class loader must not load a second copy with its own state. */
    private static final String LOADED_MARKER = "ringwire.native.loaded.by";

    private static boolean loaded;

    private NativeLibrary() {
    }

    /** Loads the library if this class loader has not yet; throws {@link LinkageError} on failure. */
    public static synchronized void ensureLoaded() {
        if (loaded) {
            return;
        }
        String me = String.valueOf(System.identityHashCode(NativeLibrary.class.getClassLoader()));
        synchronized (System.getProperties()) {
            String owner = System.getProperty(LOADED_MARKER);
            if (owner != null && !owner.equals(me)) {
                throw new LinkageError("ringwire: the native library is already loaded by another class loader ("
                        + owner + "); load ringwire from one class loader only, such as the system class path");
            }
            checkPlatform(System.getProperty("os.name"), System.getProperty("os.arch"), Path.of("/"));
            String explicit = System.getProperty(PATH_PROPERTY);
            if (explicit != null && !explicit.isBlank()) {
                load(Path.of(explicit));
            } else {
                extractAndLoad();
            }
            System.setProperty(LOADED_MARKER, me);
        }
        loaded = true;
    }

    /** Refuses platforms the bundled library cannot run on, with the reason. Package-private for tests. */
    static void checkPlatform(String osName, String osArch, Path root) {
        if (osName == null || !osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new LinkageError("ringwire: needs Linux, but this is " + osName
                    + "; use the JDK's NIO transport on this platform");
        }
        if (!List.of("amd64", "x86_64").contains(osArch)) {
            throw new LinkageError("ringwire: the bundled library is built for x86_64, but this JVM runs on "
                    + osArch + "; build native/ on this machine and point -D" + PATH_PROPERTY + " at it");
        }
        if (isMusl(root)) {
            throw new LinkageError("ringwire: this system uses musl libc (such as Alpine), but the bundled library"
                    + " needs glibc; use a glibc-based image, or build native/ against musl and point -D"
                    + PATH_PROPERTY + " at it");
        }
    }

    /** musl's loader sits at /lib/ld-musl-*.so.1; glibc systems do not have it. */
    static boolean isMusl(Path root) {
        Path lib = root.resolve("lib");
        try (var entries = Files.newDirectoryStream(lib, "ld-musl-*")) {
            return entries.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static void extractAndLoad() {
        Path dir = Path.of(System.getProperty(TMPDIR_PROPERTY, System.getProperty("java.io.tmpdir")));
        Path file;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new LinkageError("ringwire: " + RESOURCE + " is missing from the class path;"
                        + " the transport jar was built without its native library (run `make build`)");
            }
            Files.createDirectories(dir);
            file = Files.createTempFile(dir, "libringwire-", ".so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw (LinkageError) new LinkageError("ringwire: cannot extract the native library to " + dir + ": " + e
                    + "; set -D" + TMPDIR_PROPERTY + " to a writable directory").initCause(e);
        }
        try {
            load(file);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // Deleting is tidiness only; the loaded mapping does not need the file.
            }
        }
    }

    private static void load(Path file) {
        try {
            System.load(file.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw (LinkageError) new LinkageError(explain(file, e.getMessage())).initCause(e);
        }
    }

    /** Turns the dynamic loader's message into a cause and a fix. Package-private for tests. */
    static String explain(Path file, String loaderMessage) {
        String msg = String.valueOf(loaderMessage);
        String prefix = "ringwire: cannot load " + file + ": ";
        if (msg.contains("failed to map segment") || msg.contains("Operation not permitted")
                || MountInfo.isNoexec(file.getParent())) {
            return prefix + "its directory is on a noexec mount; set -D" + TMPDIR_PROPERTY
                    + " to a directory that allows executable mappings (" + msg + ")";
        }
        if (msg.contains("GLIBC_")) {
            return prefix + "this system's glibc is older than the one the library was built against; "
                    + "build native/ on this machine (" + msg + ")";
        }
        return prefix + msg;
    }
}

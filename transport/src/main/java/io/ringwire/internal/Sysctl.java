package io.ringwire.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one value under {@code /proc/sys}. Not with {@link Files#readString}: procfs answers a
 * read at a non-zero offset of a numeric sysctl with end-of-file, and the JDK's readString starts
 * with a one-byte read, so it returns the first digit only ("1" for 1048576). One large read
 * gets it all. Any thread.
 */
public final class Sysctl {
    private Sysctl() {
    }

    /** The value of {@code /proc/sys/NAME} (such as {@code fs/pipe-max-size}), stripped; null if unreadable. */
    public static String read(String name) {
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys", name))) {
            byte[] buf = new byte[256];
            int n = in.read(buf);
            return n <= 0 ? null : new String(buf, 0, n, StandardCharsets.US_ASCII).strip();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}

package io.ringwire.cli.sysctl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads procfs and sysfs files correctly.
 *
 * <p>{@link Files#readString} is wrong for them: such files report size 0, and the JDK (25, at
 * least) then starts with a one-byte read. A sysctl read at a non-zero offset returns end of file
 * for numbers, so {@code /proc/sys/net/core/somaxconn} would read as {@code "4"} instead of
 * {@code "4096"}. The first read here asks for a whole page and more, which procfs fills at once.
 */
public final class KernelFiles {
    private static final int CHUNK = 64 * 1024;

    private KernelFiles() {
    }

    /** The whole file as UTF-8. */
    public static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[CHUNK];
            int n;
            while ((n = in.read(buf, 0, buf.length)) > 0) {
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}

package io.ringwire.cli.sysctl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The sysctl files under a root directory: {@code /proc/sys} on a live machine, or any directory
 * laid out the same way, which is how tests read and write sysctls without touching the machine.
 *
 * <p>A key maps to a path the way sysctl(8) maps it: dots become slashes
 * ({@code net.ipv4.tcp_rmem} is {@code net/ipv4/tcp_rmem}); a key already written with slashes
 * is taken as a path. Keys may not climb out of the root ({@code ..}), so a restore file cannot
 * write elsewhere. Not thread-safe; one command uses one tree.
 *
 * <p>Not final only so that tests can make a write fail: running as root, they cannot count on
 * file permissions to refuse one.
 */
public class SysctlTree {
    /** Where a live kernel exposes its sysctls. */
    public static final Path PROC_SYS = Path.of("/proc/sys");

    private final Path root;

    public SysctlTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public static SysctlTree live() {
        return new SysctlTree(PROC_SYS);
    }

    public Path root() {
        return root;
    }

    /** True if this is the running kernel's {@code /proc/sys}, where writes change the machine. */
    public boolean isLive() {
        return root.equals(PROC_SYS);
    }

    /** The key in dotted form, so {@code net/core/somaxconn} and {@code net.core.somaxconn} compare equal. */
    static String canonical(String key) {
        return key.contains("/") ? stripSlashes(key).replace('/', '.') : key;
    }

    /** Rejects keys that are empty in part or would leave the root. */
    static void checkKey(String key) {
        String path = key.contains("/") ? stripSlashes(key) : key.replace('.', '/');
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("'" + key + "' is not a sysctl key");
            }
        }
        if (!path.chars().allMatch(c -> c > ' ' && c != '=' && c < 127)) {
            throw new IllegalArgumentException("'" + key + "' is not a sysctl key");
        }
    }

    private static String stripSlashes(String key) {
        String k = key;
        while (k.startsWith("/")) {
            k = k.substring(1);
        }
        return k;
    }

    Path pathOf(String key) {
        checkKey(key);
        return root.resolve(key.contains("/") ? stripSlashes(key) : key.replace('.', '/'));
    }

    /**
     * The key's value split into elements, or empty if this kernel has no such key.
     *
     * @throws IOException if the key exists but cannot be read (some are write-only or root-only)
     */
    public Optional<List<String>> read(String key) throws IOException {
        String text;
        try {
            text = KernelFiles.read(pathOf(key));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String t = text.strip();
        return Optional.of(t.isEmpty() ? List.of() : List.of(t.split("\\s+")));
    }

    /**
     * Writes a value, elements joined by one space. Never creates a key that does not exist.
     *
     * <p>The value goes out in a single {@code write(2)}: procfs parses each write on its own,
     * and with {@code kernel.sysctl_writes_strict=1} (the default) a write at a non-zero offset
     * is ignored for numbers, so a value split across writes would be lost in part.
     */
    public void write(String key, List<String> value) throws IOException {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(String.join(" ", value) + "\n");
        try (FileChannel ch = FileChannel.open(pathOf(key), StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(bytes);
        }
        if (bytes.hasRemaining()) {
            throw new IOException(key + ": short write");
        }
    }
}

package io.ringwire.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * This process's open descriptors, read from /proc/self/fd. The directory stream used to list
 * them is itself a descriptor; it is left out, so two snapshots compare cleanly.
 *
 * <p>The JDK opens some descriptors once, on first use, and keeps them for the life of the JVM:
 * the socket pair NIO uses to close a socket another thread is blocked on, the virtual-thread
 * I/O pollers' epoll sets, /dev/random and /dev/urandom for SecureRandom (which temporary file
 * names use). Whether a test's baseline already holds them would depend on which test ran
 * first, and surefire's order follows the file system's. So the first snapshot makes them all.
 */
public final class Fds {
    private static final Path PROC_FD = Path.of("/proc/self/fd");
    /** What the listing's own descriptor resolves to while it is open. */
    private static final String LISTING = "/proc/" + ProcessHandle.current().pid() + "/fd";

    static {
        JdkDescriptors.open();
    }

    private Fds() {
    }

    /** Descriptor number to what it points at (socket:[inode], anon_inode:[eventpoll], a path). */
    public static Map<Integer, String> snapshot() {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> entries = Files.list(PROC_FD)) {
            entries.forEach(p -> {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    // The listing itself: its number moves with whatever else is open.
                    if (!target.equals(LISTING)) {
                        fds.put(Integer.parseInt(p.getFileName().toString()), target);
                    }
                } catch (IOException e) {
                    // Closed between the listing and its resolution: not open any more.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }

    public static int count() {
        return snapshot().size();
    }

    /**
     * Waits until this process holds exactly the descriptors of {@code expected} (closing can lag
     * a little behind the event that causes it); fails with the difference otherwise.
     */
    public static void awaitSame(String when, Map<Integer, String> expected) {
        if (!Await.holdsWithin(Await.DEFAULT, () -> snapshot().equals(expected))) {
            org.junit.jupiter.api.Assertions.fail(when + ": descriptors differ from the baseline"
                    + diff(expected, snapshot()));
        }
    }

    /** A readable account of what {@code after} holds that {@code before} did not, and the reverse. */
    public static String diff(Map<Integer, String> before, Map<Integer, String> after) {
        StringBuilder sb = new StringBuilder();
        after.forEach((fd, target) -> {
            if (!target.equals(before.get(fd))) {
                sb.append("\n  opened ").append(fd).append(" -> ").append(target);
            }
        });
        before.forEach((fd, target) -> {
            if (!target.equals(after.get(fd))) {
                sb.append("\n  closed ").append(fd).append(" -> ").append(target);
            }
        });
        return sb.length() == 0 ? " (no difference)" : sb.toString();
    }
}

package io.ringwire.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a TCP socket's queues from /proc/net/tcp and /proc/net/tcp6: how tests can know, without
 * waiting a fixed time, that bytes have reached a peer's kernel but not yet its application.
 */
public final class TcpQueues {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private TcpQueues() {
    }

    /**
     * Bytes received by the kernel and not yet read by the application, for the socket with this
     * local and remote port; -1 if there is no such socket.
     */
    public static long receiveQueue(int localPort, int remotePort) {
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                if (Files.exists(table)) {
                    throw new UncheckedIOException(e);
                }
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue ...
                String[] f = line.trim().split("\\s+");
                if (f.length < 5) {
                    continue;
                }
                if (port(f[1]) == localPort && port(f[2]) == remotePort) {
                    return Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                }
            }
        }
        return -1;
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }
}

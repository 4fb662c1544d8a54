package io.ringwire.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback listener with a backlog of 1 that never accepts, its accept queue filled by the test:
 * the kernel then drops further SYNs, so a connect to it waits for its timeout. Deterministic on
 * Linux (tcp_abort_on_overflow=0, the default); {@link #full()} says whether the queue filled.
 */
final class Blackhole implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();
    private final boolean full;

    Blackhole() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        boolean filled = false;
        for (int i = 0; i < 8 && !filled; i++) {
            Socket s = new Socket();
            fillers.add(s);
            try {
                s.connect(listener.getLocalSocketAddress(), 300);
            } catch (SocketTimeoutException timedOut) {
                filled = true;
            }
        }
        full = filled;
    }

    boolean full() {
        return full;
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        listener.close();
    }
}

package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bin/ringwire echo} against the contract: ready line, echo under load, signals. */
@Timeout(120)
class EchoCommandIT {

    @ParameterizedTest
    @ValueSource(strings = {"auto", "epoll", "io_uring"})
    void readyLineGivesTheRealPortAndBackendAndEchoesConcurrentClients(String backend) throws Exception {
        try (RingwireProcess p = RingwireProcess.start("echo", "--port", "0", "--threads", "2", "--backend", backend)) {
            Matcher ready = p.awaitReady();
            assertEquals("echo", ready.group(1));
            assertEquals("127.0.0.1", ready.group(2));
            int port = Integer.parseInt(ready.group(3));
            assertTrue(port > 0, "port 0 must be replaced by the real one");
            String chosen = ready.group(4);
            assertTrue(chosen.equals("epoll") || chosen.equals("io_uring"), "auto must resolve to a concrete backend: " + chosen);
            if (!backend.equals("auto")) {
                assertEquals(backend, chosen);
            }
            assertEquals("2", ready.group(5));

            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int i = 0; i < 128; i++) {
                    int seed = i;
                    results.add(pool.submit(() -> {
                        echoOnce(port, seed);
                        return null;
                    }));
                }
                for (Future<?> f : results) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }

            p.terminate();
            assertEquals(0, p.awaitExit(), "SIGTERM must give a graceful exit 0");
            String err = p.stderr.join();
            assertFalse(err.contains("WARNING: "), "a JVM warning reached the terminal: " + err);
        }
    }

    /** Sends random bytes, half-closes, and expects every byte back before the server's FIN. */
    static void echoOnce(int port, int seed) throws Exception {
        Random random = new Random(seed);
        byte[] data = new byte[1 + random.nextInt(256 * 1024)];
        random.nextBytes(data);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(data);
                    s.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            InputStream in = s.getInputStream();
            byte[] back = in.readAllBytes();
            writer.join();
            assertArrayEquals(data, back, "echo of " + data.length + " bytes");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void sigintAlsoShutsDownGracefullyWithOpenConnections(String backend) throws Exception {
        try (RingwireProcess p = RingwireProcess.start("echo", "--port", "0", "--drain-timeout", "2s", "--backend", backend)) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket idle = new Socket("127.0.0.1", port)) {
                idle.getOutputStream().write(1);
                assertEquals(1, idle.getInputStream().read());
                new ProcessBuilder("kill", "-INT", Long.toString(p.process.pid())).start().waitFor();
                assertEquals(-1, idle.getInputStream().read(), "an idle connection is closed on shutdown");
            }
            assertEquals(0, p.awaitExit());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void maxConnsClosesTheConnectionOverTheLimitOnly(String backend) throws Exception {
        try (RingwireProcess p = RingwireProcess.start("echo", "--port", "0", "--max-conns", "1", "--backend", backend)) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket first = new Socket("127.0.0.1", port)) {
                first.getOutputStream().write(7);
                assertEquals(7, first.getInputStream().read());
                try (Socket second = new Socket("127.0.0.1", port)) {
                    second.setSoTimeout(10_000);
                    int r;
                    try {
                        r = second.getInputStream().read();
                    } catch (java.net.SocketException reset) {
                        r = -1;
                    }
                    assertEquals(-1, r, "the connection over the limit is closed");
                }
                first.getOutputStream().write(8);
                assertEquals(8, first.getInputStream().read(), "the first connection is untouched");
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void idleTimeoutClosesASilentConnection(String backend) throws Exception {
        try (RingwireProcess p = RingwireProcess.start("echo", "--port", "0", "--idle-timeout", "200ms", "--backend", backend)) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                assertEquals(-1, s.getInputStream().read(), "idle connection closed by the server");
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }
}

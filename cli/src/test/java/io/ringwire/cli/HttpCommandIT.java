package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bin/ringwire http} against the contract: with curl, and with raw sockets for what curl cannot send. */
@Timeout(120)
class HttpCommandIT {
    @TempDir
    Path tmp;

    private static boolean curlInstalled() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs curl with {@code args}; returns its stdout. Fails if curl fails. */
    private static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, p.exitValue(), "curl " + args[args.length - 1] + " failed: " + err);
        return out + err;
    }

    /** The value of the unlabelled metric {@code name} in a /metrics body. */
    private static long metric(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " in " + metrics);
    }

    /**
     * ringwire_sendfile_bytes_total once it has reached {@code expected}, or what it is after 20 s.
     * Each loop counts its own sends; a scrape served by the other loop reads that count without
     * synchronisation and may see it a moment late (LoopStats), so it looks until the count shows.
     */
    private static long sendfileBytesOnceCounted(String base, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            long sent = metric(curl(base + "/metrics"), "ringwire_sendfile_bytes_total");
            if (sent >= expected || System.nanoTime() - deadline > 0) {
                return sent;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // between scrapes
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void curlGetsPlaintextMetricsAndFiles(String backend) throws Exception {
        Assumptions.assumeTrue(curlInstalled(), "curl is not installed (make deps installs it)");
        Path root = Files.createDirectory(tmp.resolve("root"));
        Files.writeString(root.resolve("a.txt"), "file a\n");
        byte[] big = new byte[5 << 20];
        new java.util.Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(tmp.resolve("secret"), "top secret\n");
        try (RingwireProcess p = RingwireProcess.start("http", "--port", "0", "--backend", backend, "--threads", "2",
                "--root", root.toString())) {
            Matcher ready = p.awaitReady();
            assertEquals("http", ready.group(1));
            assertEquals(backend, ready.group(4));
            String base = "http://127.0.0.1:" + ready.group(3);

            assertEquals("Hello, World!", curl(base + "/plaintext"));
            String head = curl("--include", base + "/plaintext");
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("\r\nContent-Type: text/plain\r\n") && head.contains("\r\nContent-Length: 13\r\n"), head);
            assertTrue(head.matches("(?s).*\r\nDate: \\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n.*"), head);

            // Three URLs, one connection: curl says so when it reuses one.
            String reuse = curl("--verbose", base + "/plaintext", base + "/plaintext", base + "/plaintext");
            assertTrue(reuse.contains("Re-using existing connection") || reuse.contains("Reusing existing"), reuse);
            assertEquals(3, reuse.split("Hello, World!", -1).length - 1, reuse);

            assertTrue(curl("--http1.0", "--include", base + "/plaintext").contains("Connection: close"));

            String metrics = curl(base + "/metrics");
            assertTrue(metrics.contains("\nringwire_loops 2\n"), metrics);
            assertTrue(metrics.contains("# TYPE ringwire_connections_opened_total counter"), metrics);
            assertTrue(metrics.contains("ringwire_bytes_written_total"), metrics);
            assertTrue(metrics.contains("ringwire_errors_total{kind=\"read\"}"), metrics);
            assertTrue(metrics.contains("\nringwire_sendfile_bytes_total 0\n"), "no file sent yet: " + metrics);
            assertTrue(metrics.contains("\nringwire_splice_bytes_total 0\n"), "no relay here: " + metrics);

            assertEquals("file a\n", curl(base + "/files/a.txt"));
            Path fetched = tmp.resolve("fetched");
            assertEquals("200", curl("--output", fetched.toString(), "--write-out", "%{http_code}", base + "/files/big.bin"));
            assertTrue(java.util.Arrays.equals(big, Files.readAllBytes(fetched)), "5 MiB binary file intact");
            // Both bodies went by sendfile(2), counted where each call returned: a server that
            // copied them through Java would serve the same bytes and fail here.
            assertEquals(7 + big.length, sendfileBytesOnceCounted(base, 7 + big.length));
            assertEquals("404", curl("--output", "/dev/null", "--write-out", "%{http_code}", base + "/files/missing"));
            for (String escape : new String[] {"/files/../secret", "/files/%2e%2e/secret", "/files/%2E%2E%2Fsecret"}) {
                String out = curl("--path-as-is", "--write-out", " %{http_code}", base + escape);
                assertTrue(out.endsWith(" 403") || out.endsWith(" 404"), escape + ": " + out);
                assertTrue(!out.contains("top secret"), escape + ": " + out);
            }
            assertEquals("404", curl("--output", "/dev/null", "--write-out", "%{http_code}", base + "/nothing"));
            assertEquals("405", curl("--output", "/dev/null", "--write-out", "%{http_code}", "--data-binary", "x",
                    base + "/plaintext"));

            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void sixteenPipelinedRequestsInOneSendComeBackInOrder(String backend) throws Exception {
        for (int i = 2; i < 16; i += 3) {
            Files.writeString(tmp.resolve("f" + i), "file number " + i);
        }
        try (RingwireProcess p = RingwireProcess.start("http", "--port", "0", "--backend", backend,
                "--root", tmp.toString())) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                StringBuilder sixteen = new StringBuilder();
                for (int i = 0; i < 16; i++) {
                    sixteen.append(i % 3 == 2 ? "GET /files/f" + i : "GET /plaintext").append(" HTTP/1.1\r\nHost: t\r\n\r\n");
                }
                s.getOutputStream().write(sixteen.toString().getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                for (int i = 0; i < 16; i++) {
                    String status = in.readLine();
                    assertEquals("HTTP/1.1 200 OK", status, "response " + i);
                    int length = -1;
                    for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                        if (line.startsWith("Content-Length: ")) {
                            length = Integer.parseInt(line.substring(16));
                        }
                    }
                    char[] body = new char[length];
                    for (int got = 0; got < length; ) {
                        got += in.read(body, got, length - got);
                    }
                    assertEquals(i % 3 == 2 ? "file number " + i : "Hello, World!", new String(body), "response " + i);
                }
                // A malformed request after them: 400, then a close.
                s.getOutputStream().write("NOT HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("HTTP/1.1 400 Bad Request", in.readLine());
                drain(s.getInputStream());
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    @Test
    void aHeadOver8KiBGets431() throws Exception {
        try (RingwireProcess p = RingwireProcess.start("http", "--port", "0")) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("GET /plaintext HTTP/1.1\r\nHost: t\r\nX-Big: " + "x".repeat(8200) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                assertEquals("HTTP/1.1 431 Request Header Fields Too Large", in.readLine());
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    @Test
    void withoutARootFilesAre404() throws Exception {
        try (RingwireProcess p = RingwireProcess.start("http", "--port", "0")) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write("GET /files/a HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                assertEquals("HTTP/1.1 404 Not Found", in.readLine());
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    @Test
    void aRootThatIsNotADirectoryExitsTwo() throws Exception {
        try (RingwireProcess p = RingwireProcess.start("http", "--root", "/no/such/dir")) {
            assertEquals(2, p.awaitExit());
            String err = p.stderr.join().strip();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains("--root"), err);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] b = new byte[4096];
        while (in.read(b) >= 0) {
            // until the server's close
        }
    }
}

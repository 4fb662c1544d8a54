package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server commands' lifecycle options end to end: --read-timeout (and what tells it from
 * --idle-timeout), --max-conns-per-ip, --accept-rate, and a SIGTERM that lets a request in
 * progress finish.
 */
@Timeout(120)
class LifecycleCommandIT {
    private static final Pattern BYTES_READ = Pattern.compile("(?m)^ringwire_bytes_read_total (\\d+)$");
    private static final String METRICS_REQUEST = "GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

    static Socket connect(String sourceIp, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.setSoTimeout(30_000);
            s.bind(new InetSocketAddress(sourceIp, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** True if the server closed the connection (EOF or reset) rather than answering. */
    static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    static boolean echoes(Socket s, int b) throws IOException {
        s.getOutputStream().write(b);
        return s.getInputStream().read() == b;
    }

    private static String readToEof(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The server's bytes_read_total, through a /metrics request of its own (which it counts too). */
    private static long bytesRead(int port) throws IOException {
        try (Socket s = connect("127.0.0.1", port)) {
            s.getOutputStream().write(METRICS_REQUEST.getBytes(StandardCharsets.US_ASCII));
            Matcher m = BYTES_READ.matcher(readToEof(s.getInputStream()));
            assertTrue(m.find(), "no ringwire_bytes_read_total in /metrics");
            return Long.parseLong(m.group(1));
        }
    }

    @Test
    void readTimeoutClosesAConnectionThatSendsNothing() throws Exception {
        try (RingwireProcess p = RingwireProcess.start("echo", "--port", "0", "--read-timeout", "300ms")) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket s = connect("127.0.0.1", port)) {
                assertTrue(echoes(s, 5), "a connection works until it goes quiet");
                assertTrue(closedByServer(s), "then the server closes it once nothing arrives for 300ms");
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    /**
     * What tells --read-timeout from --idle-timeout: a long download to a client that sends
     * nothing after its request. The server's sending is traffic to the idle timeout but no input
     * to the read timeout. The client reads at a steady pace (64 KiB, then a 2 ms pause), so that
     * a 32 MiB file, eight times what the kernel buffers between them, takes a second or more
     * however fast the machine; the pause only paces the reader, nothing waits on it.
     */
    @ParameterizedTest
    @CsvSource({"--read-timeout,true", "--idle-timeout,false"})
    void aLongDownloadToASilentClientIsCutByTheReadTimeoutOnly(String option, boolean cut, @TempDir Path root)
            throws Exception {
        long size = 32L << 20;
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(root.resolve("big").toFile(), "rw")) {
            f.setLength(size); // sparse: sendfile reads zeros, and the disk holds nothing
        }
        try (RingwireProcess p = RingwireProcess.start("http", "--port", "0", "--root", root.toString(), option, "300ms")) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            long body = 0;
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(64 * 1024);
                s.setSoTimeout(30_000);
                s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
                s.getOutputStream().write("GET /files/big HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    assertTrue(b >= 0, "EOF inside the response head: " + head);
                    head.append((char) b);
                }
                assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
                byte[] buf = new byte[64 * 1024];
                try {
                    for (int r; body < size && (r = in.read(buf)) > 0; ) {
                        body += r;
                        Thread.sleep(2);
                    }
                } catch (SocketException reset) {
                    // cut off: counted below
                }
            }
            if (cut) {
                assertTrue(body < size, option + " must cut the download of a client that sends nothing; got all " + body);
            } else {
                assertEquals(size, body, option + ": the server's sending is traffic, so the download completes");
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    @Test
    void maxConnsPerIpRefusesOnlyTheAddressOverTheLimit() throws Exception {
        try (RingwireProcess p = RingwireProcess.start("echo", "--port", "0", "--max-conns-per-ip", "1")) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket first = connect("127.0.0.1", port)) {
                assertTrue(echoes(first, 1));
                try (Socket second = connect("127.0.0.1", port)) {
                    assertTrue(closedByServer(second), "a second connection from 127.0.0.1 is closed");
                }
                try (Socket other = connect("127.0.0.2", port)) {
                    assertTrue(echoes(other, 2), "another address is served");
                }
                assertTrue(echoes(first, 3), "the first connection is untouched");
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    @Test
    void acceptRateClosesConnectionsOverTheRate() throws Exception {
        try (RingwireProcess p = RingwireProcess.start("echo", "--port", "0", "--accept-rate", "1")) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket first = connect("127.0.0.1", port)) {
                assertTrue(echoes(first, 1), "the first connection has a token");
                // One token a second: of ten connections made back to back, some find none.
                int refused = 0;
                for (int i = 0; i < 10; i++) {
                    try (Socket s = connect("127.0.0.1", port)) {
                        s.getOutputStream().write(9);
                        refused += closedByServer(s) ? 1 : 0;
                    }
                }
                assertTrue(refused > 0, "no connection was refused");
                assertTrue(echoes(first, 2), "the admitted connection is untouched");
            }
            p.terminate();
            assertEquals(0, p.awaitExit());
        }
    }

    /**
     * SIGTERM with one HTTP request half received and one idle keep-alive connection: the idle
     * one is closed, new connections are refused, the half request, once completed, is answered,
     * with {@code Connection: close}, and the process exits 0.
     */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void sigtermLetsARequestInProgressFinish(String backend) throws Exception {
        try (RingwireProcess p = RingwireProcess.start("http", "--port", "0", "--backend", backend,
                "--drain-timeout", "30s")) {
            int port = Integer.parseInt(p.awaitReady().group(3));
            try (Socket idle = connect("127.0.0.1", port); Socket busy = connect("127.0.0.1", port)) {
                idle.getOutputStream().write("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(readResponse(idle.getInputStream()).contains("Hello, World!"));

                long before = bytesRead(port);
                byte[] head = "GET /plaintext HTTP/1.1\r\nHost: t\r\n".getBytes(StandardCharsets.US_ASCII);
                busy.getOutputStream().write(head);
                // Wait until the server has read the half request: its byte count includes it.
                int polls = 0;
                while (bytesRead(port) - before - (long) ++polls * METRICS_REQUEST.length() < head.length) {
                    assertTrue(polls < 10_000, "the half request never arrived");
                }

                p.terminate();
                assertTrue(closedByServer(idle), "the idle keep-alive connection is closed");
                int attempts = 0;
                while (!refused(port)) {
                    assertTrue(++attempts < 10_000, "new connections are still accepted");
                }
                busy.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
                String response = readToEof(busy.getInputStream());
                assertTrue(response.startsWith("HTTP/1.1 200"), "the request in progress is answered: " + response);
                assertTrue(response.endsWith("Hello, World!"), response);
                // A keep-alive client must learn that the server will read nothing more.
                assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n"),
                        "a response written while draining says Connection: close: " + response);
            }
            assertEquals(0, p.awaitExit(), "a graceful exit; stderr: " + p.stderr.getNow(""));
        }
    }

    private static boolean refused(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    /** Reads one response with a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "EOF inside a response head: " + head);
            head.append((char) b);
        }
        Matcher m = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        assertTrue(m.find(), head.toString());
        return head + new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.ISO_8859_1);
    }

    @Test
    void helpDocumentsTheLifecycleOptions() throws Exception {
        for (String command : new String[] {"echo", "frame", "http"}) {
            try (RingwireProcess p = RingwireProcess.start(command, "--help")) {
                String help = readToEof(p.process.getInputStream());
                java.util.List<String> options = new java.util.ArrayList<>(java.util.List.of("--idle-timeout", "--read-timeout",
                        "--max-conns", "--max-conns-per-ip", "--accept-rate", "--tcp-keepalive", "--drain-timeout"));
                if (command.equals("frame")) {
                    options.addAll(java.util.List.of("--heartbeat", "--heartbeat-misses"));
                }
                for (String option : options) {
                    assertTrue(help.contains(option), command + " --help lacks " + option + ":\n" + help);
                    // The whole option, described: "--max-conns" inside "--max-conns-per-ip" does not count.
                    Pattern described = Pattern.compile("(?m)^\\s*" + Pattern.quote(option) + "(=\\S+)?\\s+\\S");
                    assertTrue(described.matcher(help).find(), command + " --help does not describe " + option + ":\n" + help);
                }
                assertEquals(0, p.awaitExit());
            }
        }
    }

    @Test
    void negativeLimitsAreRefusedWithExitTwo() throws Exception {
        for (String[] args : new String[][] {{"--max-conns-per-ip", "-1"}, {"--accept-rate", "-5"}, {"--read-timeout", "soon"}}) {
            try (RingwireProcess p = RingwireProcess.start("echo", "--port", "0", args[0], args[1])) {
                String err = p.stderr.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(2, p.awaitExit(), String.join(" ", args));
                assertTrue(err.contains(args[0]), "the error names " + args[0] + ": " + err);
            }
        }
    }
}

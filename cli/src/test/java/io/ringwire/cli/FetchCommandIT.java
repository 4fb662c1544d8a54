package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bin/ringwire fetch} against {@code bin/ringwire http}, as outside tools run it. */
@Timeout(180)
class FetchCommandIT {
    static final Pattern SUMMARY = Pattern.compile(
            "requests=(\\d+) ok=(\\d+) errors=(\\d+) conns_opened=(\\d+) p50_us=(\\d+) p99_us=(\\d+)");

    /** A finished fetch: exit code, stdout lines, stderr. */
    record Result(int exit, List<String> stdout, String stderr) {
        Matcher summary() {
            assertTrue(!stdout.isEmpty(), "no output; stderr: " + stderr);
            Matcher m = SUMMARY.matcher(stdout.get(stdout.size() - 1));
            assertTrue(m.matches(), "last line is not the summary: " + stdout + "; stderr: " + stderr);
            return m;
        }

        long get(String field) {
            Matcher m = summary();
            return Long.parseLong(m.group(List.of("requests", "ok", "errors", "conns_opened", "p50_us", "p99_us").indexOf(field) + 1));
        }
    }

    static Result fetch(String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "fetch";
        System.arraycopy(args, 0, all, 1, args.length);
        try (RingwireProcess p = RingwireProcess.start(all)) {
            List<String> lines = p.stdout.lines().toList();
            int exit = p.awaitExit();
            return new Result(exit, lines, p.stderr.get(30, TimeUnit.SECONDS));
        }
    }

    /** A counter from the server's /metrics, read over a raw socket (one more connection it accepts). */
    static long metric(int port, String name) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)$").matcher(text);
            assertTrue(m.find(), name + " missing from " + text);
            return Long.parseLong(m.group(1));
        }
    }

    @Test
    void fetchesOverFewerConnectionsThanRequests() throws Exception {
        try (RingwireProcess server = RingwireProcess.start("http", "--port", "0")) {
            int port = Integer.parseInt(server.awaitReady().group(3));
            Result r = fetch("http://127.0.0.1:" + port + "/plaintext", "--requests", "500", "--concurrency", "8",
                    "--max-conns", "3", "--timeout", "20s");
            assertEquals(0, r.exit(), r.stderr());
            assertEquals(500, r.get("requests"));
            assertEquals(500, r.get("ok"));
            assertEquals(0, r.get("errors"));
            assertTrue(r.get("conns_opened") >= 1 && r.get("conns_opened") <= 3, r.stdout().toString());
            assertTrue(r.get("p50_us") > 0 && r.get("p99_us") >= r.get("p50_us"), r.stdout().toString());
            // The server's own count: the fetch's connections plus the one that asks for /metrics.
            assertTrue(metric(port, "ringwire_connections_opened_total") <= r.get("conns_opened") + 1);
            assertTrue(metric(port, "ringwire_http_requests_total") >= 500);
        }
    }

    @Test
    void errorsAreCountedAndMakeTheExitCodeOne() throws Exception {
        int refused;
        try (ServerSocket s = new ServerSocket(0)) {
            refused = s.getLocalPort();
        }
        Result r = fetch("http://127.0.0.1:" + refused + "/", "--requests", "5", "--concurrency", "2", "--timeout", "5s");
        assertEquals(1, r.exit());
        assertEquals(0, r.get("ok"));
        assertEquals(5, r.get("errors"));
        assertEquals(0, r.get("conns_opened"));
        assertTrue(r.stderr().contains("ECONNREFUSED"), r.stderr());

        try (RingwireProcess server = RingwireProcess.start("http", "--port", "0")) {
            int port = Integer.parseInt(server.awaitReady().group(3));
            Result notFound = fetch("http://127.0.0.1:" + port + "/nosuch", "--requests", "3");
            assertEquals(1, notFound.exit());
            assertEquals(3, notFound.get("errors"));
            assertTrue(notFound.stderr().contains("HTTP 404"), notFound.stderr());
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        Socket s = silent.accept(); // held open, never answered
                        s.getInputStream();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            Result r = fetch("http://127.0.0.1:" + silent.getLocalPort() + "/", "--requests", "2", "--timeout", "300ms");
            assertEquals(1, r.exit());
            assertEquals(2, r.get("errors"));
            assertTrue(r.stderr().contains("timed out after 300 ms"), r.stderr());
            acceptor.interrupt();
        }
    }

    /**
     * A server that never answers the first request, and answers every later one: with one
     * connection allowed, the timed-out request must give its connection back (closed, since
     * its state is unknown), or every request after it would starve for a connection too.
     */
    @Test
    void aRequestThatTimesOutCostsOneErrorNotTheRest() throws Exception {
        byte[] ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
        AtomicInteger requests = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        Thread.ofPlatform().daemon().start(() -> {
                            try (s) {
                                while (readHead(s)) {
                                    if (requests.incrementAndGet() > 1) {
                                        s.getOutputStream().write(ok);
                                    } // the first request: silence, until the client gives up and closes
                                }
                            } catch (IOException closed) {
                                // the client closed it
                            }
                        });
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            Result r = fetch("http://127.0.0.1:" + server.getLocalPort() + "/", "--requests", "5", "--concurrency", "1",
                    "--max-conns", "1", "--timeout", "500ms");
            assertEquals(1, r.exit(), r.stderr());
            assertEquals(1, r.get("errors"), r.stdout() + r.stderr());
            assertEquals(4, r.get("ok"), r.stdout() + r.stderr());
            assertEquals(2, r.get("conns_opened"), "the timed-out connection, then one for the rest");
            assertTrue(r.stderr().contains("1 x timed out after 500 ms"), r.stderr());
            acceptor.interrupt();
        }
    }

    /** Reads one request head; false at EOF. */
    private static boolean readHead(Socket s) throws IOException {
        java.io.InputStream in = s.getInputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
            if (matched == 4) {
                return true;
            }
        }
        return false;
    }

    @Test
    void badArgumentsGetOneLineAndExitTwo() throws Exception {
        for (List<String> args : List.<List<String>>of(List.of("ftp://example/"), List.of("not a url"), List.of(),
                List.of("http://127.0.0.1:1/", "--requests", "0"), List.of("http://127.0.0.1:1/", "--concurrency", "0"),
                List.of("http://127.0.0.1:1/", "--max-conns", "-1"), List.of("http://127.0.0.1:1/", "--timeout", "soon"),
                List.of("http://127.0.0.1:0/"), List.of("http://127.0.0.1:65536/"))) {
            Result r = fetch(args.toArray(String[]::new));
            assertEquals(2, r.exit(), args + ": " + r.stderr());
            assertEquals(1, r.stderr().strip().lines().count(), args + ": " + r.stderr());
            assertTrue(r.stdout().isEmpty(), args + ": " + r.stdout());
        }
    }

    /**
     * The server is killed and restarted on the same port while fetch runs: with retries, every
     * request still succeeds, the new server serves the rest, and the client opens only a handful
     * of new connections (backoff, one probe at a time; no storm).
     */
    /**
     * How many connects the pool's default reconnect backoff (full jitter, 50 ms base, 5 s cap,
     * one probe at a time) lets through in {@code downNanos}, but for a chance below one in a
     * million: N probes fit only if the N-1 delays between them do, and delay i, uniform in
     * [0, c_i], fits in the downtime D with probability at most min(1, D / c_i). Long.MAX_VALUE if
     * D reaches the cap, where the product stops shrinking.
     */
    static long probesThatFitIn(long downNanos) {
        double d = downNanos / 1e6;
        double cap = 5000;
        if (d >= cap) {
            return Long.MAX_VALUE;
        }
        double chance = 1;
        long n = 1;
        for (int i = 1; chance >= 1e-6; i++, n++) {
            double ceiling = Math.min(cap, 50 * Math.pow(2, i - 1));
            chance *= Math.min(1, d / ceiling);
        }
        return n;
    }

    @Test
    void aServerRestartMidRunIsRiddenOut() throws Exception {
        RingwireProcess first = RingwireProcess.start("http", "--port", "0");
        int port = Integer.parseInt(first.awaitReady().group(3));
        long downSince;
        ProcessBuilder pb = new ProcessBuilder(RingwireProcess.LAUNCHER.toString(), "fetch",
                "http://127.0.0.1:" + port + "/plaintext", "--requests", "60000", "--concurrency", "4", "--max-conns", "2",
                "--timeout", "30s", "--retries", "100");
        Process fetch = pb.start();
        try (RingwireProcess ignored = first) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (metric(port, "ringwire_http_requests_total") < 2000) {
                assertTrue(fetch.isAlive(), "fetch ended before the restart");
                assertTrue(System.nanoTime() < deadline, "fetch made no progress");
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // between polls of the server's counter
            }
            downSince = System.nanoTime();
            first.process.destroyForcibly();
            first.process.waitFor(30, TimeUnit.SECONDS);
        }
        try (RingwireProcess second = RingwireProcess.start("http", "--port", String.valueOf(port))) {
            second.awaitReady();
            long downNanos = System.nanoTime() - downSince;
            String out = new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(fetch.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(fetch.waitFor(120, TimeUnit.SECONDS), "fetch did not finish");
            assertEquals(0, fetch.exitValue(), out + err);
            Result r = new Result(0, out.lines().toList(), err);
            assertEquals(60000, r.get("ok"));
            assertTrue(r.get("conns_opened") <= 2 + 2 + 4, "a few reconnects, not a storm: " + out);
            assertTrue(metric(port, "ringwire_http_requests_total") > 1000, "the restarted server served the rest");
            // conns_opened counts the connects that worked; a storm is made of those that fail.
            Matcher failed = Pattern.compile("ringwire fetch: (\\d+) failed connect\\(s\\)").matcher(err);
            long failures = failed.find() ? Long.parseLong(failed.group(1)) : 0;
            assertTrue(failures >= 1, "the client met the server down: " + err);
            long bound = probesThatFitIn(downNanos);
            System.err.println("restart: " + downNanos / 1_000_000 + " ms down, " + failures + " failed connects, bound " + bound);
            if (bound < Long.MAX_VALUE) {
                assertTrue(failures <= bound, failures + " failed connects in " + downNanos / 1_000_000
                        + " ms of downtime; the pool's backoff allows at most " + bound + ": " + err);
            } else {
                System.err.println("downtime of " + downNanos / 1_000_000 + " ms reached the backoff's cap: no bound on failed connects");
            }
        } finally {
            fetch.destroyForcibly();
        }
    }
}

package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ringwire fetch} against a real nginx, which the setup installs from Debian if it is
 * missing and runs in the foreground on a loopback port, with a configuration written here. The
 * access log records nginx's connection serial number ({@code $connection}) for each request, so
 * the number of connections nginx accepted is counted on the server's side.
 *
 * <p>Without nginx and without a way to install it, the tests are skipped, saying why; but not
 * when the {@code CI} environment variable is set: there the server side is a requirement, and a
 * CI machine that cannot provide it fails.
 */
@Timeout(600)
class FetchNginxIT {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @TempDir
    static Path dir;
    private static final List<Process> started = new java.util.ArrayList<>();

    /** One nginx: its directory (config, logs) and port. */
    record Nginx(Path dir, int port) {
        Path accessLog() {
            return dir.resolve("access.log");
        }
    }

    @BeforeAll
    static void requireNginx() throws Exception {
        String why = ensureInstalled();
        if (why != null && System.getenv("CI") != null) {
            fail("nginx is required when CI is set, and is not available: " + why);
        }
        Assumptions.assumeTrue(why == null, () -> "nginx is not available: " + why);
    }

    /** Starts an nginx in {@code dir/name} with {@code keepalive} as its keep-alive directives, and waits until it accepts. */
    private static Nginx start(String name, String keepalive) throws Exception {
        Path home = dir.resolve(name);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(home.resolve("tmp"));
        Files.writeString(home.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                    log_format conns '$connection $request_uri $status';
                    access_log %1$s/access.log conns;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    %3$s
                    server {
                        listen 127.0.0.1:%2$d;
                        location = /plaintext { default_type text/plain; return 200 "Hello, World!"; }
                        location = /status { stub_status; access_log off; }
                    }
                }
                """.formatted(home, port, keepalive));
        Process nginx = new ProcessBuilder(NGINX.toString(), "-p", home.toString(), "-c", home.resolve("nginx.conf").toString(),
                "-e", home.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("nginx.out").toFile()).start();
        started.add(nginx);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!accepting(port)) {
            assertTrue(nginx.isAlive(), "nginx exited: " + Files.readString(home.resolve("nginx.out")));
            assertTrue(System.nanoTime() < deadline, "nginx did not start listening on " + port);
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        return new Nginx(home, port);
    }

    private static boolean accepting(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Installs nginx-light with apt-get (update first) if nginx is missing; returns why not, or null. */
    private static String ensureInstalled() throws InterruptedException {
        if (Files.isExecutable(NGINX)) {
            return null;
        }
        try {
            for (List<String> cmd : List.of(List.of("apt-get", "update", "-qq"),
                    List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx-light"))) {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
                pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    String tail = out.lines().reduce((a, b) -> b).orElse("");
                    return String.join(" ", cmd) + " failed: " + tail;
                }
            }
        } catch (IOException e) {
            return "apt-get could not run: " + e.getMessage();
        }
        return Files.isExecutable(NGINX) ? null : "apt-get installed no " + NGINX;
    }

    @AfterAll
    static void stopNginx() throws InterruptedException {
        for (Process nginx : started) {
            nginx.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            nginx.destroyForcibly();
            nginx.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The connections nginx has accepted so far, from its stub_status page (fetched over a
     * connection of its own, which the count includes). Unlike the access log, which shows only
     * connections that carried a request, this counts every connection a client opened.
     */
    private static long accepts(Nginx nginx) throws IOException {
        try (Socket s = new Socket("127.0.0.1", nginx.port())) {
            s.getOutputStream().write("GET /status HTTP/1.0\r\nHost: test\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String page = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            // "... server accepts handled requests\n A H R \n ..."
            String[] after = page.substring(page.indexOf("requests") + "requests".length()).trim().split("\\s+");
            return Long.parseLong(after[0]);
        }
    }

    /** How many connections fetch opened, as nginx counts them: accepts around the run, less the second status request's own. */
    private static long acceptedDuring(Nginx nginx, long before) throws IOException {
        return accepts(nginx) - before - 1;
    }

    /**
     * fetch's conns_opened against what nginx accepted. fetch reads its pool's count when the last
     * request ends; a connect the pool started just before (for a waiter that a release then served)
     * may finish its handshake after that, so nginx may count one more, never fewer.
     */
    private static void assertAccepted(long opened, long accepted) {
        assertTrue(accepted >= opened && accepted <= opened + 1,
                "fetch counted conns_opened=" + opened + ", nginx accepted " + accepted);
    }

    /** nginx's access log: waits until it has {@code n} lines for /plaintext, then returns the connection serials, one per request. */
    private static List<String> loggedConnections(Nginx nginx, int n) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> lines;
        while ((lines = Files.readAllLines(nginx.accessLog()).stream().filter(l -> l.contains(" /plaintext 200")).toList()).size() < n) {
            assertTrue(System.nanoTime() < deadline, "nginx logged only " + lines.size() + " requests");
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        assertEquals(n, lines.size());
        return lines.stream().map(l -> l.substring(0, l.indexOf(' '))).toList();
    }

    @Test
    void reusesConnectionsAsNginxCountsThem() throws Exception {
        Nginx nginx = start("reuse", "keepalive_requests 1000000;\n    keepalive_timeout 60s;");
        int port = nginx.port();
        long before = accepts(nginx);
        FetchCommandIT.Result r = FetchCommandIT.fetch("http://127.0.0.1:" + port + "/plaintext", "--requests", "2000",
                "--concurrency", "8", "--max-conns", "3", "--timeout", "20s");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(2000, r.get("ok"));
        long opened = r.get("conns_opened");
        assertTrue(opened >= 1 && opened <= 3, "conns_opened=" + opened);

        // nginx writes a log line per request; wait until all 2000 are there, then count connections.
        List<String> lines = loggedConnections(nginx, 2000);
        Set<String> connections = new HashSet<>(lines);
        assertEquals(2000, lines.size());
        assertAccepted(opened, acceptedDuring(nginx, before));
        assertTrue(connections.size() <= opened, "requests came only over connections fetch opened: " + connections);
        assertTrue(connections.size() <= 3, "at most --max-conns connections: " + connections);
    }

    /**
     * nginx closes each connection after 50 requests (its last response says Connection: close,
     * and the close races the client's next request on it): the client must open new ones as
     * needed, with no retries asked for, and no error.
     */
    @Test
    void serverSideClosesCostNoErrors() throws Exception {
        Nginx nginx = start("closes", "keepalive_requests 50;\n    keepalive_timeout 60s;");
        long before = accepts(nginx);
        FetchCommandIT.Result r = FetchCommandIT.fetch("http://127.0.0.1:" + nginx.port() + "/plaintext", "--requests", "2000",
                "--concurrency", "8", "--max-conns", "3", "--timeout", "20s");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(0, r.get("errors"), r.stdout() + r.stderr());
        assertEquals(2000, r.get("ok"));
        Set<String> connections = new HashSet<>(loggedConnections(nginx, 2000));
        assertTrue(connections.size() >= 2000 / 50, "nginx closed after 50 requests each: " + connections.size() + " connections");
        // Every connection fetch opened, nginx accepted, whether or not a request went over it: a
        // connection opened for a waiter that another release served first may close unused.
        assertAccepted(r.get("conns_opened"), acceptedDuring(nginx, before));
        assertTrue(connections.size() <= r.get("conns_opened"), "requests came only over connections fetch opened");
    }
}

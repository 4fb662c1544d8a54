package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 */
@Timeout(600)
class FetchNginxIT {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @TempDir
    static Path dir;
    private static Process nginx;
    private static int port;

    @BeforeAll
    static void startNginx() throws Exception {
        String why = ensureInstalled();
        Assumptions.assumeTrue(why == null, () -> "nginx is not available: " + why);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("nginx.conf"), """
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
                    keepalive_requests 1000000;
                    keepalive_timeout 60s;
                    server {
                        listen 127.0.0.1:%2$d;
                        location = /plaintext { default_type text/plain; return 200 "Hello, World!"; }
                    }
                }
                """.formatted(dir, port));
        nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!accepting()) {
            assertTrue(nginx.isAlive(), "nginx exited: " + Files.readString(dir.resolve("nginx.out")));
            assertTrue(System.nanoTime() < deadline, "nginx did not start listening on " + port);
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
    }

    private static boolean accepting() {
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
        if (nginx != null) {
            nginx.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            nginx.destroyForcibly();
            nginx.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void reusesConnectionsAsNginxCountsThem() throws Exception {
        FetchCommandIT.Result r = FetchCommandIT.fetch("http://127.0.0.1:" + port + "/plaintext", "--requests", "2000",
                "--concurrency", "8", "--max-conns", "3", "--timeout", "20s");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(2000, r.get("ok"));
        long opened = r.get("conns_opened");
        assertTrue(opened >= 1 && opened <= 3, "conns_opened=" + opened);

        // nginx writes a log line per request; wait until all 2000 are there, then count connections.
        Path log = dir.resolve("access.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> lines;
        while ((lines = Files.readAllLines(log).stream().filter(l -> l.contains(" /plaintext 200")).toList()).size() < 2000) {
            assertTrue(System.nanoTime() < deadline, "nginx logged only " + lines.size() + " requests");
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        Set<String> connections = new HashSet<>();
        lines.forEach(l -> connections.add(l.substring(0, l.indexOf(' '))));
        assertEquals(2000, lines.size());
        assertEquals(opened, connections.size(), "nginx accepted as many connections as fetch opened");
        assertTrue(connections.size() <= 3, "at most --max-conns connections: " + connections);
    }
}

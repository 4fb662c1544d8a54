package io.ringwire.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Backend;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.protocol.testutil.Await;
import io.ringwire.protocol.testutil.Backends;
import io.ringwire.protocol.testutil.HttpSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code GET /files/NAME} through {@link FileHandler}: bodies by sendFile, order, and every way out of the root refused. */
@Timeout(60)
class FileServingTest {
    @TempDir
    Path tmp;

    private Path root;
    private String secret;
    private final HttpServerStats stats = new HttpServerStats();

    private static String text(int length, long seed) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    private Server listen(EventLoopGroup group) throws Exception {
        return listen(group, ServerConfig.defaults());
    }

    private Server listen(EventLoopGroup group, ServerConfig serverConfig) throws Exception {
        root = Files.createDirectory(tmp.resolve("root"));
        Files.writeString(root.resolve("small.txt"), "hello file\n");
        Files.writeString(root.resolve("big.txt"), text(3 << 20, 1));
        Files.createDirectory(root.resolve("sub"));
        Files.writeString(root.resolve("sub/inner.txt"), "inner\n");
        Files.writeString(root.resolve("empty"), "");
        secret = "top secret\n";
        Files.writeString(tmp.resolve("secret.txt"), secret);
        Files.createSymbolicLink(root.resolve("out"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outdir"), tmp);
        Files.createSymbolicLink(root.resolve("in"), root.resolve("small.txt"));
        Files.createSymbolicLink(root.resolve("loop"), root.resolve("loop"));
        mkfifo(root.resolve("fifo"));
        HttpRouter router = HttpRouter.builder()
                .prefix(HttpMethod.GET, "/files/", new FileHandler(root, "/files/"))
                .get("/plaintext", (req, res) -> res.body("Hello, World!"))
                .get("/metrics", new MetricsHandler(group::stats, stats))
                // Handlers whose file fails only when the response opens it, as one deleted or
                // swapped for a FIFO after FileHandler looked would.
                .get("/gone", (req, res) -> res.bodyFile(tmp.resolve("never-there"), 10))
                .get("/fifo", (req, res) -> res.bodyFile(root.resolve("fifo"), 10))
                .build();
        return group.listen(new InetSocketAddress("127.0.0.1", 0), serverConfig,
                HttpServer.handlers(router, HttpServerConfig.defaults(), stats));
    }

    /** Descriptors this process holds open on files under the root: the file responses queued. */
    private int openUnderRoot() {
        String prefix = root.toAbsolutePath().toString() + "/";
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(prefix);
                } catch (java.io.IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void mkfifo(Path path) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor(), "mkfifo");
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
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

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void filesAreServedInPipelineOrderWithKeepAlive(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "files");
             HttpSocket s = new HttpSocket(listen(group).localAddress())) {
            s.send(get("/files/small.txt") + get("/files/big.txt") + get("/plaintext") + get("/files/sub/inner.txt")
                    + get("/files/empty") + get("/files/in") + get("/files/missing") + get("/files/small.txt"));
            HttpSocket.Response r = s.read();
            assertEquals(200, r.status());
            assertEquals("hello file\n", r.body());
            assertEquals("11", r.header("content-length"));
            assertEquals("application/octet-stream", r.header("content-type"));
            assertNull(r.header("connection"), "kept alive");
            r = s.read();
            assertEquals(3 << 20, r.body().length());
            assertEquals(Files.readString(root.resolve("big.txt")), r.body());
            assertEquals("Hello, World!", s.read().body());
            assertEquals("inner\n", s.read().body());
            r = s.read();
            assertEquals(200, r.status());
            assertEquals("0", r.header("content-length"));
            assertEquals("hello file\n", s.read().body(), "a symlink inside the root is fine");
            assertEquals(404, s.read().status());
            assertEquals("hello file\n", s.read().body(), "still in order after a 404");
            s.send("HEAD /files/small.txt HTTP/1.1\r\nHost: t\r\n\r\n" + get("/plaintext"));
            r = s.read(true);
            assertEquals("11", r.header("content-length"));
            assertEquals("Hello, World!", s.read().body(), "HEAD sent no body");
            // Every body above went by sendfile(2), and only those: a HEAD or a 404 sends none.
            // Asked on the same connection and loop once all came back, so the count is complete.
            s.send(get("/metrics"));
            String metrics = s.read().body();
            assertEquals(11 + (3 << 20) + 6 + 0 + 11 + 11, metric(metrics, "ringwire_sendfile_bytes_total"), metrics);
            assertEquals(0, metric(metrics, "ringwire_splice_bytes_total"), metrics);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void pathsThatEscapeTheRootAreNeverServed(Backend backend) throws Exception {
        // Each with the status README promises: 403 for a name that is not a plain relative one or
        // leads out of the root, 404 for one that leads to no regular file.
        String[][] escapes = {
            {"/files/../secret.txt", "403"}, {"/files/sub/../../secret.txt", "403"}, {"/files/%2e%2e/secret.txt", "403"},
            {"/files/%2E%2E%2Fsecret.txt", "403"}, {"/files/sub%2f..%2f..%2fsecret.txt", "403"},
            {"/files//etc/passwd", "403"}, {"/files/%2fetc%2fpasswd", "403"}, {"/files/out", "403"},
            {"/files/outdir/secret.txt", "403"}, {"/files/..%5csecret.txt", "403"}, {"/files/./small.txt", "403"},
            {"/files/", "403"}, {"/files/%00", "403"}, {"/files/sub", "404"},
            // Names the file system refuses: ENOTDIR, ENAMETOOLONG, ELOOP; and a FIFO, never opened.
            {"/files/small.txt/x", "404"}, {"/files/" + "n".repeat(300), "404"}, {"/files/loop", "404"},
            {"/files/fifo", "404"},
        };
        try (EventLoopGroup group = Backends.group(backend, 1, "files");
             HttpSocket s = new HttpSocket(listen(group).localAddress())) {
            for (String[] escape : escapes) {
                String path = escape[0];
                s.send(get(path));
                HttpSocket.Response r = s.read();
                assertTrue(r.status() == 403 || r.status() == 404 || r.status() == 400, path + " -> " + r.status());
                assertEquals(Integer.parseInt(escape[1]), r.status(), path);
                assertNull(r.header("connection"), path + ": a refusal keeps the connection");
                assertFalse(r.body().contains("top secret"), path + " served the secret");
            }
            s.send(get("/files/small.txt"));
            assertEquals("hello file\n", s.read().body(), "the connection survived every refusal");
            // A malformed escape is a malformed request: 400, then a close (CONTRACT.md).
            s.send(get("/files/%zz"));
            HttpSocket.Response bad = s.read();
            assertEquals(400, bad.status(), "a malformed escape");
            assertEquals("close", bad.header("connection"), "a malformed request ends its connection");
            assertTrue(s.closedByPeer(), "closed after the 400");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"EPOLL", "IO_URING"})
    void aFileThatFailsToOpenGetsItsErrorAndKeepsThePipeline(Backend backend) throws Exception {
        try (EventLoopGroup group = Backends.group(backend, 1, "files");
             HttpSocket s = new HttpSocket(listen(group).localAddress())) {
            // One segment: the failing responses come between others already queued, unflushed.
            s.send(get("/plaintext") + get("/files/small.txt") + get("/gone") + get("/files/big.txt") + get("/fifo")
                    + get("/plaintext"));
            assertEquals("Hello, World!", s.read().body());
            assertEquals("hello file\n", s.read().body(), "the response before the failure was kept");
            HttpSocket.Response gone = s.read();
            assertEquals(404, gone.status(), "a file missing when the response opens it");
            assertNull(gone.header("connection"), "kept alive: nothing of it had been queued");
            assertEquals(3 << 20, s.read().body().length());
            assertEquals(404, s.read().status(), "a FIFO, refused without blocking");
            assertEquals("Hello, World!", s.read().body(), "still in order after both");
        }
    }

    /**
     * A client pipelines 2000 file GETs and reads nothing. Two limits stop the server taking
     * requests: the watermark (default, 64 KiB), and the count of file responses queued, which
     * alone holds when the watermark is set high enough (64 MiB) never to trip.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"EPOLL, 0", "IO_URING, 0", "EPOLL, 67108864", "IO_URING, 67108864"})
    void pipelinedFilesHoldFewDescriptorsAndAllArriveInOrderOnceRead(Backend backend, int highWatermark) throws Exception {
        int requests = 2000;
        ServerConfig config = highWatermark == 0 ? ServerConfig.defaults() : ServerConfig.builder()
                .connectionConfig(io.ringwire.ConnectionConfig.builder().watermarks(highWatermark / 2, highWatermark).build())
                .build();
        try (EventLoopGroup group = Backends.group(backend, 1, "files");
             java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            Server server = listen(group, config);
            String a = text(16 << 10, 2);
            String b = text(16 << 10, 3);
            Files.writeString(root.resolve("a.txt"), a);
            Files.writeString(root.resolve("b.txt"), b);
            StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < requests; i++) {
                pipeline.append(get(i % 2 == 0 ? "/files/a.txt" : "/files/b.txt"));
            }
            try (HttpSocket greedy = new HttpSocket(server.localAddress());
                 HttpSocket other = new HttpSocket(server.localAddress())) {
                // 32 MiB of answers cannot fit in the socket buffers: with the client not reading,
                // the server must stop taking requests, not open a file for each one it has read.
                java.util.concurrent.Future<?> writer = threads.submit(() -> {
                    greedy.send(pipeline.toString());
                    return null;
                });
                Await.until("the server to start answering", () -> stats.requests() > 0);
                int most = 0;
                for (int i = 0; i < 100; i++) { // a window measured in work on the same loop, not in time
                    other.send(get("/plaintext"));
                    assertEquals("Hello, World!", other.read().body());
                    most = Math.max(most, openUnderRoot());
                }
                assertTrue(most <= HttpServerHandler.MAX_QUEUED_FILES, "files held open for one client: " + most);
                long fromGreedy = stats.requests() - 100;
                assertTrue(fromGreedy < requests, "the server stopped taking requests: " + fromGreedy);
                for (int i = 0; i < requests; i++) {
                    HttpSocket.Response r = greedy.read();
                    assertEquals(200, r.status(), "response " + i);
                    assertEquals(i % 2 == 0 ? a : b, r.body(), "response " + i + " in its place");
                }
                writer.get(20, java.util.concurrent.TimeUnit.SECONDS);
                Await.until("every file to be closed", () -> openUnderRoot() == 0);
            }
        }
    }

    @Test
    void safeNamesAndDecoding() {
        assertTrue(FileHandler.isSafeRelative("a/b.txt"));
        assertFalse(FileHandler.isSafeRelative("a/../b"));
        assertFalse(FileHandler.isSafeRelative("a//b"));
        assertFalse(FileHandler.isSafeRelative("/a"));
        assertFalse(FileHandler.isSafeRelative("a\\b"));
        assertEquals("../x", FileHandler.percentDecode("%2e%2E/x"));
        assertEquals("é", FileHandler.percentDecode("%C3%A9"));
        assertNull(FileHandler.percentDecode("%C3"), "not UTF-8");
        assertNull(FileHandler.percentDecode("%2"));
        assertEquals("plain", FileHandler.percentDecode("plain"));
    }
}

package io.ringwire.zerocopy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Fds;
import io.ringwire.testutil.Files2;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.Threads;
import io.ringwire.testutil.TransportUnderTest;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Connection#sendFile}: order among writes, ranges, failures, and what a peer's abort leaves behind. */
@Timeout(60)
class SendFileTest {
    @TempDir
    Path dir;

    /** Runs {@code onOpen} for each accepted connection; ignores what the client sends. */
    private static final class Serving implements ConnectionHandler {
        final LinkedBlockingQueue<Connection> opened = new LinkedBlockingQueue<>();
        private final Consumer<Connection> onOpen;

        Serving(Consumer<Connection> onOpen) {
            this.onOpen = onOpen;
        }

        @Override
        public void onOpen(Connection c) {
            opened.add(c);
            onOpen.accept(c);
        }

        @Override
        public void onData(Connection c, DirectBuffer data, int offset, int length) {
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The group's loops handed exactly {@code bytes} file bytes to the kernel by sendfile(2): a
     * send that copied the file through Java would deliver the same bytes and fail here. Call
     * after the sends' futures completed: they complete on the loop after the count, so the test
     * thread sees it.
     */
    private static void assertSentByTheKernel(EventLoopGroup group, long bytes) {
        assertEquals(bytes, group.stats().sendfileBytes(), "bytes sent by sendfile(2)");
    }

    private static byte[] slice(Path file, long offset, int length) throws IOException {
        byte[] all = Files.readAllBytes(file);
        byte[] out = new byte[length];
        System.arraycopy(all, (int) offset, out, 0, length);
        return out;
    }

    @ConformanceTest
    void filesKeepTheirPlaceAmongWrites(TransportUnderTest transport) throws Exception {
        Path file = Files2.streamFile(dir, "a", 300_000);
        Path empty = Files2.streamFile(dir, "empty", 0);
        List<CompletableFuture<Long>> futures = new CopyOnWriteArrayList<>(); // filled on the loop thread
        Serving serving = new Serving(c -> {
            c.write(ascii("head|"), 0, 5);
            futures.add(c.sendFile(file));
            c.write(ascii("|mid|"), 0, 5);
            futures.add(c.sendFile(file, 1000, 5000));
            futures.add(c.sendFile(empty));
            c.write(ascii("|tail"), 0, 5);
            c.flush();
            c.shutdownOutput();
        });
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
            try (Socket s = Peers.connect(server.localAddress())) {
                byte[] got = Peers.readToEof(s);
                ByteArrayOutputStream want = new ByteArrayOutputStream();
                want.write(ascii("head|"));
                want.write(Files.readAllBytes(file));
                want.write(ascii("|mid|"));
                want.write(slice(file, 1000, 5000));
                want.write(ascii("|tail"));
                assertArrayEquals(want.toByteArray(), got);
            }
            assertEquals(300_000L, Await.get(futures.get(0), "the whole file"));
            assertEquals(5000L, Await.get(futures.get(1), "the range"));
            assertEquals(0L, Await.get(futures.get(2), "the empty file"));
            assertSentByTheKernel(group, 305_000L);
        }
    }

    @ConformanceTest
    void sendFromAnotherThreadKeepsThatThreadsOrder(TransportUnderTest transport) throws Exception {
        Path file = Files2.streamFile(dir, "b", 1 << 20);
        Serving serving = new Serving(c -> {
        });
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
            try (Socket s = Peers.connect(server.localAddress())) {
                Connection c = serving.opened.take();
                CompletableFuture<Long> f = null;
                for (int i = 0; i < 4; i++) {
                    c.write(ascii("<" + i + ">"), 0, 3);
                    f = c.sendFile(file, i * 1000L, 100_000);
                }
                c.flush();
                c.shutdownOutput();
                byte[] got = Peers.readToEof(s);
                ByteArrayOutputStream want = new ByteArrayOutputStream();
                for (int i = 0; i < 4; i++) {
                    want.write(ascii("<" + i + ">"));
                    want.write(slice(file, i * 1000L, 100_000));
                }
                assertArrayEquals(want.toByteArray(), got);
                assertEquals(100_000L, Await.get(f, "the last range"));
                assertSentByTheKernel(group, 4 * 100_000L);
            }
        }
    }

    @ConformanceTest
    void concurrentSendersGetTheirOwnRanges(TransportUnderTest transport) throws Exception {
        Path file = Files2.streamFile(dir, "c", 8 << 20);
        int clients = 8;
        Serving serving = new Serving(c -> {
            // Each connection's range is fixed by its local port's order of arrival: read it back from the peer.
        });
        try (EventLoopGroup group = transport.newGroup(2)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            java.util.concurrent.atomic.AtomicLong mostWorkers = new java.util.concurrent.atomic.AtomicLong();
            try {
                List<Socket> sockets = new ArrayList<>();
                List<Future<Files2.Digest>> reads = new ArrayList<>();
                List<CompletableFuture<Long>> sends = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Socket s = Peers.connect(server.localAddress());
                    sockets.add(s);
                    Connection c = serving.opened.take();
                    long offset = i * 1_000_003L;
                    long length = (8 << 20) - offset - i;
                    sends.add(c.sendFile(file, offset, length));
                    c.flush();
                    c.shutdownOutput();
                    reads.add(pool.submit(() -> {
                        // Under load, once per client: the earlier clients' sends are running.
                        mostWorkers.accumulateAndGet(Threads.countNamed("iou-wrk-"), Math::max);
                        return Files2.sha256(s.getInputStream());
                    }));
                }
                long total = 0;
                for (int i = 0; i < clients; i++) {
                    long offset = i * 1_000_003L;
                    long length = (8 << 20) - offset - i;
                    Files2.Digest d = Await.get(reads.get(i), "client " + i + " to read its range");
                    assertEquals(length, d.length(), "client " + i);
                    assertEquals(Files2.sha256(file, offset, length), d.sha256(), "client " + i);
                    Await.get(sends.get(i), "client " + i + "'s send to complete");
                    total += length;
                }
                assertSentByTheKernel(group, total); // summed over both loops
                for (Socket s : sockets) {
                    s.close();
                }
                // Two rings, two iou-wrk pools each, capped at max_workers (4): sendfile on the loop
                // and POLL_ADD never go to a worker, and the bound holds should anything punt.
                assertTrue(mostWorkers.get() <= 2 * 2 * 4, "iou-wrk threads under load: " + mostWorkers.get());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ConformanceTest
    void badFilesFailTheFutureAndLeaveTheConnectionUsable(TransportUnderTest transport) throws Exception {
        Path file = Files2.streamFile(dir, "d", 1000);
        List<CompletableFuture<Long>> futures = new CopyOnWriteArrayList<>(); // filled on the loop thread
        Serving serving = new Serving(c -> {
            futures.add(c.sendFile(dir.resolve("missing")));
            futures.add(c.sendFile(dir));
            futures.add(c.sendFile(file, 900, 101));
            futures.add(c.sendFile(file, 1001, -1));
            c.write(ascii("still fine"), 0, 10);
            c.flush();
            c.shutdownOutput();
        });
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
            try (Socket s = Peers.connect(server.localAddress())) {
                assertArrayEquals(ascii("still fine"), Peers.readToEof(s));
            }
            assertTrue(Await.failure(futures.get(0), "missing").getMessage().contains("ENOENT"));
            assertTrue(Await.failure(futures.get(1), "directory").getMessage().contains("EISDIR"));
            assertInstanceOf(EOFException.class, Await.failure(futures.get(2), "range past the end"));
            assertInstanceOf(EOFException.class, Await.failure(futures.get(3), "offset past the end"));
            assertSentByTheKernel(group, 0);
        }
    }

    /**
     * Queued file bytes count against the watermarks, as Connection promises, and as the HTTP
     * server's backpressure needs: a file over the high watermark makes the connection unwritable
     * at once, and it becomes writable again once the peer has read it.
     */
    @ConformanceTest
    void fileBytesCountAgainstTheWatermarks(TransportUnderTest transport) throws Exception {
        long size = 32 << 20; // more than two hops of socket buffers hold, so the flush cannot undo it
        Path file = Files2.streamFile(dir, "w", size);
        List<Object> seen = new CopyOnWriteArrayList<>(); // what the loop thread saw, in order
        CompletableFuture<Boolean> writableAgain = new CompletableFuture<>();
        ConnectionHandler sender = new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                seen.add(c.isWritable());
                c.sendFile(file);
                seen.add(c.isWritable());
                seen.add(c.pendingOutboundBytes());
                c.flush();
            }

            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
            }

            @Override
            public void onWritabilityChanged(Connection c, boolean writable) {
                seen.add("writable=" + writable);
                if (writable) {
                    writableAgain.complete(c.isWritable());
                    c.shutdownOutput();
                }
            }
        };
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> sender);
            try (Socket s = Peers.connect(server.localAddress(), 64 * 1024)) {
                Peers.readExactly(s, 1 << 20);
                assertFalse(writableAgain.isDone(), "writable again with most of the file unread: " + seen);
                Files2.Digest rest = Files2.sha256(s.getInputStream());
                assertEquals(size - (1 << 20), rest.length());
                assertTrue(Await.get(writableAgain, "writability to come back"));
            }
            assertEquals(List.of(true, false, size, "writable=false", "writable=true"), seen);
        }
    }

    @ConformanceTest
    void aPrefixGoesWithItsFileOrNotAtAll(TransportUnderTest transport) throws Exception {
        Path file = Files2.streamFile(dir, "p", 50_000);
        org.agrona.concurrent.UnsafeBuffer prefix = new org.agrona.concurrent.UnsafeBuffer(ascii("..HEAD|.."));
        List<CompletableFuture<Long>> futures = new CopyOnWriteArrayList<>(); // filled on the loop thread
        CompletableFuture<Void> onOpenDone = new CompletableFuture<>();
        Serving serving = new Serving(c -> {
            c.write(ascii("A"), 0, 1);
            futures.add(c.sendFile(prefix, 2, 5, dir.resolve("missing"), 0, -1)); // neither is queued
            futures.add(c.sendFile(prefix, 2, 5, file, 0, 50_000));
            futures.add(c.sendFile(prefix, 2, 5, file, 49_000, 2000)); // past the end: neither
            c.write(ascii("Z"), 0, 1);
            c.flush();
            onOpenDone.complete(null); // the test thread's sends come after all of this
        });
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
            try (Socket s = Peers.connect(server.localAddress())) {
                Connection c = serving.opened.take();
                Await.get(onOpenDone, "onOpen to finish");
                // From another thread the prefix is copied at the call: changing it after must not show.
                org.agrona.concurrent.UnsafeBuffer outside = new org.agrona.concurrent.UnsafeBuffer(ascii("<out>"));
                CompletableFuture<Long> fromOutside = c.sendFile(outside, 0, 5, file, 10, 20);
                outside.putBytes(0, ascii("XXXXX"));
                assertTrue(Await.failure(c.sendFile(outside, 0, 5, dir, 0, -1), "a directory").getMessage()
                        .contains("EISDIR"));
                c.shutdownOutput();
                ByteArrayOutputStream want = new ByteArrayOutputStream();
                want.write(ascii("A"));
                want.write(ascii("HEAD|"));
                want.write(Files.readAllBytes(file));
                want.write(ascii("Z"));
                want.write(ascii("<out>"));
                want.write(slice(file, 10, 20));
                assertArrayEquals(want.toByteArray(), Peers.readToEof(s));
                assertEquals(20L, Await.get(fromOutside, "the send from another thread"));
            }
            assertInstanceOf(java.nio.file.NoSuchFileException.class, Await.failure(futures.get(0), "missing"));
            assertEquals(50_000L, Await.get(futures.get(1), "the file after its prefix"));
            assertInstanceOf(EOFException.class, Await.failure(futures.get(2), "a range past the end"));
            assertSentByTheKernel(group, 50_000L + 20); // the prefixes are written, not sent from a file
        }
    }

    @ConformanceTest
    void aFifoFailsAtOnceAndNeverBlocksTheLoop(TransportUnderTest transport) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        List<CompletableFuture<Long>> futures = new CopyOnWriteArrayList<>(); // filled on the loop thread
        Serving serving = new Serving(c -> {
            // On the loop thread, with no writer on the FIFO: a blocking open(2) would stop the
            // loop here, and this connection would never get the bytes below.
            futures.add(c.sendFile(fifo));
            c.write(ascii("after the fifo"), 0, 14);
            c.flush();
            c.shutdownOutput();
        });
        try (EventLoopGroup group = transport.newGroup(1)) {
            try {
                Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
                Map<Integer, String> baseline = Fds.snapshot();
                try (Socket s = Peers.connect(server.localAddress())) {
                    assertArrayEquals(ascii("after the fifo"), Peers.readToEof(s));
                }
                Throwable failure = Await.failure(futures.get(0), "the FIFO's send");
                assertInstanceOf(IOException.class, failure);
                assertTrue(failure.getMessage().contains("not a regular file"), failure.getMessage());
                // From another thread too, and the FIFO's descriptor is closed either way.
                Throwable fromOutside = Await.failure(serving.opened.take().sendFile(fifo), "a send from the test thread");
                assertTrue(fromOutside.getMessage().contains("not a regular file"), fromOutside.getMessage());
                Await.until("the server to let go of the connection", () -> server.connectionCount() == 0);
                Fds.awaitSame("after refusing the FIFO", baseline);
            } finally {
                // Before the group closes: opening a FIFO read-write never blocks, and it releases
                // a loop thread stuck in open, so a regression fails this test, not hangs the run.
                new RandomAccessFile(fifo.toFile(), "rw").close();
            }
        }
    }

    @ConformanceTest
    void aFileThatShrinksEndsWithAnErrorNotAHang(TransportUnderTest transport) throws Exception {
        long size = 32 << 20;
        Path file = Files2.streamFile(dir, "e", size);
        CompletableFuture<CompletableFuture<Long>> sent = new CompletableFuture<>();
        Serving serving = new Serving(c -> {
            sent.complete(c.sendFile(file));
            c.flush();
        });
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
            try (Socket s = Peers.connect(server.localAddress(), 64 * 1024)) {
                InputStream in = s.getInputStream();
                byte[] first = Peers.readExactly(s, 1024); // the transfer has started; the socket fills up
                assertEquals(first.length, 1024);
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(1 << 20);
                }
                long total = first.length;
                byte[] buf = new byte[1 << 16];
                try {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        total += n;
                    }
                } catch (java.net.SocketException resetIsFineToo) {
                    // the server closes with unread data on its side: a reset may follow the bytes
                }
                assertTrue(total < size, "the connection ended early: " + total);
                Throwable failure = Await.failure(Await.get(sent, "the send to start"), "the send to fail");
                assertInstanceOf(EOFException.class, failure);
                assertTrue(failure.getMessage().contains("shrank"), failure.getMessage());
            }
        }
    }

    @ConformanceTest
    @SuppressWarnings("try")
    void aPeerThatAbortsMidTransferLeavesNothingBehind(TransportUnderTest transport) throws Exception {
        Path file = Files2.streamFile(dir, "f", 64 << 20);
        // One entry per connection: the warm-up's send fails too, and must not stand in for the test's.
        LinkedBlockingQueue<CompletableFuture<Long>> sends = new LinkedBlockingQueue<>();
        Serving serving = new Serving(c -> {
            c.write(ascii("x"), 0, 1);
            sends.add(c.sendFile(file));
            c.sendFile(file, 0, 100); // a second region, queued behind: failed and closed as well
            c.flush();
        });
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
            Socket warm = Peers.connect(server.localAddress());
            Connection first = serving.opened.take();
            first.close();
            warm.close();
            Await.until("the warm-up connection to go", () -> server.connectionCount() == 0);
            Await.failure(sends.take(), "the warm-up's send to fail");
            Map<Integer, String> baseline = Fds.snapshot();

            Socket s = Peers.connect(server.localAddress(), 64 * 1024);
            Peers.readExactly(s, 4096);
            s.setSoLinger(true, 0);
            s.close(); // a reset, with most of the file still unsent
            CompletableFuture<Long> sent = sends.poll(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(sent, "the aborted connection's send started");
            Throwable failure = Await.failure(sent, "the send to fail");
            assertTrue(failure instanceof IOException, failure.toString());
            Await.until("the server to let go of the connection", () -> server.connectionCount() == 0);
            Fds.awaitSame("after the peer aborted a file send", baseline);
            assertFalse(serving.opened.isEmpty(), "the aborted connection was opened");
        }
    }

    @ConformanceTest
    void closingWithFilesQueuedFailsThemAndClosesTheirFiles(TransportUnderTest transport) throws Exception {
        Path file = Files2.streamFile(dir, "g", 1 << 20);
        List<CompletableFuture<Long>> futures = new CopyOnWriteArrayList<>(); // filled on the loop thread
        Serving serving = new Serving(c -> {
            futures.add(c.sendFile(file));
            futures.add(c.sendFile(file));
            c.close(); // never flushed
            futures.add(c.sendFile(file)); // after the close: refused
        });
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
            Map<Integer, String> baseline = Fds.snapshot();
            try (Socket s = Peers.connect(server.localAddress())) {
                assertTrue(Peers.isClosedByPeer(s));
            }
            // The peer sees the close before onOpen has made its last call: wait for all three.
            Await.until("onOpen to finish", () -> futures.size() == 3);
            for (CompletableFuture<Long> f : futures) {
                assertInstanceOf(ClosedChannelException.class, Await.failure(f, "a queued file"));
            }
            Await.until("the server to let go of the connection", () -> server.connectionCount() == 0);
            Fds.awaitSame("after closing with files queued", baseline);
        }
    }
}

package io.ringwire.zerocopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.testutil.Await;
import io.ringwire.testutil.ConformanceTest;
import io.ringwire.testutil.Files2;
import io.ringwire.testutil.Loopback;
import io.ringwire.testutil.Peers;
import io.ringwire.testutil.TestData;
import io.ringwire.testutil.Threads;
import io.ringwire.testutil.TransportUnderTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 256 MiB file, and a 100 MiB range of it past 16 MiB, arrive intact, checked by digest, on
 * every backend; while it streams, the process holds no more iou-wrk threads than the rings'
 * bound allows. The file's content repeats nowhere ({@link TestData#streamByte}).
 */
@Timeout(120)
class LargeFileIntegrityTest {
    private static final long SIZE = 256L << 20;
    @TempDir
    static Path dir;
    private static Path file;
    private static String digest;

    @BeforeAll
    static void createFile() throws IOException {
        file = Files2.streamFile(dir, "large", SIZE);
        digest = Files2.sha256(file, 0, SIZE);
    }

    @AfterAll
    static void deleteFile() throws IOException {
        java.nio.file.Files.deleteIfExists(file); // 256 MiB should not wait for the JVM's exit
    }

    /** Sends with {@code send} when a connection opens, then its FIN; the send's future goes into {@code sent}. */
    private static ConnectionHandler sendingOnOpen(CompletableFuture<CompletableFuture<Long>> sent,
                                                   java.util.function.Function<Connection, CompletableFuture<Long>> send) {
        return new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                sent.complete(send.apply(c));
                c.flush();
                c.shutdownOutput();
            }

            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
            }
        };
    }

    /** The stream repeats nowhere near: blocks 16 MiB, 1 GiB and 4 GiB apart differ (the old data repeated every 16 MiB). */
    @Test
    void theTestDataTellsDistantBlocksApart() {
        byte[] first = new byte[4096];
        TestData.fillStream(first, first.length, 0);
        for (long apart : new long[] {1L << 24, 1L << 30, 1L << 32, SIZE - 4096}) {
            byte[] other = new byte[4096];
            TestData.fillStream(other, other.length, apart);
            assertFalse(java.util.Arrays.equals(first, other), "the blocks at 0 and " + apart + " are alike");
            assertEquals(-1, TestData.firstStreamMismatch(other, other.length, apart));
            assertEquals(other[17], TestData.streamByte(apart + 17), "byte and block agree");
        }
    }

    /**
     * A range that starts past 16 MiB, unaligned, and runs 100 MiB: its digest differs from that
     * of the range 16 MiB earlier, so offset bookkeeping that lost a high bit would be caught.
     */
    @ConformanceTest
    void aRangeAbove16MiBArrivesIntact(TransportUnderTest transport) throws Exception {
        long offset = (17L << 20) + 4093;
        long length = (100L << 20) + 7;
        String want = Files2.sha256(file, offset, length);
        assertNotEquals(Files2.sha256(file, offset - (16L << 20), length), want, "the test data repeats");
        CompletableFuture<CompletableFuture<Long>> sent = new CompletableFuture<>();
        ConnectionHandler serving = sendingOnOpen(sent, c -> c.sendFile(file, offset, length));
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
            try (Socket s = Peers.connect(server.localAddress())) {
                Files2.Digest got = Files2.sha256(s.getInputStream());
                assertEquals(length, got.length());
                assertEquals(want, got.sha256());
            }
            assertEquals(length, Await.get(Await.get(sent, "the send to start"), "the send to complete"));
            // Counted on the loop before the future completed: every byte went by sendfile(2).
            assertEquals(length, group.stats().sendfileBytes(), "bytes sent by sendfile(2)");
        }
    }

    @ConformanceTest
    void a256MiBFileArrivesIntact(TransportUnderTest transport) throws Exception {
        CompletableFuture<CompletableFuture<Long>> sent = new CompletableFuture<>();
        ConnectionHandler serving = sendingOnOpen(sent, c -> c.sendFile(file));
        try (EventLoopGroup group = transport.newGroup(1)) {
            Server server = group.listen(Loopback.v4AnyPort(), ServerConfig.defaults(), () -> serving);
            int maxWorkers = 0;
            try (Socket s = Peers.connect(server.localAddress())) {
                MessageDigest md = Files2.sha256();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[1 << 16];
                long total = 0;
                for (int n, reads = 0; (n = in.read(buf)) >= 0; reads++) {
                    md.update(buf, 0, n);
                    total += n;
                    if ((reads & 1023) == 0) {
                        maxWorkers = Math.max(maxWorkers, Threads.countNamed("iou-wrk-"));
                    }
                }
                assertEquals(SIZE, total);
                assertEquals(digest, HexFormat.of().formatHex(md.digest()));
            }
            assertEquals(SIZE, Await.get(Await.get(sent, "the send to start"), "the send to complete"));
            assertEquals(SIZE, group.stats().sendfileBytes(), "bytes sent by sendfile(2)");
            // Two pools (bounded, unbounded) per ring, each capped at max_workers (4); test classes
            // may run side by side, so allow a few rings, but not the hundreds an unbounded splice makes.
            assertTrue(maxWorkers <= 8 * 4, "iou-wrk threads during the send: " + maxWorkers);
        }
    }
}

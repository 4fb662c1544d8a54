package io.ringwire.zerocopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 256 MiB file arrives intact, checked by digest, on every backend; while it streams, the
 * process holds no more iou-wrk threads than the rings' bound allows.
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

    @ConformanceTest
    void a256MiBFileArrivesIntact(TransportUnderTest transport) throws Exception {
        CompletableFuture<CompletableFuture<Long>> sent = new CompletableFuture<>();
        ConnectionHandler serving = new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                sent.complete(c.sendFile(file));
                c.flush();
                c.shutdownOutput();
            }

            @Override
            public void onData(Connection c, DirectBuffer data, int offset, int length) {
            }
        };
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
            // Two pools (bounded, unbounded) per ring, each capped at max_workers (4); test classes
            // may run side by side, so allow a few rings, but not the hundreds an unbounded splice makes.
            assertTrue(maxWorkers <= 8 * 4, "iou-wrk threads during the send: " + maxWorkers);
        }
    }
}

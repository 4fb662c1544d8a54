package io.ringwire.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.testutil.Fds;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File regions in the outbound queue: they wait for the bytes before them, hold back the bytes after, and own their files. */
class OutboundFileRegionTest {
    @TempDir
    Path dir;

    @Test
    void aRegionWaitsForTheBytesBeforeItAndHoldsBackTheBytesAfter() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[1000]);
        Map<Integer, String> before = Fds.snapshot();
        ChunkPool pool = new ChunkPool(64, 4);
        try (IovecArray iov = new IovecArray(8)) {
            OutboundBuffer out = new OutboundBuffer(pool);
            out.append(new byte[100], 0, 100); // spans two chunks
            CompletableFuture<Long> f = new CompletableFuture<>();
            FileRegion region = FileRegion.open(file, 10, 500, f);
            out.appendFile(region);
            out.append(new byte[30], 0, 30);
            assertEquals(630, out.size());

            assertNull(out.dueFile(), "100 bytes go first");
            assertEquals(100, out.fill(iov), "fill stops at the region");
            out.consume(60);
            assertEquals(40, out.fill(iov));
            out.consume(40);
            assertSame(region, out.dueFile());
            assertEquals(0, out.fill(iov), "nothing after the region may overtake it");
            assertFalse(out.fileSent(200));
            assertEquals(210, region.position());
            assertEquals(330, out.size());
            assertTrue(out.fileSent(300));
            assertEquals(500L, f.get(), "completed with the length");
            assertNull(out.dueFile());
            assertEquals(30, out.fill(iov), "then the bytes after it");
            out.consume(30);
            assertTrue(out.isEmpty());
            assertThrows(IllegalArgumentException.class, () -> out.fileSent(1));
        } finally {
            pool.close();
        }
        Fds.awaitSame("the region's file is closed once sent", before);
    }

    @Test
    void discardFailsQueuedRegionsAndClosesTheirFiles() throws Exception {
        Path file = Files.write(dir.resolve("g"), new byte[10]);
        Map<Integer, String> before = Fds.snapshot();
        ChunkPool pool = new ChunkPool(64, 4);
        try {
            OutboundBuffer out = new OutboundBuffer(pool);
            CompletableFuture<Long> a = new CompletableFuture<>();
            CompletableFuture<Long> b = new CompletableFuture<>();
            out.appendFile(FileRegion.open(file, 0, -1, a));
            out.append(new byte[5], 0, 5);
            out.appendFile(FileRegion.open(file, 2, 3, b));
            assertEquals(18, out.size());
            assertEquals(18, out.discard());
            assertTrue(out.isEmpty());
            for (CompletableFuture<Long> f : java.util.List.of(a, b)) {
                ExecutionException e = assertThrows(ExecutionException.class, f::get);
                assertInstanceOf(ClosedChannelException.class, e.getCause());
            }
        } finally {
            pool.close();
        }
        Fds.awaitSame("discarded regions close their files", before);
    }
}

package io.ringwire.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's chunk recycling: reuse, the retention cap, and what close does. */
@Timeout(10)
class ChunkPoolTest {

    @Test
    void releasedChunksAreReusedAndReset() {
        ChunkPool pool = new ChunkPool(128, 4);
        try {
            Chunk c = pool.acquire();
            assertEquals(128, c.capacity());
            c.writeIndex = 100;
            c.readIndex = 40;
            pool.release(c);
            Chunk again = pool.acquire();
            assertSame(c, again, "a warm pool allocates nothing");
            assertEquals(0, again.readIndex);
            assertEquals(0, again.writeIndex);
            pool.release(again);
        } finally {
            pool.close();
        }
    }

    @Test
    void countsOutstandingChunks() {
        ChunkPool pool = new ChunkPool(64, 8);
        try {
            List<Chunk> held = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                held.add(pool.acquire());
                assertEquals(i + 1, pool.outstanding());
            }
            held.forEach(pool::release);
            assertEquals(0, pool.outstanding());
            assertEquals(5, pool.retained());
        } finally {
            pool.close();
        }
    }

    @Test
    void keepsAtMostMaxRetained() {
        ChunkPool pool = new ChunkPool(64, 2);
        try {
            List<Chunk> held = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                held.add(pool.acquire());
            }
            held.forEach(pool::release);
            assertEquals(2, pool.retained(), "a burst does not pin memory");
            assertEquals(0, pool.outstanding());
        } finally {
            pool.close();
        }
    }

    @Test
    void zeroRetainedFreesEveryRelease() {
        ChunkPool pool = new ChunkPool(64, 0);
        try {
            Chunk a = pool.acquire();
            pool.release(a);
            assertEquals(0, pool.retained());
            Chunk b = pool.acquire();
            assertNotSame(a, b);
            pool.release(b);
        } finally {
            pool.close();
        }
    }

    @Test
    void closeFreesRetainedAndLaterReleasesAreFreedDirectly() {
        ChunkPool pool = new ChunkPool(64, 4);
        Chunk kept = pool.acquire();
        pool.release(pool.acquire());
        assertEquals(1, pool.retained());
        pool.close();
        assertEquals(0, pool.retained());
        pool.release(kept);
        assertEquals(0, pool.retained(), "a chunk released after close is not kept");
        assertEquals(0, pool.outstanding());
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> new ChunkPool(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ChunkPool(16, -1));
    }
}

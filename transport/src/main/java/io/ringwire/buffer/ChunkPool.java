package io.ringwire.buffer;

import java.util.ArrayDeque;

/**
 * A loop's recycled outbound chunks. Once warm, acquiring and releasing allocate nothing.
 *
 * <p>Confined to its loop thread. It keeps at most {@code maxRetained} free chunks; more are
 * freed at once, so a burst does not pin memory for ever. {@link #close()} frees the retained ones;
 * chunks released after that are freed directly, so nothing leaks whatever the order of shutdown.
 */
public final class ChunkPool {
    public static final int DEFAULT_CHUNK_SIZE = 16 * 1024;

    private final int chunkSize;
    private final int maxRetained;
    private final ArrayDeque<Chunk> free;
    private long outstanding;
    private boolean closed;

    public ChunkPool(int chunkSize, int maxRetained) {
        if (chunkSize <= 0 || maxRetained < 0) {
            throw new IllegalArgumentException("chunkSize=" + chunkSize + " maxRetained=" + maxRetained);
        }
        this.chunkSize = chunkSize;
        this.maxRetained = maxRetained;
        this.free = new ArrayDeque<>(Math.max(16, maxRetained));
    }

    public int chunkSize() {
        return chunkSize;
    }

    public Chunk acquire() {
        Chunk c = free.pollFirst();
        if (c == null) {
            c = new Chunk(chunkSize);
        }
        outstanding++;
        return c;
    }

    public void release(Chunk c) {
        outstanding--;
        if (closed || free.size() >= maxRetained) {
            c.free();
            return;
        }
        c.reset();
        free.addFirst(c);
    }

    /** Chunks handed out and not yet released. */
    public long outstanding() {
        return outstanding;
    }

    /** Free chunks held for reuse. */
    public int retained() {
        return free.size();
    }

    public void close() {
        closed = true;
        for (Chunk c; (c = free.pollFirst()) != null; ) {
            c.free();
        }
    }
}

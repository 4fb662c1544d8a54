package io.ringwire.buffer;

import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.agrona.BufferUtil;

/**
 * A range of a file queued on a connection's {@link OutboundBuffer}, sent with {@code sendfile(2)}
 * when the bytes queued before it are out.
 *
 * <h2>Ownership</h2>
 * The region owns the descriptor it opened: it is closed exactly once, by {@link #complete} or
 * {@link #fail}, which are also the only ways the future ends. Confined to the connection's loop
 * thread once queued; {@link #open} runs on the caller's thread.
 */
public final class FileRegion {
    private final int fd;
    private final Path path;
    private final long length;
    private final CompletableFuture<Long> future;
    /** The next file offset to send from. */
    private long position;
    private long remaining;
    /** Where in the queue's stream of chunk bytes this region sits: it goes once that many are consumed. */
    long streamPosition;
    private boolean done;

    private FileRegion(int fd, Path path, long offset, long length, CompletableFuture<Long> future) {
        this.fd = fd;
        this.path = path;
        this.position = offset;
        this.length = length;
        this.remaining = length;
        this.future = future;
    }

    /**
     * Opens {@code path} and checks the range against its size now. {@code length} -1 means "to the
     * end of the file as it is now". The future completes with the bytes sent. Never blocks on the
     * kind of file: a FIFO with no writer is opened without waiting for one, then refused.
     *
     * @throws IOException if the file cannot be opened, is not a regular file (a directory: EISDIR;
     *         a FIFO, socket or device: EINVAL), or the range lies beyond its end
     */
    public static FileRegion open(Path path, long offset, long length, CompletableFuture<Long> future)
            throws IOException {
        if (offset < 0 || length < -1) {
            throw new IllegalArgumentException("sendFile " + path + ": offset " + offset + ", length " + length);
        }
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        for (byte b : name) {
            if (b == 0) {
                throw new IllegalArgumentException("sendFile: a path with a NUL byte: " + path);
            }
        }
        ByteBuffer cName = ByteBuffer.allocateDirect(name.length + 1);
        int fd;
        try {
            cName.put(name).put((byte) 0);
            fd = Native.openRead(BufferUtil.address(cName));
        } finally {
            BufferUtil.free(cName);
        }
        Errors.check("open", path, fd);
        long size = Native.fileSize(fd);
        if (size < 0 || offset > size || length > size - offset) {
            Native.close(fd);
            if (size == -Errno.EINVAL) {
                // A FIFO, socket or device: opened without blocking (O_NONBLOCK), never sent.
                throw Errors.newException("sendFile (not a regular file)", path, (int) size);
            }
            if (size < 0) {
                throw Errors.newException("sendFile", path, (int) size);
            }
            throw new java.io.EOFException("sendFile " + path + ": range " + offset + "+" + length
                    + " lies beyond its end (" + size + " bytes)");
        }
        return new FileRegion(fd, path, offset, length == -1 ? size - offset : length, future);
    }

    public int fd() {
        return fd;
    }

    /** The next file offset to send from. */
    public long position() {
        return position;
    }

    public long remaining() {
        return remaining;
    }

    public Path path() {
        return path;
    }

    /** The kernel took {@code n} bytes of it. */
    void advance(long n) {
        position += n;
        remaining -= n;
    }

    /** Closes the file and completes the future with the length sent; runs the future's callbacks. */
    void complete() {
        if (!done) {
            done = true;
            Native.close(fd);
            future.complete(length);
        }
    }

    /** Closes the file and fails the future; runs the future's callbacks. */
    public void fail(Throwable cause) {
        if (!done) {
            done = true;
            Native.close(fd);
            future.completeExceptionally(cause);
        }
    }

    @Override
    public String toString() {
        return "file[" + path + " at " + position + ", " + remaining + " left]";
    }
}

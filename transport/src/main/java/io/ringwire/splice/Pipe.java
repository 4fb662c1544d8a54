package io.ringwire.splice;

import io.ringwire.internal.Errors;
import io.ringwire.internal.Native;
import java.io.IOException;

/**
 * A non-blocking pipe that bytes pass through between two sockets, kernel to kernel. Owned by one
 * relay direction on one loop thread; {@link #close()} closes both ends once.
 */
final class Pipe implements AutoCloseable {
    final int readFd;
    final int writeFd;
    /** What the kernel granted: at least what was asked for, rounded up to pages. */
    final int capacity;
    private boolean closed;

    private Pipe(int readFd, int writeFd, int capacity) {
        this.readFd = readFd;
        this.writeFd = writeFd;
        this.capacity = capacity;
    }

    /**
     * A pipe of {@code size} bytes ({@code F_SETPIPE_SZ}), or the kernel's default (64 KiB) when
     * {@code size} is 0.
     *
     * @throws IOException if no pipe can be made, or the size is refused (over
     *         {@code /proc/sys/fs/pipe-max-size} without CAP_SYS_RESOURCE: EPERM)
     */
    static Pipe open(int size) throws IOException {
        long both = Native.pipe();
        if (both < 0) {
            throw Errors.newException("pipe2", null, (int) both);
        }
        int r = (int) (both >>> 32);
        int w = (int) both;
        int capacity = size > 0 ? Native.setPipeSize(w, size) : Native.getPipeSize(w);
        if (capacity < 0) {
            Native.close(r);
            Native.close(w);
            throw Errors.newException(size > 0 ? "fcntl F_SETPIPE_SZ " + size : "fcntl F_GETPIPE_SZ", null, capacity);
        }
        return new Pipe(r, w, capacity);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.close(readFd);
            Native.close(writeFd);
        }
    }
}

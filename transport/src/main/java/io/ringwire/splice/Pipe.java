package io.ringwire.splice;

import io.ringwire.internal.Errno;
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
    /** The size asked for was refused with EPERM and the pipe kept the kernel's ({@link #openForRelay}). */
    final boolean sizeRefused;
    private boolean closed;

    private Pipe(int readFd, int writeFd, int capacity, boolean sizeRefused) {
        this.readFd = readFd;
        this.writeFd = writeFd;
        this.capacity = capacity;
        this.sizeRefused = sizeRefused;
    }

    /**
     * A pipe of {@code size} bytes ({@code F_SETPIPE_SZ}), or the kernel's default (64 KiB) when
     * {@code size} is 0.
     *
     * @throws IOException if no pipe can be made, or the size is refused (over
     *         {@code /proc/sys/fs/pipe-max-size} without CAP_SYS_RESOURCE: EPERM)
     */
    static Pipe open(int size) throws IOException {
        return open(size, false);
    }

    /**
     * As {@link #open}, for a relay whose size was checked when its proxy started: EPERM from
     * {@code F_SETPIPE_SZ} then means the per-user quota of pipe memory is used up
     * ({@code /proc/sys/fs/pipe-user-pages-soft}, for users without CAP_SYS_RESOURCE or
     * CAP_SYS_ADMIN), not a wrong size. The connection is worth more than the size, so the pipe
     * keeps what the kernel gave it (the default, or 2 pages past the quota) and says so in
     * {@link #sizeRefused}.
     */
    static Pipe openForRelay(int size) throws IOException {
        return open(size, true);
    }

    private static Pipe open(int size, boolean keepOnQuota) throws IOException {
        long both = Native.pipe();
        if (both < 0) {
            throw Errors.newException("pipe2", null, (int) both);
        }
        int r = (int) (both >>> 32);
        int w = (int) both;
        int capacity = size > 0 ? Native.setPipeSize(w, size) : Native.getPipeSize(w);
        boolean refused = false;
        if (capacity == -Errno.EPERM && size > 0 && keepOnQuota) {
            refused = true;
            capacity = Native.getPipeSize(w);
        }
        if (capacity < 0) {
            Native.close(r);
            Native.close(w);
            throw Errors.newException(size > 0 && !refused ? "fcntl F_SETPIPE_SZ " + size : "fcntl F_GETPIPE_SZ", null,
                    capacity);
        }
        return new Pipe(r, w, capacity, refused);
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

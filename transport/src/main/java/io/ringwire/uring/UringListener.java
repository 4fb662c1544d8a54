package io.ringwire.uring;

import io.ringwire.internal.Errno;
import io.ringwire.internal.Linux;
import io.ringwire.internal.Native;
import io.ringwire.internal.Sockets;
import io.ringwire.loop.AcceptBackoff;

/**
 * One listening socket on an io_uring loop, accepting with a multishot accept: one SQE yields a
 * completion per connection until the kernel ends it, and then it is armed again.
 *
 * <p>A full descriptor table (EMFILE, ENFILE) ends the multishot; the listener pauses and
 * re-arms later through {@link AcceptBackoff}, so the loop never spins on it. The kernel reads
 * {@code RLIMIT_NOFILE} when the accept is submitted, not per connection: a limit changed while a
 * multishot accept is armed applies from its next re-arm.
 */
final class UringListener implements UringHandle {
    private static final int SOCK_FLAGS = Linux.require("SOCK_NONBLOCK") | Linux.require("SOCK_CLOEXEC");

    private final UringEventLoop loop;
    private final UringServer server;
    private final int fd;
    private final long token;
    private final AcceptBackoff backoff;
    private boolean armed;
    private boolean closed;

    UringListener(UringEventLoop loop, UringServer server, int fd) {
        this.loop = loop;
        this.server = server;
        this.fd = fd;
        this.token = loop.handles.add(this);
        this.backoff = new AcceptBackoff(loop, server::localAddress, this::arm);
        arm();
    }

    private void arm() {
        if (armed || closed || backoff.isBackingOff()) {
            return;
        }
        int at = loop.sqe(Uring.OP_ACCEPT, fd, UringEventLoop.OP_ACCEPT, token);
        loop.sqes().putShort(at + Uring.SQE_IOPRIO, (short) Uring.ACCEPT_MULTISHOT);
        loop.sqes().putInt(at + Uring.SQE_OP_FLAGS, SOCK_FLAGS);
        armed = true;
    }

    @Override
    public void complete(int op, int res, int flags) {
        if (op == UringEventLoop.OP_CANCEL) {
            return;
        }
        boolean last = (flags & Uring.CQE_F_MORE) == 0;
        if (last) {
            armed = false;
        }
        if (res >= 0) {
            if (closed) {
                Native.close(res);
            } else {
                backoff.accepted();
                server.accept(loop, res, Sockets.remoteAddress(res));
            }
        } else if (!closed && res != -Errno.ECANCELED) {
            loop.stats().acceptErrors++;
            if (AcceptBackoff.isExhaustion(res)) {
                backoff.exhausted(res);
            } else if (res != -Errno.ECONNABORTED && res != -Errno.EINTR && res != -Errno.EPERM) {
                backoff.warn(res);
            }
        }
        if (last) {
            if (closed) {
                loop.handles.remove(token);
            } else {
                arm();
            }
        }
    }

    @Override
    public void failed(Throwable cause) {
        backoff.failed(cause);
    }

    /**
     * Stops accepting and closes the descriptor at once. The multishot accept is cancelled by its
     * user data, not by descriptor number: the number is free for reuse as soon as it is closed,
     * and a cancel by number could then hit another socket's operations. An accept holds no
     * memory of ours, so nothing waits for its completion but the slot.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (armed) {
            loop.cancelOne(((long) UringEventLoop.OP_ACCEPT << 56) | token, token);
        } else {
            loop.handles.remove(token);
        }
        Native.close(fd);
    }

    @Override
    public void closeForShutdown() {
        close();
    }
}

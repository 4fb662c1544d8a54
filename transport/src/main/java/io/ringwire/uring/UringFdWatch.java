package io.ringwire.uring;

import io.ringwire.internal.Errno;
import io.ringwire.loop.FdWatcher;

/**
 * An {@link FdWatcher.Watch} on an io_uring loop: one one-shot {@code POLL_ADD} per requested
 * direction, armed only while its owner waits on it, so a descriptor at EOF that nobody reads is
 * not polled (a level-triggered RDHUP would otherwise fire on every arm). Such a descriptor can
 * still have an error watch ({@link FdWatcher#FAILED}): one multishot, edge-triggered poll, see
 * {@link UringEventLoop#armErrorWatch}. Polls hold no Java memory; cancel removes the handle at
 * once, and their cancelled completions find no handle and are dropped by the loop.
 */
final class UringFdWatch implements UringHandle, FdWatcher.Watch {
    private final UringEventLoop loop;
    private final int fd;
    private final FdWatcher.Listener listener;
    private final long token;
    private boolean readArmed;
    private boolean writeArmed;
    private boolean failArmed;
    private boolean cancelled;

    UringFdWatch(UringEventLoop loop, int fd, FdWatcher.Listener listener) {
        this.loop = loop;
        this.fd = fd;
        this.listener = listener;
        this.token = loop.handles.add(this);
    }

    @Override
    public void request(int interest) {
        if (cancelled) {
            return;
        }
        if ((interest & FdWatcher.READABLE) != 0 && !readArmed) {
            readArmed = true;
            arm(UringEventLoop.OP_WATCH_IN, Uring.POLLIN | Uring.POLLRDHUP);
        }
        if ((interest & FdWatcher.WRITABLE) != 0 && !writeArmed) {
            writeArmed = true;
            arm(UringEventLoop.OP_WATCH_OUT, Uring.POLLOUT);
        }
        if (interest == FdWatcher.FAILED && !failArmed) {
            failArmed = true; // multishot: armed until cancelled
            loop.armErrorWatch(fd, UringEventLoop.OP_WATCH_ERR, token);
        }
    }

    private void arm(int op, int mask) {
        int at = loop.sqe(Uring.OP_POLL_ADD, fd, op, token);
        loop.sqes().putInt(at + Uring.SQE_OP_FLAGS, mask);
    }

    @Override
    public void complete(int op, int res, int flags) {
        if (op == UringEventLoop.OP_WATCH_ERR) {
            onErrorWatch(res, flags);
            return;
        }
        if (op == UringEventLoop.OP_WATCH_IN) {
            readArmed = false;
        } else if (op == UringEventLoop.OP_WATCH_OUT) {
            writeArmed = false;
        } else {
            return; // a cancel's own completion
        }
        if (cancelled || res == -Errno.ECANCELED) {
            return;
        }
        int ready;
        if (res < 0) {
            ready = FdWatcher.FAILED | FdWatcher.READABLE | FdWatcher.WRITABLE;
        } else {
            ready = 0;
            if ((res & (Uring.POLLIN | Uring.POLLRDHUP)) != 0) {
                ready |= FdWatcher.READABLE;
            }
            if ((res & Uring.POLLOUT) != 0) {
                ready |= FdWatcher.WRITABLE;
            }
            if ((res & (Uring.POLLERR | Uring.POLLHUP)) != 0) {
                ready |= FdWatcher.FAILED | FdWatcher.READABLE | FdWatcher.WRITABLE;
            }
        }
        listener.onReady(ready);
    }

    private void onErrorWatch(int res, int flags) {
        if ((flags & Uring.CQE_F_MORE) == 0) {
            // Ended: cancelled, or the kernel could not post (CQ overflow without memory). Not
            // re-armed: a new one would report the FIN level at once, and under that pressure
            // it might end again at once, a loop; a later request re-arms it.
            failArmed = false;
        }
        if (!cancelled && UringEventLoop.reportsFailure(res)) {
            listener.onReady(FdWatcher.FAILED | FdWatcher.READABLE | FdWatcher.WRITABLE);
        }
        // Else the POLLRDHUP it found when armed: a FIN, which is no failure.
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (readArmed) {
            loop.cancelOne(((long) UringEventLoop.OP_WATCH_IN << 56) | token, token);
        }
        if (writeArmed) {
            loop.cancelOne(((long) UringEventLoop.OP_WATCH_OUT << 56) | token, token);
        }
        if (failArmed) {
            loop.cancelOne(((long) UringEventLoop.OP_WATCH_ERR << 56) | token, token);
        }
        loop.handles.remove(token);
    }

    @Override
    public void failed(Throwable cause) {
        listener.onLoopShutdown();
    }

    @Override
    public void closeForShutdown() {
        listener.onLoopShutdown();
    }
}

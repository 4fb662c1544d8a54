package io.ringwire.uring;

import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.buffer.FileRegion;
import io.ringwire.buffer.IovecArray;
import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Linux;
import io.ringwire.internal.Native;
import io.ringwire.internal.SockAddr;
import io.ringwire.loop.AbstractConnection;
import io.ringwire.loop.ServerHooks;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A TCP connection on an io_uring loop: multishot recv from the loop's provided buffers, and at
 * most one send or writev in flight from the outbound chunks. Confined to the loop thread.
 *
 * <h2>Memory the kernel may touch</h2>
 * A send in flight reads outbound chunks, and a writev also the connection's iovec array; both
 * are released only when that send has completed ({@link #onSend}), never on close. A recv writes
 * into a provided buffer, which goes back to the ring only after the handler's onData returned.
 * Closing cancels each operation in flight by its user data and releases
 * the outbound queue, the iovecs and the descriptor in {@link #finishClose}, which runs only once
 * the last of them has completed: that is where "no memory is freed while the kernel may still
 * use it" is guaranteed.
 */
final class UringConnection extends AbstractConnection implements UringHandle {
    private final UringEventLoop uring;
    private final long token;
    private boolean recvArmed;
    private boolean sendInFlight;
    /** A POLL_ADD for POLLOUT is in flight: a file send found the socket full. */
    private boolean pollInFlight;
    /** The error watch armed past the peer's FIN ({@link #onInputEnded}); multishot, until the close. */
    private boolean errorWatchArmed;
    /** File bytes one flush sends before yielding to the loop's other connections. */
    private static final long FILE_BUDGET = 8L << 20;
    private final Runnable resumeFlush = this::flushNow;
    /** Bytes the send in flight covers: the kernel's, even if the connection closes meanwhile. */
    private long sendBytes;
    private boolean cancelSubmitted;
    private boolean released;
    /** Operations of this connection the kernel has not finished with. */
    private int inFlight;
    /** The iovecs of a writev in flight, from the loop's pool; null otherwise. */
    private IovecArray iov;
    /** The connect's sockaddr: the kernel reads it during the operation, so it lives until then. */
    private UnsafeBuffer connectAddress;
    /** Receives that arrived after a pause was asked for: buffer id and length; length 0 is the FIN. */
    private final IntArrayList held = new IntArrayList(4, -1);

    UringConnection(UringEventLoop loop, int fd, ConnectionHandler handler, ConnectionConfig config,
                    ServerHooks server, InetSocketAddress remote) {
        super(loop, fd, handler, config, server, remote);
        this.uring = loop;
        this.token = loop.handles.add(this);
    }

    // ---- connect ----

    @Override
    protected void startConnect() {
        connectAddress = new UnsafeBuffer(ByteBuffer.allocateDirect(SockAddr.CAPACITY));
        int len = SockAddr.encode(remote, connectAddress);
        int at = uring.sqe(Uring.OP_CONNECT, fd, UringEventLoop.OP_CONNECT, token);
        uring.sqes().putLong(at + Uring.SQE_ADDR, connectAddress.addressOffset());
        uring.sqes().putLong(at + Uring.SQE_OFF, len);
        inFlight++;
    }

    private void onConnect(int res) {
        org.agrona.BufferUtil.free(connectAddress); // the kernel has finished reading it
        connectAddress = null;
        if (closed) {
            return;
        }
        if (res == 0) {
            established();
        } else {
            closeNow(Errors.newException("connect", remote, res));
        }
    }

    // ---- completions ----

    @Override
    public void complete(int op, int res, int flags) {
        boolean last = (flags & Uring.CQE_F_MORE) == 0;
        if (last) {
            inFlight--;
        }
        switch (op) {
            case UringEventLoop.OP_RECV -> onRecv(res, flags, last);
            case UringEventLoop.OP_SEND -> onSend(res);
            case UringEventLoop.OP_CONNECT -> onConnect(res);
            case UringEventLoop.OP_POLLOUT -> onPollOut(res);
            case UringEventLoop.OP_POLLERR -> onErrorWatch(res, last);
            default -> {
                // OP_CANCEL: its result only says how many it found; their own completions follow.
            }
        }
        if (closed && inFlight == 0) {
            finishClose();
        }
    }

    @Override
    public void failed(Throwable cause) {
        internalFailure(cause);
    }

    @Override
    public void closeForShutdown() {
        closeNow(null);
    }

    // ---- reading ----

    @Override
    protected void onReadResumed() {
        while (!held.isEmpty() && autoRead && !closed) {
            int bid = held.removeAt(0);
            int length = held.removeAt(0);
            if (length == 0) {
                endOfInput();
            } else {
                deliverBuffer(bid, length);
            }
        }
        if (!closed && autoRead && !inputShutdown && held.isEmpty()) {
            rearmRecv();
        }
    }

    @Override
    protected void onReadPaused() {
        // A multishot recv cannot be paused, only cancelled; what it delivers before the cancel
        // lands is held, with its buffers, until reading resumes.
        if (recvArmed) {
            uring.cancelOne(((long) UringEventLoop.OP_RECV << 56) | token, token);
            inFlight++;
            // At once, not at the loop's next enter: until the cancel lands, arriving data is
            // taken from the socket, and a pause is meant to leave it there for TCP backpressure.
            uring.submitNow();
        }
    }

    /** Arms the multishot recv, unless it is armed or reading should not go on. */
    void rearmRecv() {
        if (recvArmed || closed || !autoRead || inputShutdown) {
            return;
        }
        int at = uring.sqe(Uring.OP_RECV, fd, UringEventLoop.OP_RECV, token);
        UnsafeBuffer s = uring.sqes();
        s.putShort(at + Uring.SQE_IOPRIO, (short) Uring.RECV_MULTISHOT);
        s.putByte(at + Uring.SQE_FLAGS, (byte) Uring.IOSQE_BUFFER_SELECT);
        s.putShort(at + Uring.SQE_BUF_GROUP, (short) uring.buffers.groupId);
        recvArmed = true;
        inFlight++;
    }

    private void onRecv(int res, int flags, boolean last) {
        if (last) {
            recvArmed = false;
        }
        if (res > 0) {
            int bid = flags >>> Uring.CQE_BUFFER_SHIFT;
            if (closed) {
                uring.buffers.recycle(bid);
            } else if (!autoRead || !held.isEmpty()) {
                held.addInt(bid);
                held.addInt(res);
            } else {
                deliverBuffer(bid, res);
            }
            if (last) {
                rearmRecv(); // the kernel ended the multishot (CQ pressure, say): start another
            }
            return;
        }
        if (closed) {
            return;
        }
        if (res == 0) {
            if (autoRead && held.isEmpty()) {
                endOfInput();
            } else {
                held.addInt(-1);
                held.addInt(0);
            }
        } else if (res == -UringEventLoop.ENOBUFS) {
            // The ring ran dry within one batch; this batch's handlers return buffers before the
            // loop re-arms. No data is lost: the kernel keeps it in the socket meanwhile.
            loop.stats().recvBufferShortages++;
            uring.rearmLater(this);
        } else if (res == -Errno.ECANCELED) {
            // A pause's cancel landed. If reading resumed meanwhile, nobody else re-arms.
            if (last) {
                rearmRecv();
            }
        } else {
            readFailed(res);
        }
    }

    /**
     * Past the peer's FIN no recv is armed, and nothing else polls the socket while no send is in
     * flight: without this watch, a reset after the FIN would leave the connection open for good.
     */
    @Override
    protected void onInputEnded() {
        if (!errorWatchArmed) {
            errorWatchArmed = true;
            uring.armErrorWatch(fd, UringEventLoop.OP_POLLERR, token);
            inFlight++;
        }
    }

    private void onErrorWatch(int res, boolean last) {
        if (last) {
            errorWatchArmed = false; // cancelled by the close, or ended by the kernel: see UringFdWatch
        }
        if (closed || !UringEventLoop.reportsFailure(res)) {
            return; // the FIN it found when armed, or a completion after the close
        }
        // Ask the socket: a poll that failed (res < 0) says something about the ring, not the peer.
        int err = Native.socketError(fd);
        if (err > 0) {
            readFailed(-err);
        }
        // A hang-up with no error: both ways shut, which closes the connection on its own.
    }

    private void deliverBuffer(int bid, int length) {
        UnsafeBuffer view = uring.receiveView;
        view.wrap(uring.buffers.address(bid), length);
        try {
            deliver(view, 0, length);
        } finally {
            uring.buffers.recycle(bid);
        }
    }

    // ---- writing ----

    @Override
    protected void flushNow() {
        if (closed || connecting || sendInFlight || pollInFlight) {
            return; // an in-flight send's (or poll's) completion carries on with what was queued meanwhile
        }
        long fileBudget = FILE_BUDGET;
        for (FileRegion file; (file = outbound.dueFile()) != null; ) {
            if (fileBudget <= 0) {
                uring.execute(resumeFlush); // the rest after the loop's other work
                afterFlush();
                return;
            }
            long before = file.remaining();
            if (!sendFileNow(file)) {
                return;
            }
            fileBudget -= before - file.remaining();
        }
        if (outbound.isEmpty()) {
            afterFlush();
            return;
        }
        // Described into the loop's scratch array first: most sends are one segment and go as a
        // plain send, so only a real writev takes an array of its own for its time in flight.
        IovecArray scratch = uring.scratchIovecs;
        long described = outbound.fill(scratch);
        int at;
        if (scratch.count() == 1) {
            at = uring.sqe(Uring.OP_SEND, fd, UringEventLoop.OP_SEND, token);
            uring.sqes().putLong(at + Uring.SQE_ADDR, outbound.firstSegmentAddress());
            uring.sqes().putInt(at + Uring.SQE_LEN, (int) described);
            uring.sqes().putInt(at + Uring.SQE_OP_FLAGS, Linux.MSG_NOSIGNAL);
        } else {
            iov = uring.acquireIovecs();
            outbound.fill(iov);
            at = uring.sqe(Uring.OP_WRITEV, fd, UringEventLoop.OP_SEND, token);
            uring.sqes().putLong(at + Uring.SQE_ADDR, iov.address());
            uring.sqes().putInt(at + Uring.SQE_LEN, iov.count());
        }
        sendInFlight = true;
        sendBytes = described;
        inFlight++;
    }

    private void onSend(int res) {
        sendInFlight = false;
        if (iov != null) {
            uring.releaseIovecs(iov); // the kernel has finished reading it
            iov = null;
        }
        if (closed) {
            // Cancelled by the close, or finished first. The whole span leaves the queue: what the
            // kernel took was sent, the rest is dropped. finishClose counts what was never in flight.
            long took = Math.max(res, 0);
            if (took > 0) {
                sent(took);
            }
            outbound.consume(sendBytes - took);
            recordDropped(sendBytes - took);
            return;
        }
        if (res > 0) {
            sent(res);
            afterFlush();
            if (!closed && !outbound.isEmpty()) {
                flushNow();
            }
        } else if (res == -Errno.EAGAIN || res == 0) {
            flushNow();
        } else {
            writeFailed(res);
        }
    }

    // ---- files ----

    /**
     * One {@code sendfile(2)} of the due region, right here on the loop: from the page cache it
     * completes inline, where {@code IORING_OP_SPLICE} from a file is always handed to an iou-wrk
     * thread (measured in bench/zerocopy; see the README). When the socket is full, a
     * {@code POLL_ADD POLLOUT} brings the loop back. Returns true to go on flushing.
     */
    private boolean sendFileNow(FileRegion file) {
        if (file.remaining() == 0) {
            fileSent(0);
            return !closed;
        }
        long n = Native.sendfile(fd, file.fd(), file.position(), (int) Math.min(file.remaining(), 1 << 30));
        if (n > 0) {
            loop.stats().sendfileBytes += n; // here, at the syscall: what proves the bytes skipped Java
            fileSent(n);
            return !closed;
        }
        if (n == -Errno.EAGAIN) {
            int at = uring.sqe(Uring.OP_POLL_ADD, fd, UringEventLoop.OP_POLLOUT, token);
            uring.sqes().putInt(at + Uring.SQE_OP_FLAGS, Uring.POLLOUT);
            pollInFlight = true;
            inFlight++;
            afterFlush(); // file bytes went out: the watermarks may have been crossed
        } else if (n == 0) {
            fileShrank(file);
        } else {
            fileSendFailed((int) n);
        }
        return false;
    }

    private void onPollOut(int res) {
        pollInFlight = false;
        if (closed) {
            return;
        }
        if (res < 0 && res != -Errno.ECANCELED) {
            writeFailed(res);
        } else {
            flushNow(); // POLLERR or POLLHUP too: the next sendfile reports the socket's error
        }
    }

    // ---- closing ----

    @Override
    protected void closeTransport() {
        if (!sendInFlight) {
            discardOutbound(); // no send reads the chunks: release them now
        }
        if (inFlight == 0) {
            finishClose();
            return;
        }
        if (!cancelSubmitted) {
            // By user data, one per kind of operation in flight, never by descriptor number: a
            // number can be reused, and a cancel by number could reach another socket's work.
            cancelSubmitted = true;
            cancelIfInFlight(recvArmed, UringEventLoop.OP_RECV);
            cancelIfInFlight(sendInFlight, UringEventLoop.OP_SEND);
            cancelIfInFlight(pollInFlight, UringEventLoop.OP_POLLOUT);
            cancelIfInFlight(errorWatchArmed, UringEventLoop.OP_POLLERR);
            cancelIfInFlight(connectAddress != null, UringEventLoop.OP_CONNECT);
        }
    }

    private void cancelIfInFlight(boolean inFlightNow, int op) {
        if (inFlightNow) {
            uring.cancelOne(((long) op << 56) | token, token);
            inFlight++;
        }
    }

    /** Runs once nothing of this connection is in the kernel's hands; see the class comment. */
    private void finishClose() {
        if (released) {
            return;
        }
        released = true;
        discardOutbound(); // the chunks a cancelled send covered were consumed or counted in onSend
        for (int i = 0; i < held.size(); i += 2) {
            if (held.getInt(i + 1) > 0) {
                uring.buffers.recycle(held.getInt(i));
            }
        }
        held.clear();
        Native.close(fd);
        uring.handles.remove(token);
        transportReleased();
    }
}

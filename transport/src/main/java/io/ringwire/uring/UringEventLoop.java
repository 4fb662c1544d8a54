package io.ringwire.uring;

import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.WaitStrategy;
import io.ringwire.buffer.IovecArray;
import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Native;
import io.ringwire.loop.AbstractEventLoop;
import io.ringwire.loop.ServerHooks;
import io.ringwire.loop.SlotTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An event loop over io_uring: completion-based, batched, one {@code io_uring_enter} per
 * iteration for every submission and completion.
 *
 * <ul>
 * <li>Listeners use multishot accept; connections use multishot recv with buffers picked from a
 *     provided-buffer ring, so an idle connection holds no receive memory.</li>
 * <li>Each connection has at most one send or writev in flight, straight from its outbound chunks.</li>
 * <li>Other threads wake a parked loop through an eventfd with a read always armed, written only
 *     when the loop is parked (see {@link AbstractEventLoop}).</li>
 * <li>The nearest timer becomes an {@code IORING_OP_TIMEOUT}, armed only when it is earlier
 *     than the one already pending.</li>
 * </ul>
 *
 * <p>The ring is created on the loop thread, as {@code SINGLE_ISSUER} requires, and every method
 * here runs there.
 */
public final class UringEventLoop extends AbstractEventLoop implements io.ringwire.loop.FdWatcher {
    static final int OP_WAKEUP = 1;
    static final int OP_TIMEOUT = 2;
    static final int OP_ACCEPT = 3;
    static final int OP_RECV = 4;
    static final int OP_SEND = 5;
    static final int OP_CONNECT = 6;
    static final int OP_CANCEL = 7;
    /** The loop's own housekeeping (cancelling its wake-up read on stop); completions ignored. */
    static final int OP_INTERNAL = 8;
    /** A connection waits for its socket to take more of a file ({@code POLL_ADD POLLOUT}); 16 leaves room above. */
    static final int OP_POLLOUT = 16;
    /** A raw descriptor's watch ({@link io.ringwire.loop.FdWatcher}): readable, writable, errors only. */
    static final int OP_WATCH_IN = 17;
    static final int OP_WATCH_OUT = 18;
    static final int OP_WATCH_ERR = 19;
    /** A connection past the peer's FIN listens for a reset ({@link #armErrorWatch}). */
    static final int OP_POLLERR = 20;
    private static final long TOKEN_MASK = (1L << 56) - 1;

    /**
     * Ring sizes, read when each loop starts so that a test can shrink them to force exhaustion:
     * {@code ringwire.io_uring.sq_entries} (1024), {@code ringwire.io_uring.cq_entries} (16384,
     * generous so overflow is rare, 16 bytes each; overflow is handled all the same),
     * {@code ringwire.io_uring.buffers} (512 provided receive buffers, a power of two) and
     * {@code ringwire.io_uring.buffer_size} (16 KiB each: 8 MiB per loop).
     */
    static int sqEntries() {
        return Integer.getInteger("ringwire.io_uring.sq_entries", 1024);
    }

    static int cqEntries() {
        return Integer.getInteger("ringwire.io_uring.cq_entries", 16384);
    }

    static int bufferCount() {
        return Integer.getInteger("ringwire.io_uring.buffers", 512);
    }

    static int bufferSize() {
        return Integer.getInteger("ringwire.io_uring.buffer_size", 16 * 1024);
    }
    private static final int BUFFER_GROUP = 1;

    /**
     * Upper bound on this ring's iou-wrk threads, bounded and unbounded pools each:
     * {@code ringwire.io_uring.max_workers} (4; 0 leaves the kernel's default, which grows with
     * the CPU count and RLIMIT_NPROC). Operations that cannot complete inline (a splice from a
     * file, say) go to these threads, and without a bound a burst of them spawned thousands.
     */
    static int maxWorkers() {
        return Integer.getInteger("ringwire.io_uring.max_workers", 4);
    }

    IoUring ring;
    BufferRing buffers;
    private int eventFd = -1;
    private UnsafeBuffer wakeBuffer;
    private UnsafeBuffer timespec;
    /** Lent to handlers for one onData call; re-pointed at each provided buffer, never allocated. */
    final UnsafeBuffer receiveView = new UnsafeBuffer(0, 0);
    final SlotTable<UringHandle> handles = new SlotTable<>();
    /** Connections whose multishot recv ended for want of buffers; re-armed after this batch recycled some. */
    private final ArrayDeque<UringConnection> rearm = new ArrayDeque<>();
    /** Where a send is described before it is known whether it needs a writev. Loop thread only. */
    final IovecArray scratchIovecs = new IovecArray(IovecArray.DEFAULT_CAPACITY);
    /** Iovec arrays for writevs in flight; a single-segment send needs none. */
    private final ArrayDeque<IovecArray> iovecPool = new ArrayDeque<>();
    private final IoUring.CompletionHandler onCompletion = this::complete;
    private boolean noIowait;
    private boolean timeoutArmed;
    private long timeoutDeadline;
    private long timeoutSequence;
    /** Operations submitted whose final completion has not arrived; the loop waits for them on stop. */
    int inFlight;
    /** Completions handled: a loop at rest handles none, so tests look for spins with it. Loop thread only. */
    long completions;

    /** A loop whose timers run on {@code clock}; see {@link io.ringwire.EventLoopGroup.Builder#clock}. */
    public UringEventLoop(String name, WaitStrategy waitStrategy, io.ringwire.loop.NanoClock clock) throws IOException {
        super(name, waitStrategy, clock);
        start();
    }

    @Override
    protected void onStart() throws IOException {
        ring = IoUring.create(sqEntries(), cqEntries(), IoUring.PREFERRED_FLAGS);
        noIowait = ring.hasFeature(Uring.FEAT_NO_IOWAIT);
        buffers = BufferRing.register(ring, BUFFER_GROUP, bufferCount(), bufferSize());
        boundWorkers(maxWorkers());
        eventFd = Errors.check("eventfd", null, Native.eventfd(0, 0));
        wakeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        timespec = new UnsafeBuffer(ByteBuffer.allocateDirect(Uring.SIZEOF_TIMESPEC));
        armWakeup();
    }

    /** {@code IORING_REGISTER_IOWQ_MAX_WORKERS} with {bounded, unbounded}; see {@link #maxWorkers()}. */
    private void boundWorkers(int max) throws IOException {
        if (max <= 0) {
            return;
        }
        UnsafeBuffer counts = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        try {
            counts.putInt(0, max);
            counts.putInt(4, max);
            Errors.check("io_uring_register IOWQ_MAX_WORKERS", null,
                    ring.register(Uring.REGISTER_IOWQ_MAX_WORKERS, counts.addressOffset(), 2));
        } finally {
            org.agrona.BufferUtil.free(counts);
        }
    }

    // ---- submission helpers ----

    /** Claims an SQE for {@code opcode} on {@code fd} tagged with {@code op} and {@code token}; returns its offset. */
    int sqe(int opcode, int fd, int op, long token) {
        int at = ring.nextSqe();
        UnsafeBuffer s = ring.sqes();
        s.putByte(at + Uring.SQE_OPCODE, (byte) opcode);
        s.putInt(at + Uring.SQE_FD, fd);
        s.putLong(at + Uring.SQE_USER_DATA, ((long) op << 56) | token);
        inFlight++;
        return at;
    }

    /** Submits what is queued now, rather than at the loop's next enter; waits for nothing. */
    void submitNow() {
        ring.enter(0, false);
    }

    UnsafeBuffer sqes() {
        return ring.sqes();
    }

    /**
     * Arms a multishot {@code POLL_ADD} for POLLERR and POLLHUP on {@code fd}: for a socket at EOF
     * that nothing else polls, whose reset must still be seen. The kernel adds POLLRDHUP to every
     * poll's mask, so the first completion reports the FIN that is already there; being
     * edge-triggered, it then reports only new wake-ups (a reset, the final close), and a socket
     * at rest never makes it fire again. Classify its completions with {@link #reportsFailure}.
     */
    void armErrorWatch(int fd, int op, long token) {
        int at = sqe(Uring.OP_POLL_ADD, fd, op, token);
        ring.sqes().putInt(at + Uring.SQE_OP_FLAGS, Uring.POLLERR | Uring.POLLHUP);
        ring.sqes().putInt(at + Uring.SQE_LEN, Uring.POLL_ADD_MULTI);
    }

    /**
     * Whether an error watch's completion may report a failure, rather than the FIN it found when
     * armed: an error or hang-up, or the poll itself failing. Either way the socket's SO_ERROR
     * says whether the peer is gone.
     */
    static boolean reportsFailure(int res) {
        return res < 0 ? res != -Errno.ECANCELED : (res & (Uring.POLLERR | Uring.POLLHUP)) != 0;
    }

    /** Cancels the one operation whose user data is {@code userData}. */
    void cancelOne(long userData, long token) {
        int at = sqe(Uring.OP_ASYNC_CANCEL, -1, OP_CANCEL, token);
        ring.sqes().putLong(at + Uring.SQE_ADDR, userData);
    }

    private void armWakeup() {
        int at = sqe(Uring.OP_READ, eventFd, OP_WAKEUP, 0);
        ring.sqes().putLong(at + Uring.SQE_ADDR, wakeBuffer.addressOffset());
        ring.sqes().putInt(at + Uring.SQE_LEN, 8);
    }

    private void armTimeout(int timeoutMillis) {
        // The kernel's clock, not the loop's: the timeout is a real interval, and under a fake
        // loop clock (tests) the two drift apart, which would keep a stale, long timeout armed.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        if (timeoutArmed && timeoutDeadline - deadline <= 0) {
            return; // the pending one fires first, and the loop re-evaluates then
        }
        // The kernel copies the timespec when it takes the SQE, during the enter below.
        timespec.putLong(Uring.TIMESPEC_SEC, timeoutMillis / 1000);
        timespec.putLong(Uring.TIMESPEC_NSEC, (timeoutMillis % 1000) * 1_000_000L);
        int at = sqe(Uring.OP_TIMEOUT, -1, OP_TIMEOUT, ++timeoutSequence & TOKEN_MASK);
        ring.sqes().putLong(at + Uring.SQE_ADDR, timespec.addressOffset());
        ring.sqes().putInt(at + Uring.SQE_LEN, 1);
        timeoutArmed = true;
        timeoutDeadline = deadline;
    }

    // ---- the loop body ----

    @Override
    protected void pollIo(int timeoutMillis) {
        if (timeoutMillis != 0 && ring.hasCompletions()) {
            timeoutMillis = 0;
        }
        if (timeoutMillis > 0) {
            armTimeout(timeoutMillis);
        }
        if (ring.cqOverflowed()) {
            stats().cqOverflows++; // enter() flushes the kernel's backlog into the ring
        }
        ring.enter(timeoutMillis == 0 ? 0 : 1, noIowait);
        ring.drain(onCompletion);
        rearmStarved();
    }

    /**
     * Re-arms the receives that ended for want of buffers, once buffers are back in the ring.
     * While it stays dry (a paused connection may hold every buffer), they wait: re-arming into
     * an empty ring fails at once, and doing it every turn would spin the loop.
     */
    private void rearmStarved() {
        for (int i = rearm.size(); i > 0 && buffers.available() > 0; i--) {
            rearm.pollFirst().rearmRecv();
        }
    }

    private void complete(long userData, int res, int flags) {
        completions++;
        int op = (int) (userData >>> 56);
        long token = userData & TOKEN_MASK;
        boolean last = (flags & Uring.CQE_F_MORE) == 0;
        if (last) {
            inFlight--;
        }
        if ((flags & Uring.CQE_F_BUFFER) != 0) {
            buffers.taken();
        }
        switch (op) {
            case OP_WAKEUP -> {
                stats().wakeups++;
                if (!isStopping()) {
                    armWakeup();
                }
            }
            case OP_TIMEOUT -> {
                if (token == (timeoutSequence & TOKEN_MASK)) {
                    timeoutArmed = false;
                }
            }
            case OP_INTERNAL -> {
            }
            default -> dispatch(op, token, res, flags);
        }
    }

    private void dispatch(int op, long token, int res, int flags) {
        UringHandle h = handles.get(token);
        if (h == null) {
            // A completion for a handle already gone. A buffer it carries is still ours to return.
            if ((flags & Uring.CQE_F_BUFFER) != 0) {
                buffers.recycle(flags >>> Uring.CQE_BUFFER_SHIFT);
            }
            return;
        }
        try {
            h.complete(op, res, flags);
        } catch (Throwable t) {
            h.failed(t);
        }
    }

    void rearmLater(UringConnection c) {
        rearm.addLast(c);
    }

    @Override
    protected void wakeupNative() {
        Native.eventfdWrite(eventFd, 1);
    }

    @Override
    protected boolean hasReadyWork() {
        return !rearm.isEmpty() && buffers.available() > 0;
    }

    @Override
    protected void runReadyWork() {
        // Buffers recycled outside a drain (a resumed connection delivering what it held).
        rearmStarved();
    }

    /** An iovec array for one writev in flight; back to the pool when its completion arrives. */
    IovecArray acquireIovecs() {
        IovecArray iov = iovecPool.pollFirst();
        return iov != null ? iov : new IovecArray(IovecArray.DEFAULT_CAPACITY);
    }

    void releaseIovecs(IovecArray iov) {
        if (iovecPool.size() < 64) {
            iovecPool.addFirst(iov);
        } else {
            iov.close();
        }
    }

    @Override
    protected void closeAll() {
        handles.forEach(UringHandle::closeForShutdown);
        // Then everything still in the ring: the wake-up read and pending timeouts (a 30 s connect
        // timer, say) would otherwise hold the count above zero until the bounded wait gives up.
        int at = sqe(Uring.OP_ASYNC_CANCEL, -1, OP_INTERNAL, 0);
        ring.sqes().putInt(at + Uring.SQE_OP_FLAGS, Uring.ASYNC_CANCEL_ANY | Uring.ASYNC_CANCEL_ALL);
        timeoutArmed = false;
        // Cancelled operations complete asynchronously; until they have, the kernel may still
        // write into a provided buffer or read an outbound chunk. Wait for them (bounded) so that
        // closeResources frees nothing the kernel still uses.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (inFlight > 0 && System.nanoTime() - deadline < 0) {
            ring.enter(1, noIowait);
            ring.drain(onCompletion);
        }
    }

    @Override
    protected void closeResources() {
        if (eventFd >= 0) {
            Native.close(eventFd);
        }
        if (wakeBuffer != null) {
            org.agrona.BufferUtil.free(wakeBuffer);
            org.agrona.BufferUtil.free(timespec);
        }
        for (IovecArray iov; (iov = iovecPool.pollFirst()) != null; ) {
            iov.close();
        }
        scratchIovecs.close();
        if (ring != null) {
            boolean quiet = inFlight == 0;
            if (buffers != null && quiet) {
                buffers.close();
            }
            // Closing the ring cancels what is left. If something never completed, its buffers are
            // left mapped: a leak is better than the kernel writing into memory that is reused.
            ring.close();
        }
    }

    // ---- connections ----

    @Override
    protected UringConnection newClientConnection(int fd, ConnectionHandler handler, ConnectionConfig config,
                                                  InetSocketAddress remote) {
        return new UringConnection(this, fd, handler, config, null, remote);
    }

    /** Wraps an accepted descriptor; the caller opens it. */
    UringConnection newConnection(int fd, ConnectionHandler handler, ConnectionConfig config, ServerHooks server,
                                  InetSocketAddress remote) {
        return new UringConnection(this, fd, handler, config, server, remote);
    }

    void forEachConnection(Consumer<UringConnection> action) {
        handles.forEach(h -> {
            if (h instanceof UringConnection c) {
                action.accept(c);
            }
        });
    }

    @Override
    public Watch watch(int fd, Listener listener) {
        return new UringFdWatch(this, fd, listener);
    }

    /** The errno that ends a multishot recv when the buffer ring ran dry. */
    static final int ENOBUFS = Errno.ENOBUFS;
}

package io.ringwire.loop;

import io.ringwire.Connection;
import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.DeadlineExceededException;
import io.ringwire.EventLoop;
import io.ringwire.EventLoop.Cancellable;
import io.ringwire.SocketOption;
import io.ringwire.buffer.FileRegion;
import io.ringwire.buffer.OutboundBuffer;
import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Linux;
import io.ringwire.internal.Native;
import io.ringwire.internal.Sockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.RejectedExecutionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What every backend's connection shares: the write path and its ordering, the outbound queue
 * and its watermarks, half-close, close semantics, options and attachment.
 * A backend adds how bytes get in ({@link #onReadResumed}, {@link #onReadPaused}, and calls to
 * {@link #deliver}) and out ({@link #flushNow}), and how the descriptor is let go
 * ({@link #closeTransport}).
 *
 * <p>What has state of its own and is needed off the hot path lives beside it in this package,
 * made only for the connections that need it: {@link GracefulClose} (a server shutdown's drain
 * and lingering close), {@link IdleTimeout}, {@link Deadlines} (read and write deadlines) and
 * {@link ClientConnect} (a client's connect future and timer). The write path stays here: every
 * write reads the close and half-close state kept here, and a hop to another object per message
 * would buy nothing.
 *
 * <p>Fields without a comment are confined to the loop thread. Calls from other threads become
 * tasks on the loop; {@link #externalWrites} counts those in flight so that a loop-thread write
 * queues behind them instead of overtaking them.
 */
public abstract class AbstractConnection implements Connection {
    private static final System.Logger LOG = System.getLogger("io.ringwire.connection");
    private static final VarHandle EXTERNAL_WRITES;
    private static final VarHandle DEADLINES;

    static {
        try {
            EXTERNAL_WRITES = MethodHandles.lookup().findVarHandle(AbstractConnection.class, "externalWrites", int.class);
            DEADLINES = MethodHandles.lookup().findVarHandle(AbstractConnection.class, "deadlines", Deadlines.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    protected final int fd;
    protected final AbstractEventLoop loop;
    protected final ConnectionHandler handler;
    protected final ConnectionConfig config;
    /** The server that accepted this connection, or null for a client connection. */
    public final ServerHooks server;
    protected final OutboundBuffer outbound;
    protected final InetSocketAddress remote;
    private final Runnable flushTask = this::flushNow;

    protected boolean connecting;
    /** A client connection's connect until its future settles; null for a server connection, and after. */
    private ClientConnect clientConnect;

    protected boolean closed;
    protected boolean autoRead = true;
    protected boolean inputShutdown;
    private boolean outputShutdownRequested;
    /** Our FIN has been handed to the kernel; read by {@link GracefulClose}. */
    boolean outputShutdown;
    /** Made when a graceful shutdown starts to drain this connection; see {@link #closeWhenIdle()}. */
    private GracefulClose graceful;
    private final Runnable recheckIdle = this::drainStepIfDue;
    private boolean writableState = true;
    /** What the handler last heard of writability; see {@link #notifyWritability()}. */
    private boolean notifiedWritable = true;
    /** Handler methods of this connection on the stack right now. */
    private int inHandler;
    /** When bytes last went in or out: written per message, read by {@link IdleTimeout} when it fires. */
    long lastActivity;
    /** Made when the connection opens, if it has an idle timeout. */
    private IdleTimeout idleTimeout;
    /** Read and write deadlines; made on first use (by any thread, hence the CAS), see {@link #deadlines()}. */
    @SuppressWarnings("unused")
    private volatile Deadlines deadlines;

    /** Read by any thread. */
    private volatile boolean open;
    private volatile boolean writable = true;
    private volatile long pendingBytes;
    private volatile long dropped;
    private volatile InetSocketAddress local;
    private volatile Object attachment;
    private Throwable closeCause;
    private boolean closeWasOpen;
    /** Cross-thread writes queued on the loop and not yet applied; see the class comment. */
    @SuppressWarnings("unused")
    private volatile int externalWrites;

    protected AbstractConnection(AbstractEventLoop loop, int fd, ConnectionHandler handler, ConnectionConfig config,
                                 ServerHooks server, InetSocketAddress remote) {
        this.loop = loop;
        this.fd = fd;
        this.handler = handler;
        this.config = config;
        this.server = server;
        this.remote = remote;
        this.outbound = new OutboundBuffer(loop.chunkPool());
    }

    // ---- backend hooks ----

    /** Reading may go on: the connection just opened, or {@code setAutoRead(true)} was called. */
    protected abstract void onReadResumed();

    /** {@code setAutoRead(false)} was called: stop taking data from the kernel. */
    protected abstract void onReadPaused();

    /** Hands queued bytes to the kernel as far as it takes them now; ends with {@link #afterFlush}. */
    protected abstract void flushNow();

    /**
     * The peer's FIN was delivered and this side stays open (the handler writes on, or will; it
     * has not asked for its own FIN).
     * Nothing reads the socket any more, yet a reset from the peer must still close the
     * connection, also while nothing is being written: a backend that only learns of errors
     * through its reads arranges to hear of them here. The default does nothing.
     */
    protected void onInputEnded() {
    }

    /**
     * Lets go of the descriptor. Called once, from {@link #closeNow}, once the connection no
     * longer takes writes or reads. The backend calls {@link #transportReleased()} when the
     * descriptor is closed and no kernel operation uses this connection's memory any more: at
     * once for synchronous syscalls, after the last completion for io_uring.
     */
    protected abstract void closeTransport();

    // ---- opening ----

    /**
     * Starts the connect to {@link #remote}. The backend calls {@link #established()} when it
     * succeeds, or {@link #closeNow} with the error when it fails; the future and the timer are
     * already set up by the loop.
     */
    protected abstract void startConnect();

    /**
     * A client connect: {@code timer} (may be null) fires {@link #connectTimedOut}, and
     * {@code future} settles as {@link ClientConnect} says.
     */
    final void beginConnect(CompletableFuture<Connection> future, Cancellable timer, Duration timeout) {
        connecting = true;
        clientConnect = new ClientConnect(future, timer, timeout);
        startConnect();
    }

    public final void connectTimedOut() {
        if (connecting && !closed) {
            closeNow(clientConnect.timedOut(describeRemote()));
        }
    }

    /** Called on the loop once the connection is usable (accepted, or connect finished). */
    public final void established() {
        connecting = false;
        if (clientConnect != null) {
            clientConnect.cancelTimer();
        }
        open = true;
        lastActivity = loop.nanoTime();
        loop.stats().connectionsOpened++;
        long idleNanos = config.idleTimeout().toNanos();
        if (idleNanos > 0) {
            idleTimeout = new IdleTimeout(this, idleNanos);
            idleTimeout.schedule();
        }
        inHandler++;
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            handlerFailed(t);
        } finally {
            inHandler--;
        }
        notifyWritability();
        // Closed in onOpen: the future is left to transportReleased, which fails it. That may run
        // only later (io_uring, with a send of onOpen's still in flight), so it must find it there.
        ClientConnect connect = clientConnect;
        if (connect != null && !closed) {
            clientConnect = null;
            connect.complete(this);
        }
        if (!closed && autoRead) {
            onReadResumed();
        }
    }

    // ---- reading, for backends ----

    /** Hands received bytes to the handler; returns false if the connection closed meanwhile. */
    protected final boolean deliver(DirectBuffer data, int offset, int length) {
        loop.stats().bytesRead += length;
        lastActivity = loop.nanoTime();
        if (lingering()) {
            return !closed; // a request after the last one answered: read only so that the close sends no reset
        }
        inHandler++;
        try {
            handler.onData(this, data, offset, length);
        } catch (Throwable t) {
            handlerFailed(t);
        } finally {
            inHandler--;
        }
        afterHandler();
        return !closed;
    }

    /** A handler method returned: report writability, and while draining ask it again whether it is idle. */
    private void afterHandler() {
        notifyWritability();
        drainStepIfDue();
    }

    /** The peer's FIN: every byte before it has been delivered. */
    protected final void endOfInput() {
        if (inputShutdown || closed) {
            return;
        }
        inputShutdown = true;
        if (lingering()) {
            closeIfBothShut(); // the peer has read what it wanted; without a FIN of ours yet, that comes first
            return;
        }
        inHandler++;
        try {
            handler.onInputShutdown(this);
        } catch (Throwable t) {
            handlerFailed(t);
            return;
        } finally {
            inHandler--;
        }
        afterHandler();
        closeIfBothShut();
        if (!closed && !outputShutdownRequested) {
            onInputEnded(); // else the FIN follows the queued bytes, whose sends see any reset
        }
    }

    /** A read failed with {@code -errno} {@code result}; closes with the mapped exception. */
    protected final void readFailed(int result) {
        loop.stats().readErrors++;
        closeNow(Errors.newException("read", remote, result));
    }

    /** A write failed with {@code -errno} {@code result}; closes with the mapped exception. */
    protected final void writeFailed(int result) {
        loop.stats().writeErrors++;
        closeNow(Errors.newException("write", remote, result));
    }

    /** The kernel took {@code n} queued bytes. */
    protected final void sent(long n) {
        outbound.consume(n);
        loop.stats().bytesWritten += n;
        lastActivity = loop.nanoTime();
    }

    // ---- writing ----

    @Override
    public final void write(DirectBuffer src, int offset, int length) {
        if (directWriteAllowed()) {
            if (acceptsWrites()) {
                outbound.append(src, offset, length);
                afterAppend();
            }
        } else {
            byte[] copy = new byte[length];
            src.getBytes(offset, copy);
            submitWrite(copy);
        }
    }

    @Override
    public final void write(byte[] src, int offset, int length) {
        if (directWriteAllowed()) {
            if (acceptsWrites()) {
                outbound.append(src, offset, length);
                afterAppend();
            }
        } else {
            byte[] copy = new byte[length];
            System.arraycopy(src, offset, copy, 0, length);
            submitWrite(copy);
        }
    }

    @Override
    public final void write(ByteBuffer src) {
        if (directWriteAllowed()) {
            if (acceptsWrites()) {
                outbound.append(src);
                afterAppend();
            }
        } else {
            byte[] copy = new byte[src.remaining()];
            src.duplicate().get(copy);
            submitWrite(copy);
        }
    }

    private boolean acceptsWrites() {
        return !closed && !outputShutdownRequested;
    }

    private boolean directWriteAllowed() {
        return loop.inEventLoop() && (int) EXTERNAL_WRITES.getVolatile(this) == 0;
    }

    private void submitWrite(byte[] copy) {
        EXTERNAL_WRITES.getAndAdd(this, 1);
        loop.execute(() -> {
            try {
                if (acceptsWrites()) {
                    outbound.append(copy, 0, copy.length);
                    afterAppend();
                }
            } finally {
                EXTERNAL_WRITES.getAndAdd(this, -1);
            }
        });
    }

    // ---- sending files ----

    @Override
    public final CompletableFuture<Long> sendFile(Path file, long offset, long length) {
        return sendFile(null, 0, 0, file, offset, length);
    }

    @Override
    public final CompletableFuture<Long> sendFile(DirectBuffer prefix, int prefixOffset, int prefixLength,
                                                  Path file, long offset, long length) {
        if (prefix != null) {
            prefix.boundsCheck(prefixOffset, prefixLength);
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        FileRegion region;
        try {
            region = FileRegion.open(file, offset, length, future);
        } catch (IOException | IllegalArgumentException e) {
            future.completeExceptionally(e); // before anything, the prefix too, is queued
            return future;
        }
        if (directWriteAllowed()) {
            enqueueFile(prefix, prefixOffset, prefixLength, region);
            return future;
        }
        UnsafeBuffer copy = null;
        if (prefix != null && prefixLength > 0) {
            byte[] bytes = new byte[prefixLength];
            prefix.getBytes(prefixOffset, bytes);
            copy = new UnsafeBuffer(bytes);
        }
        UnsafeBuffer head = copy;
        // Counted like a cross-thread write, so a loop-thread write made after it cannot overtake it.
        EXTERNAL_WRITES.getAndAdd(this, 1);
        try {
            loop.execute(() -> {
                try {
                    enqueueFile(head, 0, head == null ? 0 : head.capacity(), region);
                } finally {
                    EXTERNAL_WRITES.getAndAdd(this, -1);
                }
            });
        } catch (RejectedExecutionException e) {
            EXTERNAL_WRITES.getAndAdd(this, -1);
            region.fail(new Errors.Closed("sendFile " + file + ": the event loop has stopped"));
        }
        return future;
    }

    /** Queues the prefix (if any) and then the region, or neither if the connection takes no writes. */
    private void enqueueFile(DirectBuffer prefix, int prefixOffset, int prefixLength, FileRegion region) {
        if (!acceptsWrites()) {
            region.fail(new Errors.Closed("sendFile " + region.path() + ": connection "
                    + (closed ? "closed" : "output shut down")));
            return;
        }
        if (prefix != null && prefixLength > 0) {
            outbound.append(prefix, prefixOffset, prefixLength);
        }
        outbound.appendFile(region);
        afterAppend();
    }

    /** The kernel took {@code n} bytes of the due file region; completes it when done. */
    protected final void fileSent(long n) {
        loop.stats().bytesWritten += n;
        lastActivity = loop.nanoTime();
        outbound.fileSent(n);
    }

    /**
     * The due file region's file ended before its range did ({@code sendfile} returned 0): the
     * peer was promised bytes that will never come, so the region fails and the connection closes.
     */
    protected final void fileShrank(FileRegion region) {
        java.io.EOFException e = new java.io.EOFException("sendFile " + region.path() + ": the file ended at "
                + region.position() + " with " + region.remaining() + " bytes of the range left; it shrank");
        outbound.failDueFile(e);
        loop.stats().writeErrors++;
        closeNow(e);
    }

    /** A {@code sendfile} of the due region failed with {@code -errno} {@code result}. */
    protected final void fileSendFailed(int result) {
        IOException e = Errors.newException("sendfile", remote, result);
        outbound.failDueFile(e);
        loop.stats().writeErrors++;
        closeNow(e);
    }

    // ---- flushing, watermarks and writability ----

    private void afterAppend() {
        long size = outbound.size();
        pendingBytes = size;
        if (writableState && size > config.highWatermark()) {
            setWritable(false);
        }
    }

    @Override
    public final void flush() {
        if (loop.inEventLoop()) {
            flushNow();
        } else {
            loop.execute(flushTask);
        }
    }

    /** Bookkeeping after the kernel took what it would: watermarks, a pending FIN or close. */
    protected final void afterFlush() {
        long size = outbound.size();
        pendingBytes = size;
        if (!writableState && size <= config.lowWatermark()) {
            setWritable(true);
            // The handler may have written more inside that callback: a stale size would send
            // the FIN (or close) with those bytes still queued.
            size = outbound.size();
        }
        if (size == 0 && !closed) {
            if (outputShutdownRequested && !outputShutdown) {
                shutdownOutputNow();
            } else {
                // A response finished by the flush alone (a file sent, say): the handler may be idle now.
                drainStepIfDue();
            }
        }
    }

    private void setWritable(boolean value) {
        writableState = value;
        writable = value;
        notifyWritability();
    }

    /**
     * Tells the handler that writability changed, but never from inside one of its own methods:
     * a write or flush in {@code onData} that crosses a watermark is reported once {@code onData}
     * has returned, so handler methods run one at a time, as {@link ConnectionHandler} promises.
     * Changes that cancel out meanwhile (unwritable, then drained) are not reported at all.
     */
    private void notifyWritability() {
        boolean notified = false;
        while (inHandler == 0 && !closed && notifiedWritable != writableState) {
            boolean value = writableState;
            notifiedWritable = value;
            notified = true;
            inHandler++;
            try {
                handler.onWritabilityChanged(this, value);
            } catch (Throwable t) {
                handlerFailed(t);
            } finally {
                inHandler--;
            }
        }
        // A response streamed on writability may have ended in that callback. (The loop calls
        // only with no handler method on the stack, so drainStepIfDue's own check holds too.)
        if (notified) {
            drainStepIfDue();
        }
    }

    // ---- half-close ----

    @Override
    public final void shutdownOutput() {
        runOnLoop(() -> {
            if (!closed) {
                shutdownOutputAfterQueued();
            }
        });
    }

    /**
     * Asks for our FIN after the queued bytes: sent at once if none are queued, else by
     * {@link #afterFlush} once they are out. Returns false if it had been asked for already.
     * Loop thread, on an open connection.
     */
    final boolean shutdownOutputAfterQueued() {
        if (outputShutdownRequested) {
            return false;
        }
        outputShutdownRequested = true;
        if (outbound.isEmpty()) {
            shutdownOutputNow();
        } else {
            flushNow(); // queued bytes go first; afterFlush sends the FIN once they are out
        }
        return true;
    }

    /** Sends FIN now. A plain syscall on every backend: nothing of ours is in flight after it. */
    private void shutdownOutputNow() {
        outputShutdown = true;
        int r = Native.shutdown(fd, Linux.SHUT_WR);
        if (r < 0 && r != -Errno.ENOTCONN) {
            closeNow(Errors.newException("shutdown", remote, r));
            return;
        }
        closeIfBothShut();
        if (lingering() && !closed) {
            graceful.finSent();
        }
    }

    private void closeIfBothShut() {
        if (inputShutdown && outputShutdown && !closed) {
            closeNow(null);
        }
    }

    // ---- draining: the connection's side of GracefulClose ----

    @Override
    public final boolean isDraining() {
        return graceful != null;
    }

    /**
     * Graceful server shutdown: once the handler says no request is in progress
     * ({@link ConnectionHandler#isIdle}), the connection closes the lingering way. Until then
     * reading goes on; {@link GracefulClose} says how and when the handler is asked again. The
     * server's drain timeout bounds the wait. Loop thread.
     */
    public final void closeWhenIdle() {
        if (closed) {
            return;
        }
        if (graceful == null) {
            graceful = new GracefulClose(this);
        }
        graceful.step();
    }

    @Override
    public final void requestIdleCheck() {
        runOnLoop(recheckIdle);
    }

    /** While draining, asks the handler again whether it is idle, unless one of its methods is on the stack. */
    private void drainStepIfDue() {
        // Inside a handler method the check follows when it returns; asking now would nest a call.
        if (graceful != null && inHandler == 0) {
            graceful.step();
        }
    }

    /** True while a drained connection lingers: what arrives is read and dropped. */
    private boolean lingering() {
        return graceful != null && graceful.isLingering();
    }

    /**
     * Asks the handler whether it is idle, as a drain does. False too if it threw, which closed
     * the connection, or if the connection closed meanwhile. Loop thread, for {@link GracefulClose}.
     */
    final boolean handlerIsIdle() {
        boolean idle;
        inHandler++;
        try {
            idle = handler.isIdle(this);
        } catch (Throwable t) {
            handlerFailed(t);
            return false;
        } finally {
            inHandler--;
        }
        return idle && !closed;
    }

    // ---- closing and release ----

    @Override
    public final void close() {
        runOnLoop(() -> closeNow(null));
    }

    /** A handler method threw: only this connection pays for it. */
    protected final void handlerFailed(Throwable t) {
        loop.stats().handlerErrors++;
        logQuietly(System.Logger.Level.WARNING, "handler of " + this + " threw; closing that connection", t);
        closeNow(t);
    }

    /** The transport's own code failed on this connection: close it, keep the loop. */
    public final void internalFailure(Throwable t) {
        loop.stats().handlerErrors++;
        logQuietly(System.Logger.Level.ERROR, "internal error on " + this + "; closing it", t);
        closeNow(t);
    }

    /**
     * Drops the queued bytes not yet handed to the kernel and records how many; for backends,
     * once no kernel operation reads them any more.
     */
    protected final void discardOutbound() {
        dropped += outbound.discard();
        pendingBytes = 0;
    }

    /**
     * Counts {@code bytes} more as dropped: for a backend whose send in flight at close was
     * cancelled before the kernel took all of it.
     */
    protected final void recordDropped(long bytes) {
        dropped += bytes;
    }

    /**
     * Closes now; {@code cause} is null for a requested close. Safe to call more than once. The
     * connection stops taking reads and writes at once; the handler's onError and onClose, the
     * server's count and a pending connect future follow when the backend has released the
     * descriptor ({@link #transportReleased()}).
     */
    public final void closeNow(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        closeCause = cause;
        closeWasOpen = open;
        open = false;
        writable = false;
        if (clientConnect != null) {
            clientConnect.cancelTimer();
        }
        if (idleTimeout != null) {
            idleTimeout.cancel();
        }
        if (graceful != null) {
            graceful.cancel();
        }
        Deadlines d = deadlines;
        if (d != null) {
            d.cancel();
        }
        closeTransport();
    }

    /** The backend has closed the descriptor and the kernel holds none of our memory: tell everyone. */
    protected final void transportReleased() {
        Throwable cause = closeCause;
        ClientConnect connect = clientConnect;
        clientConnect = null;
        if (connect != null) {
            connect.fail(cause, describeRemote());
        }
        // Never opened: the caller hears of it through the future, the handler not at all. A
        // client whose onOpen threw was opened, though: it is counted and gets onError and onClose.
        if (!closeWasOpen) {
            return;
        }
        loop.stats().connectionsClosed++;
        if (cause != null) {
            try {
                handler.onError(this, cause);
            } catch (Throwable t) {
                logQuietly(System.Logger.Level.WARNING, "onError of " + this + " threw", t);
            }
        }
        try {
            handler.onClose(this);
        } catch (Throwable t) {
            logQuietly(System.Logger.Level.WARNING, "onClose of " + this + " threw", t);
        }
        // Last: Server.shutdown and close return once the count reaches zero, and by then every
        // connection must have had its onClose.
        if (server != null) {
            server.connectionClosed(remote);
        }
    }

    // ---- deadlines ----

    @Override
    public final void setReadDeadline(Duration timeout) {
        deadlines().set(DeadlineExceededException.Kind.READ, timeout);
    }

    @Override
    public final void setWriteDeadline(Duration timeout) {
        deadlines().set(DeadlineExceededException.Kind.WRITE, timeout);
    }

    private Deadlines deadlines() {
        Deadlines d = deadlines;
        if (d == null) {
            Deadlines fresh = new Deadlines(this, loop);
            d = (Deadlines) DEADLINES.compareAndExchange(this, null, fresh);
            if (d == null) {
                d = fresh;
            }
        }
        return d;
    }

    /** True while queued bytes wait for the kernel to take them. Loop thread. */
    final boolean hasQueuedOutput() {
        return !outbound.isEmpty();
    }

    /** A deadline passed: tell the handler, keep the connection. Loop thread, from {@link Deadlines}. */
    final void deadlineExceeded(DeadlineExceededException.Kind kind) {
        if (closed || !open) {
            return;
        }
        loop.stats().deadlinesExceeded++;
        DeadlineExceededException e = new DeadlineExceededException(kind,
                kind.name().toLowerCase(java.util.Locale.ROOT) + " deadline exceeded on " + describeRemote());
        inHandler++;
        try {
            handler.onTimeout(this, e);
        } catch (Throwable t) {
            handlerFailed(t);
        } finally {
            inHandler--;
        }
        afterHandler();
    }

    // ---- the rest of the API ----

    @Override
    public final void setAutoRead(boolean value) {
        runOnLoop(() -> setAutoReadNow(value));
    }

    /** Loop thread; also {@link GracefulClose}'s, so that a lingering connection sees the peer's FIN. */
    final void setAutoReadNow(boolean value) {
        if (autoRead == value || closed) {
            return;
        }
        autoRead = value;
        if (connecting) {
            return;
        }
        if (value) {
            onReadResumed();
        } else {
            onReadPaused();
        }
    }

    protected final void runOnLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private static void logQuietly(System.Logger.Level level, String message, Throwable t) {
        try {
            LOG.log(level, message, t);
        } catch (Throwable ignored) {
            // With no descriptors left even logging can fail; the connection is dealt with anyway.
        }
    }

    private String describeRemote() {
        return io.ringwire.internal.SockAddr.format(remote);
    }

    @Override
    public final EventLoop eventLoop() {
        return loop;
    }

    @Override
    public final InetSocketAddress localAddress() {
        InetSocketAddress a = local;
        if (a == null && open) {
            a = Sockets.localAddress(fd);
            local = a;
        }
        return a;
    }

    @Override
    public final InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    @Override
    public final boolean isWritable() {
        return writable;
    }

    @Override
    public final long pendingOutboundBytes() {
        return pendingBytes;
    }

    @Override
    public final long droppedBytes() {
        return dropped;
    }

    @Override
    public final <T> void setOption(SocketOption<T> option, T value) {
        option.validate(value);
        if (loop.inEventLoop()) {
            setOptionNow(option, value, true);
        } else {
            loop.execute(() -> setOptionNow(option, value, false));
        }
    }

    private <T> void setOptionNow(SocketOption<T> option, T value, boolean throwErrors) {
        if (closed) {
            if (throwErrors) {
                throw new UncheckedIOException(new Errors.Closed("setsockopt " + option + " " + describeRemote()
                        + ": connection closed"));
            }
            return;
        }
        try {
            Sockets.setOption(fd, option, value, remote);
        } catch (IOException e) {
            if (throwErrors) {
                throw new UncheckedIOException(e);
            }
            // A handler method like the others: counted, so that what it changes (a write over
            // the watermark, say) is reported after it returns, not from within it.
            inHandler++;
            try {
                handler.onError(this, e);
            } catch (Throwable t) {
                handlerFailed(t);
            } finally {
                inHandler--;
            }
            afterHandler();
        }
    }

    @Override
    public final <T> T getOption(SocketOption<T> option) {
        if (!open) {
            throw new UncheckedIOException(new Errors.Closed("getsockopt " + option + " " + describeRemote()
                    + ": connection closed"));
        }
        try {
            return Sockets.getOption(fd, option, remote);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public final Object attachment() {
        return attachment;
    }

    @Override
    public final void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "connection[fd=" + fd + " remote=" + describeRemote() + "]";
    }
}

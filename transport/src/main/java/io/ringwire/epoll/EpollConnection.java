package io.ringwire.epoll;

import io.ringwire.Connection;
import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoop;
import io.ringwire.SocketOption;
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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.ringwire.EventLoop.Cancellable;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A TCP connection on an epoll loop. See {@link Connection} for the public contract and
 * {@link EpollEventLoop} for the edge-triggered rules this class follows.
 *
 * <p>Fields without a comment are confined to the loop thread. Calls from other threads become
 * tasks on the loop; {@link #externalWrites} counts those in flight so that a loop-thread write
 * queues behind them instead of overtaking them.
 */
final class EpollConnection extends EpollHandle implements Connection {
    private static final System.Logger LOG = System.getLogger("io.ringwire.connection");
    private static final VarHandle EXTERNAL_WRITES;
    /** Reads per event before yielding to other connections (64 KiB each: up to 1 MiB). */
    static final int READ_BUDGET = 16;

    static {
        try {
            EXTERNAL_WRITES = MethodHandles.lookup().findVarHandle(EpollConnection.class, "externalWrites", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EpollEventLoop loop;
    private final ConnectionHandler handler;
    private final ConnectionConfig config;
    /** The server that accepted this connection, or null for a client connection. */
    final EpollServer server;
    private final OutboundBuffer outbound;
    private final InetSocketAddress remote;
    private final Runnable flushTask = this::flushNow;

    private boolean connecting;
    CompletableFuture<Connection> connectFuture;
    private Cancellable connectTimer;
    private Duration connectTimeout;

    private boolean closed;
    private boolean autoRead = true;
    /** The socket may hold unread data (or a FIN): set by events, cleared on EAGAIN or a short read. */
    private boolean mayHaveInput;
    /** The last event said the peer closed or failed: read to the end rather than stop at a short read. */
    private boolean peerGone;
    private boolean inputShutdown;
    private boolean outputShutdownRequested;
    private boolean outputShutdown;
    private boolean closeWhenFlushed;
    boolean inReadyQueue;
    private boolean writableState = true;
    private long lastActivity;
    private Cancellable idleTimer;

    /** Read by any thread. */
    private volatile boolean open;
    private volatile boolean writable = true;
    private volatile long pendingBytes;
    private volatile long dropped;
    private volatile InetSocketAddress local;
    private volatile Object attachment;
    /** Cross-thread writes queued on the loop and not yet applied; see the class comment. */
    @SuppressWarnings("unused")
    private volatile int externalWrites;

    EpollConnection(EpollEventLoop loop, int fd, ConnectionHandler handler, ConnectionConfig config,
                    EpollServer server, InetSocketAddress remote) {
        super(fd);
        this.loop = loop;
        this.handler = handler;
        this.config = config;
        this.server = server;
        this.remote = remote;
        this.outbound = new OutboundBuffer(loop.chunkPool);
    }

    // ---- opening ----

    void beginConnect(CompletableFuture<Connection> future, Cancellable timer, Duration timeout) {
        connecting = true;
        connectFuture = future;
        connectTimer = timer;
        connectTimeout = timeout;
    }

    void connectTimedOut() {
        if (connecting && !closed) {
            closeNow(new Errors.TimedOut("connect " + remote + ": timed out after " + connectTimeout.toMillis() + " ms",
                    Errno.ETIMEDOUT, "connect"));
        }
    }

    private void finishConnect(int events) {
        int err = Native.socketError(fd);
        if (err > 0) {
            closeNow(Errors.newException("connect", remote, -err));
        } else if (err < 0) {
            closeNow(Errors.newException("getsockopt SO_ERROR", remote, err));
        } else if ((events & Linux.EPOLLOUT) != 0) {
            established();
        }
        // err == 0 without EPOLLOUT: a spurious wake-up; the real outcome comes as another event.
    }

    /** Called on the loop once the connection is usable (accepted, or connect finished). */
    void established() {
        connecting = false;
        if (connectTimer != null) {
            connectTimer.cancel();
            connectTimer = null;
        }
        open = true;
        mayHaveInput = true;
        lastActivity = loop.nanoTime();
        loop.stats.connectionsOpened++;
        scheduleIdleCheck(config.idleTimeout().toNanos());
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            handlerFailed(t);
            return;
        }
        CompletableFuture<Connection> f = connectFuture;
        connectFuture = null;
        if (f != null) {
            f.complete(this);
        }
        // Data may have arrived with the handshake; its edge came before we were ready to read.
        if (!closed) {
            loop.enqueueReady(this);
        }
    }

    // ---- events ----

    @Override
    void onEvent(int events) {
        if (connecting) {
            finishConnect(events);
            return;
        }
        if (closed) {
            return;
        }
        if ((events & Linux.EPOLLOUT) != 0 && !outbound.isEmpty()) {
            flushNow();
        }
        if ((events & (Linux.EPOLLIN | Linux.EPOLLRDHUP | Linux.EPOLLHUP | Linux.EPOLLERR)) != 0) {
            mayHaveInput = true;
            peerGone |= (events & (Linux.EPOLLRDHUP | Linux.EPOLLHUP | Linux.EPOLLERR)) != 0;
            if (autoRead) {
                readNow();
            } else if ((events & Linux.EPOLLERR) != 0) {
                // Paused, but the socket failed: no later read would report it, so do it now.
                int err = Native.socketError(fd);
                if (err > 0) {
                    closeNow(Errors.newException("read", remote, -err));
                }
            }
        }
    }

    /** Run by the loop's ready queue: continue reading where the budget or a pause stopped. */
    void resumeRead() {
        if (!closed && autoRead && mayHaveInput && !inputShutdown) {
            readNow();
        }
    }

    private void readNow() {
        UnsafeBuffer buf = loop.readBuffer;
        long address = buf.addressOffset();
        int capacity = buf.capacity();
        for (int budget = READ_BUDGET; ; budget--) {
            if (closed || !autoRead || inputShutdown) {
                return;
            }
            if (budget == 0) {
                loop.enqueueReady(this);
                return;
            }
            int n = Native.read(fd, address, capacity);
            if (n > 0) {
                loop.stats.bytesRead += n;
                lastActivity = loop.nanoTime();
                try {
                    handler.onData(this, buf, 0, n);
                } catch (Throwable t) {
                    handlerFailed(t);
                    return;
                }
                // A short read drained the socket; new data raises a new edge. After RDHUP the FIN
                // raises none, so read on until it shows as 0.
                if (n < capacity && !peerGone) {
                    mayHaveInput = false;
                    return;
                }
            } else if (n == 0) {
                mayHaveInput = false;
                onEndOfInput();
                return;
            } else if (n == -Errno.EAGAIN) {
                mayHaveInput = false;
                return;
            } else {
                loop.stats.readErrors++;
                closeNow(Errors.newException("read", remote, n));
                return;
            }
        }
    }

    private void onEndOfInput() {
        inputShutdown = true;
        try {
            handler.onInputShutdown(this);
        } catch (Throwable t) {
            handlerFailed(t);
            return;
        }
        closeIfBothShut();
    }

    // ---- writing ----

    @Override
    public void write(DirectBuffer src, int offset, int length) {
        if (directWriteAllowed()) {
            appendNow(src, offset, length);
        } else {
            byte[] copy = new byte[length];
            src.getBytes(offset, copy);
            submitWrite(copy);
        }
    }

    @Override
    public void write(byte[] src, int offset, int length) {
        if (directWriteAllowed()) {
            if (closed || outputShutdownRequested) {
                return;
            }
            outbound.append(src, offset, length);
            afterAppend();
        } else {
            byte[] copy = new byte[length];
            System.arraycopy(src, offset, copy, 0, length);
            submitWrite(copy);
        }
    }

    @Override
    public void write(ByteBuffer src) {
        if (directWriteAllowed()) {
            if (closed || outputShutdownRequested) {
                return;
            }
            outbound.append(src);
            afterAppend();
        } else {
            byte[] copy = new byte[src.remaining()];
            src.duplicate().get(copy);
            submitWrite(copy);
        }
    }

    private boolean directWriteAllowed() {
        return loop.inEventLoop() && (int) EXTERNAL_WRITES.getVolatile(this) == 0;
    }

    private void appendNow(DirectBuffer src, int offset, int length) {
        if (closed || outputShutdownRequested) {
            return;
        }
        outbound.append(src, offset, length);
        afterAppend();
    }

    private void submitWrite(byte[] copy) {
        EXTERNAL_WRITES.getAndAdd(this, 1);
        loop.execute(() -> {
            try {
                if (!closed && !outputShutdownRequested) {
                    outbound.append(copy, 0, copy.length);
                    afterAppend();
                }
            } finally {
                EXTERNAL_WRITES.getAndAdd(this, -1);
            }
        });
    }

    private void afterAppend() {
        long size = outbound.size();
        pendingBytes = size;
        if (writableState && size > config.highWatermark()) {
            setWritable(false);
        }
    }

    @Override
    public void flush() {
        if (loop.inEventLoop()) {
            flushNow();
        } else {
            loop.execute(flushTask);
        }
    }

    private void flushNow() {
        if (closed || connecting) {
            return;
        }
        while (!outbound.isEmpty()) {
            long described = outbound.fill(loop.iov);
            // One segment goes through send(MSG_NOSIGNAL). writev cannot take that flag; a closed
            // peer then raises SIGPIPE, which the JVM ignores, and the call returns EPIPE either way.
            long n = loop.iov.count() == 1
                    ? Native.send(fd, outbound.firstSegmentAddress(), (int) described, Linux.MSG_NOSIGNAL)
                    : Native.writev(fd, loop.iov.address(), loop.iov.count());
            if (n > 0) {
                outbound.consume(n);
                loop.stats.bytesWritten += n;
                lastActivity = loop.nanoTime();
                if (n < described) {
                    break; // the socket buffer is full; EPOLLOUT brings us back
                }
            } else if (n == -Errno.EAGAIN) {
                break;
            } else {
                loop.stats.writeErrors++;
                closeNow(Errors.newException("write", remote, (int) n));
                return;
            }
        }
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
            }
            if (closeWhenFlushed) {
                closeNow(null);
            }
        }
    }

    private void setWritable(boolean value) {
        writableState = value;
        writable = value;
        try {
            handler.onWritabilityChanged(this, value);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    // ---- closing ----

    @Override
    public void shutdownOutput() {
        runOnLoop(() -> {
            if (closed || outputShutdownRequested) {
                return;
            }
            outputShutdownRequested = true;
            if (outbound.isEmpty()) {
                shutdownOutputNow();
            } else {
                // Queued bytes may never have been flushed, and no EPOLLOUT edge would come for
                // them: push them now; the FIN follows once they are out (see flushNow).
                flushNow();
            }
        });
    }

    private void shutdownOutputNow() {
        outputShutdown = true;
        int r = Native.shutdown(fd, Linux.SHUT_WR);
        if (r < 0 && r != -Errno.ENOTCONN) {
            closeNow(Errors.newException("shutdown", remote, r));
            return;
        }
        closeIfBothShut();
    }

    private void closeIfBothShut() {
        if (inputShutdown && outputShutdown && !closed) {
            closeNow(null);
        }
    }

    /** Graceful server shutdown: close now if nothing is queued, else once the queue drains. */
    void closeWhenIdle() {
        if (closed) {
            return;
        }
        if (outbound.isEmpty() || connecting) {
            closeNow(null);
        } else {
            closeWhenFlushed = true;
            setAutoReadNow(false);
            // As in shutdownOutput: unflushed bytes would otherwise wait for the drain timeout.
            flushNow();
        }
    }

    @Override
    public void close() {
        runOnLoop(() -> closeNow(null));
    }

    @Override
    void failed(Throwable cause) {
        loop.stats.handlerErrors++;
        Logs.quietly(LOG, System.Logger.Level.ERROR, "internal error on " + this + "; closing it", cause);
        closeNow(cause);
    }

    @Override
    void closeForShutdown() {
        closeNow(null);
    }

    private void handlerFailed(Throwable t) {
        loop.stats.handlerErrors++;
        LOG.log(System.Logger.Level.WARNING, "handler of " + this + " threw; closing that connection", t);
        closeNow(t);
    }

    /** Closes now; {@code cause} is null for a requested close. Safe to call more than once. */
    void closeNow(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        boolean wasOpen = open;
        open = false;
        writable = false;
        if (connectTimer != null) {
            connectTimer.cancel();
        }
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        long lost = outbound.discard();
        dropped = lost;
        pendingBytes = 0;
        loop.deregister(this);
        Native.close(fd);
        CompletableFuture<Connection> f = connectFuture;
        connectFuture = null;
        if (f != null) {
            // Never opened: the caller hears of it through the future, the handler not at all.
            f.completeExceptionally(cause != null ? cause : new Errors.Closed("connect " + remote + ": closed before it completed"));
            return;
        }
        if (!wasOpen) {
            return;
        }
        loop.stats.connectionsClosed++;
        if (server != null) {
            server.closed();
        }
        if (cause != null) {
            try {
                handler.onError(this, cause);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "onError of " + this + " threw", t);
            }
        }
        try {
            handler.onClose(this);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "onClose of " + this + " threw", t);
        }
    }

    // ---- idle timeout ----

    private void scheduleIdleCheck(long timeoutNanos) {
        if (timeoutNanos <= 0 || closed) {
            return;
        }
        long due = lastActivity + timeoutNanos - loop.nanoTime();
        idleTimer = loop.schedule(this::checkIdle, Math.max(due, 0), TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        long timeout = config.idleTimeout().toNanos();
        if (closed) {
            return;
        }
        if (System.nanoTime() - lastActivity >= timeout) {
            closeNow(null);
        } else {
            scheduleIdleCheck(timeout);
        }
    }

    // ---- the rest of the API ----

    @Override
    public void setAutoRead(boolean value) {
        runOnLoop(() -> setAutoReadNow(value));
    }

    private void setAutoReadNow(boolean value) {
        if (autoRead == value || closed) {
            return;
        }
        autoRead = value;
        // Edge-triggered: data that came while paused raised its edge already. Re-queue ourselves.
        if (value && mayHaveInput) {
            loop.enqueueReady(this);
        }
    }

    private void runOnLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public InetSocketAddress localAddress() {
        InetSocketAddress a = local;
        if (a == null && open) {
            a = Sockets.localAddress(fd);
            local = a;
        }
        return a;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public long pendingOutboundBytes() {
        return pendingBytes;
    }

    @Override
    public long droppedBytes() {
        return dropped;
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) {
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
                throw new UncheckedIOException(new Errors.Closed("setsockopt " + option + " " + remote + ": connection closed"));
            }
            return;
        }
        try {
            Sockets.setOption(fd, option, value, remote);
        } catch (IOException e) {
            if (throwErrors) {
                throw new UncheckedIOException(e);
            }
            try {
                handler.onError(this, e);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        }
    }

    @Override
    public <T> T getOption(SocketOption<T> option) {
        if (!open) {
            throw new UncheckedIOException(new Errors.Closed("getsockopt " + option + " " + remote + ": connection closed"));
        }
        try {
            return Sockets.getOption(fd, option, remote);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "connection[fd=" + fd + " remote=" + remote + "]";
    }
}

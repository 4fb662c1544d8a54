package io.ringwire.loop;

import io.ringwire.ConnectionHandler;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.ServerConfig.AcceptMode;
import io.ringwire.internal.Native;
import io.ringwire.internal.Sockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * What a server does on every backend: binding its listeners, admitting connections under the
 * limits, spreading them over the loops, and the graceful shutdown. A backend supplies how a
 * listener is attached to and detached from its loop, and how a connection is registered.
 *
 * <p>In {@link AcceptMode#REUSEPORT} mode (the default) there is one listener per loop; with
 * several loops each sets {@code SO_REUSEPORT} and binds the same address, the kernel spreads new
 * connections by a hash of the four-tuple, and a connection stays on the loop that accepted it. In
 * {@link AcceptMode#ACCEPTOR} mode the first loop alone listens and hands each connection to the
 * next loop in turn.
 */
public abstract class AbstractServer<L extends AbstractEventLoop> implements Server, ServerHooks {
    private static final System.Logger LOG = System.getLogger("io.ringwire.server");

    protected final List<L> loops;
    protected final ServerConfig config;
    private final Supplier<? extends ConnectionHandler> handlers;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    private final Admission admission;
    private volatile InetSocketAddress localAddress;
    private volatile boolean closing;
    /** Round-robin position of the ACCEPTOR mode; touched by the accepting loop only. */
    private int nextLoop;

    protected AbstractServer(List<L> loops, ServerConfig config, Supplier<? extends ConnectionHandler> handlers) {
        this.loops = loops;
        this.config = config;
        this.handlers = handlers;
        this.admission = new Admission(config.maxConnections(), config.maxConnectionsPerIp(), config.acceptRate(),
                config.acceptBurst(), loops.get(0).clock());
    }

    /** Registers listener {@code fd} with {@code loop}; runs on that loop's thread. */
    protected abstract void attachListener(L loop, int index, int fd) throws IOException;

    /** Stops and closes the listener of {@code loop}, if it has one; runs on that loop's thread. */
    protected abstract void detachListener(L loop, int index);

    /** Calls {@code action} for every connection of {@code loop}; runs on that loop's thread. */
    protected abstract void forEachConnection(L loop, Consumer<AbstractConnection> action);

    /** Wraps and registers an accepted descriptor with {@code loop}; runs on that loop's thread. */
    protected abstract AbstractConnection register(L loop, int fd, ConnectionHandler handler, InetSocketAddress remote)
            throws IOException;

    /** Binds the listeners and starts accepting; call once, right after construction. */
    protected final void bind(InetSocketAddress address) throws IOException {
        int listenerCount = config.acceptMode() == AcceptMode.REUSEPORT ? loops.size() : 1;
        boolean reusePort = listenerCount > 1;
        int[] fds = new int[listenerCount];
        int opened = 0;
        InetSocketAddress bound = address;
        try {
            for (; opened < fds.length; opened++) {
                fds[opened] = Sockets.openListener(bound, config.listenerOptions(), reusePort, config.backlog());
                if (opened == 0) {
                    // With port 0 the kernel chose one; the other listeners must join that one.
                    bound = Sockets.localAddress(fds[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < opened; i++) {
                Native.close(fds[i]);
            }
            throw e;
        }
        localAddress = bound;
        boolean[] attached = new boolean[fds.length];
        CompletableFuture<?>[] done = new CompletableFuture<?>[fds.length];
        for (int i = 0; i < fds.length; i++) {
            int index = i;
            L loop = loops.get(i);
            done[i] = CompletableFuture.runAsync(() -> {
                try {
                    attachListener(loop, index, fds[index]);
                    attached[index] = true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, loop);
        }
        try {
            CompletableFuture.allOf(done).get();
        } catch (InterruptedException | ExecutionException e) {
            close();
            for (int i = 0; i < fds.length; i++) {
                if (!attached[i]) {
                    Native.close(fds[i]);
                }
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw cause instanceof UncheckedIOException u ? u.getCause() : new IOException("listen " + bound, cause);
        }
    }

    /**
     * A listener accepted {@code fd}: refuse it (limits), or admit it on this loop or the next.
     * A refused connection is closed here and now, before any handler or registration, and
     * counted; it costs the loop one close and other connections nothing.
     */
    public final void accept(L loop, int fd, InetSocketAddress remote) {
        if (!admission.admit(connections, remote.getAddress(), loop.stats())) {
            rejected.incrementAndGet(); // before the close: whoever sees the close sees the count
            Native.close(fd);
            return;
        }
        // The place is taken before closing is read, and shutdown sets closing before it reads
        // the count (both volatile): one of the two sees the other, so no connection slips in
        // after a shutdown has found none left.
        if (closing) {
            Native.close(fd);
            release(remote);
            return;
        }
        L target = loop;
        if (config.acceptMode() == AcceptMode.ACCEPTOR && loops.size() > 1) {
            target = loops.get(nextLoop);
            nextLoop = (nextLoop + 1) % loops.size();
        }
        if (target == loop) {
            admit(loop, fd, remote);
            return;
        }
        L owner = target;
        try {
            owner.execute(() -> admit(owner, fd, remote));
        } catch (RejectedExecutionException stopped) {
            Native.close(fd);
            release(remote);
        }
    }

    /** Applies options, registers the connection with {@code loop} and opens it. That loop's thread. */
    private void admit(L loop, int fd, InetSocketAddress remote) {
        if (closing) {
            Native.close(fd);
            release(remote);
            return;
        }
        AbstractConnection c;
        try {
            Sockets.applyOptions(fd, config.connectionConfig().options(), remote);
            c = register(loop, fd, handlers.get(), remote);
        } catch (IOException | RuntimeException e) {
            Native.close(fd);
            release(remote);
            try {
                LOG.log(System.Logger.Level.WARNING, "refused a connection from " + remote + ": " + e.getMessage());
            } catch (Throwable ignored) {
                // Out of descriptors, logging may fail too; the connection is refused either way.
            }
            return;
        }
        c.established();
    }

    @Override
    public final void connectionClosed(InetSocketAddress remote) {
        release(remote);
    }

    /**
     * Releases an admitted connection's places: its per-IP count, then the global one. Only once
     * its descriptor is closed: whoever sees {@link #connectionCount()} drop (a shutdown, a test
     * counting descriptors) must find the descriptor gone.
     */
    private void release(InetSocketAddress remote) {
        admission.release(remote.getAddress());
        release();
    }

    private void release() {
        if (connections.decrementAndGet() == 0 && closing) {
            allClosed.complete(null);
        }
    }

    @Override
    public final InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public final int connectionCount() {
        return connections.get();
    }

    @Override
    public final long rejectedConnections() {
        return rejected.get();
    }

    @Override
    public final boolean shutdown(Duration drainTimeout) {
        long deadline = System.nanoTime() + Math.max(0, drainTimeout.toNanos());
        beginShutdown();
        return awaitShutdown(deadline);
    }

    /** True once {@link #shutdown} or {@link #close} has begun: the server accepts no more. Any thread. */
    public final boolean isShuttingDown() {
        return closing;
    }

    /**
     * The first half of {@link #shutdown}: stops accepting and asks every connection to close
     * once idle; returns once every loop has done so. Several servers can begin at once and then
     * share one deadline in {@link #awaitShutdown}. Not from a loop thread of this server.
     */
    public final void beginShutdown() {
        onEachLoop((loop, index) -> {
            detachListener(loop, index);
            forEachConnection(loop, c -> {
                if (c.server == this) {
                    c.closeWhenIdle();
                }
            });
        });
        if (connections.get() == 0) {
            allClosed.complete(null);
        }
    }

    /**
     * The second half of {@link #shutdown}: waits until every connection has closed or
     * {@code deadlineNanos} ({@link System#nanoTime()}) has passed, then force-closes what is
     * left; returns true if nothing had to be forced. Blocks, as {@link #shutdown} does.
     */
    public final boolean awaitShutdown(long deadlineNanos) {
        try {
            allClosed.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            forceClose();
            awaitAllClosed();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forceClose();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public final void close() {
        onEachLoop(this::detachListener);
        forceClose();
        awaitAllClosed();
    }

    /**
     * Waits until every connection is released. A backend may release after its last completion
     * (io_uring), so a forced close is not done when forceClose returns; cancelled operations
     * complete within milliseconds, and the bound is only a net.
     */
    private void awaitAllClosed() {
        try {
            allClosed.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "server " + localAddress + ": " + connections.get()
                    + " connection(s) not released 30 s after close", e);
        }
    }

    private void forceClose() {
        onEachLoop((loop, index) -> forEachConnection(loop, c -> {
            if (c.server == this) {
                c.closeNow(null);
            }
        }));
        if (connections.get() == 0) {
            allClosed.complete(null);
        }
    }

    /** Runs {@code action} on every loop and waits; a stopped loop has closed everything already. */
    private void onEachLoop(ObjIntConsumer<L> action) {
        closing = true;
        CompletableFuture<?>[] done = new CompletableFuture<?>[loops.size()];
        for (int i = 0; i < done.length; i++) {
            L loop = loops.get(i);
            int index = i;
            try {
                done[i] = CompletableFuture.runAsync(() -> action.accept(loop, index), loop);
            } catch (RejectedExecutionException stopped) {
                done[i] = CompletableFuture.completedFuture(null);
            }
        }
        try {
            CompletableFuture.allOf(done).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "server " + localAddress + ": a loop did not finish closing", e);
        }
    }
}

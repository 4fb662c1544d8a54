package io.ringwire.epoll;

import io.ringwire.ConnectionHandler;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.ServerConfig.AcceptMode;
import io.ringwire.SocketOption;
import io.ringwire.internal.Native;
import io.ringwire.internal.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A server over epoll. In {@link AcceptMode#REUSEPORT} mode (the default) there is one listener
 * per loop; with several loops each sets {@code SO_REUSEPORT} and binds the same address, the
 * kernel spreads new connections by a hash of the four-tuple, and a connection stays on the loop
 * that accepted it. In {@link AcceptMode#ACCEPTOR} mode the first loop alone listens and hands
 * each connection to the next loop in turn.
 */
public final class EpollServer implements Server {
    private static final System.Logger LOG = System.getLogger("io.ringwire.server");

    private final List<EpollEventLoop> loops;
    private final EpollListener[] listeners;
    private final InetSocketAddress localAddress;
    private final ServerConfig config;
    private final Supplier<? extends ConnectionHandler> handlers;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();
    /** Round-robin position of the ACCEPTOR mode; touched by the accepting loop only. */
    private int nextLoop;
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    private volatile boolean closing;

    private EpollServer(List<EpollEventLoop> loops, InetSocketAddress localAddress, ServerConfig config,
                        Supplier<? extends ConnectionHandler> handlers) {
        this.loops = loops;
        this.listeners = new EpollListener[loops.size()];
        this.localAddress = localAddress;
        this.config = config;
        this.handlers = handlers;
    }

    /** Binds one listener per loop and starts accepting. */
    public static EpollServer bind(List<EpollEventLoop> loops, InetSocketAddress address, ServerConfig config,
                                   Supplier<? extends ConnectionHandler> handlers) throws IOException {
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
        EpollServer server = new EpollServer(loops, bound, config, handlers);
        CompletableFuture<?>[] registered = new CompletableFuture<?>[fds.length];
        for (int i = 0; i < fds.length; i++) {
            int index = i;
            EpollEventLoop loop = loops.get(i);
            registered[i] = CompletableFuture.runAsync(() -> {
                try {
                    server.listeners[index] = EpollListener.open(loop, server, fds[index]);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, loop);
        }
        try {
            CompletableFuture.allOf(registered).get();
        } catch (InterruptedException | ExecutionException e) {
            server.close();
            for (int i = 0; i < fds.length; i++) {
                if (server.listeners[i] == null) {
                    Native.close(fds[i]);
                }
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw cause instanceof java.io.UncheckedIOException u ? u.getCause() : new IOException("listen " + bound, cause);
        }
        return server;
    }

    /** A listener accepted {@code fd}: refuse it (limits), or admit it on this loop or the next. */
    void accept(EpollEventLoop loop, int fd, InetSocketAddress remote) {
        int max = config.maxConnections();
        int now = connections.incrementAndGet();
        if (closing || (max > 0 && now > max)) {
            release();
            Native.close(fd);
            if (!closing) {
                rejected.incrementAndGet();
                loop.stats.connectionsRejected++;
            }
            return;
        }
        EpollEventLoop target = loop;
        if (config.acceptMode() == AcceptMode.ACCEPTOR && loops.size() > 1) {
            target = loops.get(nextLoop);
            nextLoop = (nextLoop + 1) % loops.size();
        }
        if (target == loop) {
            admit(loop, fd, remote);
            return;
        }
        EpollEventLoop owner = target;
        try {
            owner.execute(() -> admit(owner, fd, remote));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            release();
            Native.close(fd);
        }
    }

    /** Applies options, registers the connection with {@code loop} and opens it. That loop's thread. */
    private void admit(EpollEventLoop loop, int fd, InetSocketAddress remote) {
        if (closing) {
            release();
            Native.close(fd);
            return;
        }
        EpollConnection c;
        try {
            for (Map.Entry<SocketOption<?>, Object> e : config.connectionConfig().options().entrySet()) {
                setUnchecked(fd, e.getKey(), e.getValue(), remote);
            }
            c = loop.newConnection(fd, handlers.get(), config.connectionConfig(), this, remote);
        } catch (IOException | RuntimeException e) {
            release();
            Native.close(fd);
            Logs.quietly(LOG, System.Logger.Level.WARNING, "refused a connection from " + remote + ": " + e.getMessage(), null);
            return;
        }
        c.established();
    }

    @SuppressWarnings("unchecked")
    private static <T> void setUnchecked(int fd, SocketOption<T> option, Object value, Object remote) throws IOException {
        Sockets.setOption(fd, option, (T) value, remote);
    }

    /** A connection of this server closed. Any thread. */
    void closed() {
        release();
    }

    private void release() {
        if (connections.decrementAndGet() == 0 && closing) {
            allClosed.complete(null);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public int connectionCount() {
        return connections.get();
    }

    @Override
    public long rejectedConnections() {
        return rejected.get();
    }

    @Override
    public boolean shutdown(Duration drainTimeout) {
        onEachLoop(loop -> {
            closeListener(loop);
            loop.forEachConnection(c -> {
                if (c.server == this) {
                    c.closeWhenIdle();
                }
            });
        });
        if (connections.get() == 0) {
            allClosed.complete(null);
        }
        try {
            allClosed.get(Math.max(0, drainTimeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            forceClose();
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
    public void close() {
        onEachLoop(this::closeListener);
        forceClose();
    }

    private void forceClose() {
        onEachLoop(loop -> loop.forEachConnection(c -> {
            if (c.server == this) {
                c.closeNow(null);
            }
        }));
        if (connections.get() == 0) {
            allClosed.complete(null);
        }
    }

    private void closeListener(EpollEventLoop loop) {
        closing = true;
        EpollListener l = listeners[loops.indexOf(loop)];
        if (l != null) {
            l.close();
        }
    }

    /** Runs {@code action} on every loop and waits; a stopped loop has closed everything already. */
    private void onEachLoop(Consumer<EpollEventLoop> action) {
        closing = true;
        CompletableFuture<?>[] done = new CompletableFuture<?>[loops.size()];
        for (int i = 0; i < done.length; i++) {
            EpollEventLoop loop = loops.get(i);
            try {
                done[i] = CompletableFuture.runAsync(() -> action.accept(loop), loop);
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

package io.ringwire;

import io.ringwire.epoll.EpollEventLoop;
import io.ringwire.epoll.EpollServer;
import io.ringwire.loop.AbstractEventLoop;
import io.ringwire.loop.AbstractServer;
import io.ringwire.loop.LoopStats;
import io.ringwire.uring.UringEventLoop;
import io.ringwire.uring.UringServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A fixed set of event loops, one thread each, and the entry point of the library.
 *
 * <pre>{@code
 * try (EventLoopGroup group = EventLoopGroup.builder().threads(2).build()) {
 *     Server server = group.listen(new InetSocketAddress("127.0.0.1", 7000), ServerConfig.defaults(),
 *             () -> (conn, data, offset, length) -> conn.writeAndFlush(data, offset, length));
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops every loop, closes every connection and listener of the
 * group, and releases all descriptors and native memory; it must not be called from a loop thread.
 */
public final class EventLoopGroup implements AutoCloseable {
    /** Used by {@link #connect(InetSocketAddress, ConnectionHandler)}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final Backend backend;
    private final List<AbstractEventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();
    /** The servers of this group not yet shut down, for {@link #shutdownGracefully}. */
    private final java.util.Set<AbstractServer<?>> servers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private EventLoopGroup(Backend backend, List<AbstractEventLoop> loops) {
        this.backend = backend;
        this.loops = List.copyOf(loops);
    }

    /** A group of {@code threads} blocking loops on the best backend available. */
    public static EventLoopGroup create(int threads) throws IOException {
        return builder().threads(threads).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The backend in use; never {@link Backend#AUTO}. */
    public Backend backend() {
        return backend;
    }

    public int size() {
        return loops.size();
    }

    /** The loops, in order; for running work or for tests. */
    public List<? extends EventLoop> loops() {
        return loops;
    }

    /** The next loop, round-robin: where the next client connection goes. */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /**
     * Binds {@code address} and starts accepting. Each accepted connection gets a handler from
     * {@code handlers}, called on the loop that will own the connection (return a shared instance
     * if the handler keeps no state). The server is ready when this returns.
     */
    public Server listen(InetSocketAddress address, ServerConfig config,
                         Supplier<? extends ConnectionHandler> handlers) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handlers, "handlers");
        AbstractServer<?> server = switch (backend) {
            case IO_URING -> UringServer.bind(typed(UringEventLoop.class), address, config, handlers);
            default -> EpollServer.bind(typed(EpollEventLoop.class), address, config, handlers);
        };
        servers.removeIf(AbstractServer::isShuttingDown); // so that a group that binds and closes servers for ever holds only the live ones
        servers.add(server);
        return server;
    }

    private <L extends AbstractEventLoop> List<L> typed(Class<L> type) {
        return loops.stream().map(type::cast).toList();
    }

    /** {@link #connect(InetSocketAddress, ConnectionHandler, ConnectionConfig, Duration)} with defaults. */
    public CompletableFuture<Connection> connect(InetSocketAddress remote, ConnectionHandler handler) {
        return connect(remote, handler, ConnectionConfig.defaults(), DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * Connects without blocking. The future completes on the chosen loop's thread, after
     * {@link ConnectionHandler#onOpen}, or fails with a {@link java.net.ConnectException} (refused),
     * a {@link java.net.SocketTimeoutException} (no answer within {@code timeout}; zero means
     * wait for the kernel's own timeout), or another {@link IOException}. Do not block on it from a
     * loop thread.
     */
    public CompletableFuture<Connection> connect(InetSocketAddress remote, ConnectionHandler handler,
                                                 ConnectionConfig config, Duration timeout) {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(config, "config");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("connect timeout must not be negative: " + timeout);
        }
        AbstractEventLoop loop = (AbstractEventLoop) next();
        return loop.connect(remote, handler, config, timeout);
    }

    /** Counters summed over the loops. */
    public TransportStats stats() {
        long opened = 0, closed = 0, in = 0, out = 0, readErr = 0, writeErr = 0, handlerErr = 0, acceptErr = 0,
                rejected = 0, wakeups = 0, perIp = 0, byRate = 0, sendfile = 0, splice = 0;
        for (AbstractEventLoop l : loops) {
            LoopStats s = l.stats();
            opened += s.connectionsOpened();
            closed += s.connectionsClosed();
            in += s.bytesRead();
            out += s.bytesWritten();
            readErr += s.readErrors();
            writeErr += s.writeErrors();
            handlerErr += s.handlerErrors();
            acceptErr += s.acceptErrors();
            rejected += s.connectionsRejected();
            wakeups += s.wakeups();
            perIp += s.rejectedPerIp();
            byRate += s.rejectedByRate();
            sendfile += s.sendfileBytes();
            splice += s.spliceBytes();
        }
        return new TransportStats(loops.size(), opened, closed, in, out, readErr, writeErr, handlerErr, acceptErr,
                rejected, wakeups, perIp, byRate, sendfile, splice);
    }

    /**
     * Shuts the whole group down gracefully: every server of the group stops accepting and drains
     * as {@link Server#shutdown} does, all at once and within the one {@code drainTimeout}; then
     * the loops stop as with {@link #close()}, closing whatever is left (client connections, and
     * server connections forced at the deadline). When it returns every descriptor of the group
     * is closed and all its native memory released. Returns true if no server connection had to
     * be forced. Blocks; must not be called from a loop thread of this group.
     */
    public boolean shutdownGracefully(Duration drainTimeout) {
        checkNotOnLoop("shutdownGracefully");
        long deadline = System.nanoTime() + Math.max(0, drainTimeout.toNanos());
        List<AbstractServer<?>> draining = List.copyOf(servers);
        draining.forEach(AbstractServer::beginShutdown);
        boolean clean = true;
        for (AbstractServer<?> s : draining) {
            clean &= s.awaitShutdown(deadline);
        }
        close();
        return clean;
    }

    private void checkNotOnLoop(String what) {
        for (AbstractEventLoop l : loops) {
            if (l.inEventLoop()) {
                throw new IllegalStateException("EventLoopGroup." + what + "() called from its own loop thread " + l.name());
            }
        }
    }

    /** Stops every loop; connections are closed at once. Blocks until every loop thread has finished. */
    @Override
    public void close() {
        checkNotOnLoop("close");
        loops.forEach(AbstractEventLoop::stop);
        boolean interrupted = false;
        for (AbstractEventLoop l : loops) {
            while (true) {
                try {
                    if (l.awaitTermination(1, TimeUnit.MINUTES)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public static final class Builder {
        private Backend backend = Backend.AUTO;
        private int threads = 1;
        private WaitStrategy waitStrategy = WaitStrategy.BLOCKING;
        private String name = "ringwire";
        private io.ringwire.loop.NanoClock clock = io.ringwire.loop.NanoClock.SYSTEM;

        private Builder() {
        }

        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1: " + threads);
            }
            this.threads = threads;
            return this;
        }

        public Builder waitStrategy(WaitStrategy waitStrategy) {
            this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
            return this;
        }

        /** Thread names are {@code name-epoll-0}, {@code name-epoll-1}, and so on. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * The clock that every loop's timers run on: {@link EventLoop#schedule}, read and write
         * deadlines, idle and connect timeouts, the accept rate limit, heartbeats, and the
         * re-checks of a draining connection's lingering close. The default is
         * {@link io.ringwire.loop.NanoClock#SYSTEM}.
         *
         * <p>For tests: with a fake clock, a timer fires only once the test has moved the clock
         * past its deadline and the loop has looked at it again (submit a task to wake it), so
         * "extended, did not fire" becomes exact instead of a race with wall time. A loop still
         * waits for I/O in real time, for as long as the fake clock says its next timer is away.
         * The clock must be thread-safe and never go backwards.
         */
        public Builder clock(io.ringwire.loop.NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Starts the loops.
         *
         * @throws BackendUnavailableException if the chosen backend cannot run here
         * @throws IOException if the kernel refuses an epoll set or an eventfd
         */
        public EventLoopGroup build() throws IOException {
            Backend resolved = backend.resolve();
            List<AbstractEventLoop> loops = new ArrayList<>(threads);
            try {
                for (int i = 0; i < threads; i++) {
                    String loopName = name + "-" + resolved.cliName() + "-" + i;
                    loops.add(resolved == Backend.IO_URING
                            ? new UringEventLoop(loopName, waitStrategy, clock)
                            : new EpollEventLoop(loopName, waitStrategy, clock));
                }
            } catch (IOException | RuntimeException e) {
                loops.forEach(AbstractEventLoop::stop);
                throw e;
            }
            return new EventLoopGroup(resolved, loops);
        }
    }
}

package io.ringwire.splice;

import io.ringwire.EventLoop;
import io.ringwire.EventLoop.Cancellable;
import io.ringwire.EventLoopGroup;
import io.ringwire.SocketOption;
import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Native;
import io.ringwire.internal.SockAddr;
import io.ringwire.internal.Sockets;
import io.ringwire.loop.AbstractEventLoop;
import io.ringwire.loop.FdWatcher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy: every connection accepted on {@code listen} is joined to a new connection to
 * {@code backend} by a {@link SpliceRelay}, so the bytes never enter Java.
 *
 * <p>Sockets here are raw descriptors, never {@link io.ringwire.Connection}s: a connection's
 * reads (on io_uring a multishot recv into provided buffers) would take bytes the relay must
 * splice. Each loop of the group has its own {@code SO_REUSEPORT} listener and runs the relays it
 * accepts, so a relay stays on one thread from accept to close.
 *
 * <p>Thread-safe: {@link #shutdown} and the counters may be used from any thread.
 */
public final class SpliceProxy implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.ringwire.splice");
    private static final int ACCEPT_BUDGET = 64;
    private static final Map<SocketOption<?>, Object> LISTENER_OPTIONS = Map.of(SocketOption.SO_REUSEADDR, Boolean.TRUE);
    private static final Map<SocketOption<?>, Object> SOCKET_OPTIONS = Map.of(SocketOption.TCP_NODELAY, Boolean.TRUE);

    /**
     * @param pipeSize       bytes per pipe, two pipes per relay ({@code F_SETPIPE_SZ}); 0 for the kernel's default, 64 KiB
     * @param idleTimeout    ends a relay that moved nothing for this long; zero for never
     * @param maxConnections relays (with their backend connects) held at once; 0 for no limit. One
     *                       over the limit is closed at once
     * @param connectTimeout how long a backend connect may take
     * @param backlog        listen backlog
     */
    public record Config(int pipeSize, Duration idleTimeout, int maxConnections, Duration connectTimeout, int backlog) {
        public Config {
            if (pipeSize < 0 || maxConnections < 0 || backlog < 1) {
                throw new IllegalArgumentException("pipeSize, maxConnections >= 0 and backlog >= 1: " + pipeSize + ", "
                        + maxConnections + ", " + backlog);
            }
        }

        public static Config defaults() {
            return new Config(0, Duration.ZERO, 0, Duration.ofSeconds(10), 1024);
        }

        public Config withPipeSize(int bytes) {
            return new Config(bytes, idleTimeout, maxConnections, connectTimeout, backlog);
        }

        public Config withIdleTimeout(Duration d) {
            return new Config(pipeSize, d, maxConnections, connectTimeout, backlog);
        }

        public Config withMaxConnections(int n) {
            return new Config(pipeSize, idleTimeout, n, connectTimeout, backlog);
        }
    }

    private final InetSocketAddress backend;
    private final Config config;
    private final List<OnLoop> perLoop = new ArrayList<>();
    private final InetSocketAddress localAddress;
    /** Accepted connections not yet ended: connecting to the backend or relaying. */
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failedConnects = new AtomicLong();
    private final Object drained = new Object();

    private SpliceProxy(InetSocketAddress backend, Config config, InetSocketAddress localAddress) {
        this.backend = backend;
        this.config = config;
        this.localAddress = localAddress;
    }

    /**
     * Listens on {@code listen} on every loop of {@code group} (epoll or io_uring) and relays each
     * accepted connection to {@code backend}. The group must outlive the proxy.
     *
     * @throws IOException if a listener cannot be opened (the address is taken, say)
     */
    public static SpliceProxy start(EventLoopGroup group, InetSocketAddress listen, InetSocketAddress backend,
                                    Config config) throws IOException {
        List<? extends EventLoop> loops = group.loops();
        int[] fds = new int[loops.size()];
        int opened = 0;
        InetSocketAddress bound = listen;
        try {
            for (; opened < fds.length; opened++) {
                fds[opened] = Sockets.openListener(bound, LISTENER_OPTIONS, true, config.backlog());
                if (opened == 0) {
                    bound = Sockets.localAddress(fds[0]); // port 0: the others join the port chosen
                }
            }
        } catch (IOException e) {
            for (int i = 0; i < opened; i++) {
                Native.close(fds[i]);
            }
            throw e;
        }
        SpliceProxy proxy = new SpliceProxy(backend, config, bound);
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int i = 0; i < fds.length; i++) {
            OnLoop l = proxy.new OnLoop((AbstractEventLoop) loops.get(i), fds[i]);
            proxy.perLoop.add(l);
            CompletableFuture<Void> f = new CompletableFuture<>();
            started.add(f);
            l.loop.execute(() -> {
                try {
                    l.startListening();
                    f.complete(null);
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        }
        try {
            CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0])).join();
        } catch (RuntimeException e) {
            proxy.shutdown(Duration.ZERO);
            throw new IOException("proxy: a loop could not start listening: " + e.getCause(), e.getCause());
        }
        return proxy;
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Accepted connections that have not ended: connecting to the backend, or relaying. */
    public int activeCount() {
        return active.get();
    }

    public long acceptedCount() {
        return accepted.get();
    }

    /** Connections closed at once because {@link Config#maxConnections()} was reached. */
    public long refusedCount() {
        return refused.get();
    }

    /** Backend connects that failed or timed out; their client connections were closed. */
    public long failedConnectCount() {
        return failedConnects.get();
    }

    /**
     * Stops accepting, lets relays end on their own for at most {@code drain}, then resets the rest.
     * Returns true if every relay had ended within the drain time. Blocks the caller; never call it
     * from a loop thread.
     */
    public boolean shutdown(Duration drain) {
        for (OnLoop l : perLoop) {
            runOn(l, l::stopListening);
        }
        boolean clean = awaitDrained(drain.toNanos());
        if (!clean) {
            for (OnLoop l : perLoop) {
                runOn(l, l::abortAll);
            }
            awaitDrained(TimeUnit.SECONDS.toNanos(5));
        }
        return clean;
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    /**
     * Readiness reports handled by every relay so far, summed on each loop's thread: a relay at
     * rest handles none, so a count that keeps climbing while nothing moves is a spin. Blocks the
     * caller until each loop has answered; never call it from a loop thread.
     */
    public long readyReports() {
        long sum = 0;
        for (OnLoop l : perLoop) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            l.loop.execute(() -> f.complete(l.reportsOfEnded + l.relays.stream().mapToLong(SpliceRelay::readyReports).sum()));
            sum += f.join();
        }
        return sum;
    }

    private static void runOn(OnLoop l, Runnable r) {
        try {
            l.loop.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // A stopped loop closed everything it watched (onLoopShutdown).
        }
    }

    private boolean awaitDrained(long nanos) {
        long deadline = System.nanoTime() + nanos;
        synchronized (drained) {
            while (active.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return active.get() == 0;
                }
            }
            return true;
        }
    }

    private void ended() {
        if (active.decrementAndGet() == 0) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** One loop's listener, and the relays and connects it started. Confined to that loop's thread. */
    private final class OnLoop implements FdWatcher.Listener {
        final AbstractEventLoop loop;
        final int listenFd;
        private FdWatcher.Watch watch;
        private boolean listening;
        private final Set<SpliceRelay> relays = new HashSet<>();
        private long reportsOfEnded;
        private final Set<PendingConnect> connecting = new HashSet<>();
        private final Runnable acceptTask = this::acceptAll;

        OnLoop(AbstractEventLoop loop, int listenFd) {
            this.loop = loop;
            this.listenFd = listenFd;
        }

        void startListening() throws IOException {
            watch = ((FdWatcher) loop).watch(listenFd, this);
            listening = true;
            acceptAll();
        }

        void stopListening() {
            if (listening) {
                listening = false;
                watch.cancel();
                Native.close(listenFd);
            } else if (watch == null) {
                Native.close(listenFd); // never started
                watch = FdWatcherClosed.INSTANCE;
            }
        }

        void abortAll() {
            for (PendingConnect p : new ArrayList<>(connecting)) {
                p.fail(new Errors.Closed("proxy: shutting down"));
            }
            for (SpliceRelay r : new ArrayList<>(relays)) {
                r.abort(new Errors.Closed("proxy: drain timeout reached"));
            }
        }

        @Override
        public void onReady(int ready) {
            acceptAll();
        }

        @Override
        public void onLoopShutdown() {
            stopListening();
            abortAll();
        }

        private void acceptAll() {
            for (int i = 0; i < ACCEPT_BUDGET; i++) {
                if (!listening) {
                    return;
                }
                int fd = Native.accept(listenFd, 0, 0);
                if (fd >= 0) {
                    accepted(fd);
                    continue;
                }
                if (fd == -Errno.EAGAIN) {
                    watch.request(FdWatcher.READABLE);
                    return;
                }
                if (fd == -Errno.ECONNABORTED || fd == -Errno.EINTR) {
                    continue;
                }
                // Out of descriptors or memory: try again shortly rather than spin on a ready listener.
                LOG.log(System.Logger.Level.WARNING, Errors.describe("proxy accept", localAddress, -fd) + "; retrying in 100 ms");
                loop.schedule(acceptTask, 100, TimeUnit.MILLISECONDS);
                return;
            }
            loop.execute(acceptTask); // budget used up: let the loop's other work run first
        }

        private void accepted(int clientFd) {
            accepted.incrementAndGet();
            int max = config.maxConnections();
            if (max > 0 && active.get() >= max) {
                refused.incrementAndGet();
                Native.close(clientFd);
                return;
            }
            active.incrementAndGet();
            int backendFd;
            try {
                Sockets.setOption(clientFd, SocketOption.TCP_NODELAY, Boolean.TRUE, null);
                backendFd = Sockets.openClient(backend, SOCKET_OPTIONS);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "proxy: cannot open a backend socket: " + e.getMessage());
                failedConnects.incrementAndGet();
                Native.close(clientFd);
                ended();
                return;
            }
            int r = Sockets.startConnect(backendFd, backend);
            if (r == 0) {
                startRelay(clientFd, backendFd);
            } else if (r == -Errno.EINPROGRESS || r == -Errno.EINTR) {
                new PendingConnect(this, clientFd, backendFd).begin();
            } else {
                failedConnects.incrementAndGet();
                LOG.log(System.Logger.Level.DEBUG, () -> Errors.describe("proxy connect", backend, -r));
                Native.close(backendFd);
                Native.close(clientFd);
                ended();
            }
        }

        void startRelay(int clientFd, int backendFd) {
            try {
                SpliceRelay relay = SpliceRelay.start(loop, clientFd, backendFd, config.pipeSize(),
                        config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS, this::relayEnded);
                if (!relay.isEnded()) {
                    relays.add(relay);
                }
            } catch (IOException e) {
                // The relay closed both descriptors; say why once per failure, it is rare (no pipes left).
                LOG.log(System.Logger.Level.WARNING, "proxy: cannot start a relay: " + e.getMessage());
                ended();
            }
        }

        private void relayEnded(SpliceRelay relay) {
            relays.remove(relay);
            reportsOfEnded += relay.readyReports();
            Throwable cause = relay.cause();
            if (cause != null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "proxy: relay ended: " + cause.getMessage());
            }
            ended();
        }
    }

    /** A backend connect in progress, with the client's descriptor held until it is decided. Loop thread only. */
    private final class PendingConnect implements FdWatcher.Listener {
        private final OnLoop owner;
        private final int clientFd;
        private final int backendFd;
        private FdWatcher.Watch watch;
        private Cancellable timer;
        private boolean done;

        PendingConnect(OnLoop owner, int clientFd, int backendFd) {
            this.owner = owner;
            this.clientFd = clientFd;
            this.backendFd = backendFd;
        }

        void begin() {
            try {
                watch = ((FdWatcher) owner.loop).watch(backendFd, this);
            } catch (IOException e) {
                done = true;
                close(e);
                return;
            }
            owner.connecting.add(this);
            watch.request(FdWatcher.WRITABLE);
            timer = owner.loop.schedule(() -> fail(new Errors.TimedOut("connect " + SockAddr.format(backend)
                    + ": timed out", Errno.ETIMEDOUT, "connect")), config.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void onReady(int ready) {
            if (done) {
                return;
            }
            int err = Native.socketError(backendFd);
            if (err > 0) {
                fail(Errors.newException("connect", backend, -err));
            } else if ((ready & FdWatcher.WRITABLE) != 0 && err == 0) {
                finish();
                owner.startRelay(clientFd, backendFd);
            } else {
                watch.request(FdWatcher.WRITABLE); // spurious: the outcome comes as another report
            }
        }

        @Override
        public void onLoopShutdown() {
            fail(new Errors.Closed("proxy: the event loop is stopping"));
        }

        void fail(IOException cause) {
            if (done) {
                return;
            }
            finish();
            close(cause);
        }

        private void finish() {
            done = true;
            owner.connecting.remove(this);
            if (timer != null) {
                timer.cancel();
            }
            watch.cancel();
        }

        private void close(IOException cause) {
            failedConnects.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "proxy: " + cause.getMessage());
            Native.close(backendFd);
            Native.close(clientFd);
            ended();
        }
    }

    /** Marks a listener that was closed before it was ever watched. */
    private enum FdWatcherClosed implements FdWatcher.Watch {
        INSTANCE;

        @Override
        public void request(int interest) {
        }

        @Override
        public void cancel() {
        }
    }
}

package io.ringwire.splice;

import io.ringwire.ConnectionConfig;
import io.ringwire.EventLoop;
import io.ringwire.EventLoop.Cancellable;
import io.ringwire.EventLoopGroup;
import io.ringwire.Keepalive;
import io.ringwire.SocketOption;
import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Native;
import io.ringwire.internal.SockAddr;
import io.ringwire.internal.Sockets;
import io.ringwire.internal.Sysctl;
import io.ringwire.loop.AbstractEventLoop;
import io.ringwire.loop.Admission;
import io.ringwire.loop.FdWatcher;
import io.ringwire.loop.NanoClock;
import java.io.IOException;
import java.net.InetAddress;
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
import org.agrona.concurrent.UnsafeBuffer;

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

    /**
     * @param pipeSize       bytes per pipe, two pipes per relay ({@code F_SETPIPE_SZ}); 0 for the kernel's default, 64 KiB
     * @param idleTimeout    ends a relay that moved nothing for this long; zero for never
     * @param maxConnections relays (with their backend connects) held at once; 0 for no limit. One
     *                       over the limit is closed at once
     * @param connectTimeout how long a backend connect may take
     * @param backlog        listen backlog
     * @param maxConnectionsPerIp relays held at once from one client IP address; 0 for no limit.
     *                       One over the limit is closed at once ({@link Admission}, as by a server)
     * @param acceptRate     new connections admitted per second across the listeners, 0 for no
     *                       limit; one over the rate is closed at once
     * @param acceptBurst    connections the accept rate admits at once after a quiet spell
     * @param keepalive      TCP keepalive and user timeout set on both sockets of every relay, as
     *                       {@link ConnectionConfig.Builder#keepalive} sets them on a connection; null for none
     */
    public record Config(int pipeSize, Duration idleTimeout, int maxConnections, Duration connectTimeout, int backlog,
                         int maxConnectionsPerIp, double acceptRate, int acceptBurst, Keepalive keepalive) {
        public Config {
            if (pipeSize < 0 || maxConnections < 0 || backlog < 1 || maxConnectionsPerIp < 0) {
                throw new IllegalArgumentException("pipeSize, maxConnections, maxConnectionsPerIp >= 0 and backlog >= 1: "
                        + pipeSize + ", " + maxConnections + ", " + maxConnectionsPerIp + ", " + backlog);
            }
            if (!(acceptRate >= 0) || Double.isInfinite(acceptRate) || acceptBurst < 1) {
                throw new IllegalArgumentException("accept rate >= 0 per second and burst >= 1: " + acceptRate + ", " + acceptBurst);
            }
        }

        public Config(int pipeSize, Duration idleTimeout, int maxConnections, Duration connectTimeout, int backlog) {
            this(pipeSize, idleTimeout, maxConnections, connectTimeout, backlog, 0, 0, 1, null);
        }

        public static Config defaults() {
            return new Config(0, Duration.ZERO, 0, Duration.ofSeconds(10), 1024);
        }

        public Config withPipeSize(int bytes) {
            return new Config(bytes, idleTimeout, maxConnections, connectTimeout, backlog, maxConnectionsPerIp,
                    acceptRate, acceptBurst, keepalive);
        }

        public Config withIdleTimeout(Duration d) {
            return new Config(pipeSize, d, maxConnections, connectTimeout, backlog, maxConnectionsPerIp,
                    acceptRate, acceptBurst, keepalive);
        }

        public Config withMaxConnections(int n) {
            return new Config(pipeSize, idleTimeout, n, connectTimeout, backlog, maxConnectionsPerIp,
                    acceptRate, acceptBurst, keepalive);
        }

        public Config withMaxConnectionsPerIp(int n) {
            return new Config(pipeSize, idleTimeout, maxConnections, connectTimeout, backlog, n,
                    acceptRate, acceptBurst, keepalive);
        }

        /** At most {@code perSecond} new connections a second, {@code burst} at once; 0 turns it off. */
        public Config withAcceptRate(double perSecond, int burst) {
            return new Config(pipeSize, idleTimeout, maxConnections, connectTimeout, backlog, maxConnectionsPerIp,
                    perSecond, burst, keepalive);
        }

        /** Keepalive on both sockets of every relay; null for none. */
        public Config withKeepalive(Keepalive k) {
            return new Config(pipeSize, idleTimeout, maxConnections, connectTimeout, backlog, maxConnectionsPerIp,
                    acceptRate, acceptBurst, k);
        }

        /** The options set on both sockets of a relay: TCP_NODELAY, and the keepalive's if any. */
        Map<SocketOption<?>, Object> socketOptions() {
            ConnectionConfig.Builder b = ConnectionConfig.builder();
            if (keepalive != null) {
                b.keepalive(keepalive);
            }
            return b.build().options();
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
    private final Admission admission;
    private final Map<SocketOption<?>, Object> socketOptions;
    private final AtomicLong failedConnects = new AtomicLong();
    private final AtomicLong pipeSizeRefused = new AtomicLong();
    private final Object drained = new Object();

    private SpliceProxy(InetSocketAddress backend, Config config, InetSocketAddress localAddress, NanoClock clock) {
        this.backend = backend;
        this.config = config;
        this.localAddress = localAddress;
        this.admission = new Admission(config.maxConnections(), config.maxConnectionsPerIp(), config.acceptRate(),
                config.acceptBurst(), clock);
        this.socketOptions = config.socketOptions();
    }

    /**
     * Listens on {@code listen} on every loop of {@code group} (epoll or io_uring) and relays each
     * accepted connection to {@code backend}. The group must outlive the proxy. The pipe size is
     * checked first ({@link #checkPipeSize}).
     *
     * @throws IOException if a listener cannot be opened (the address is taken, say)
     * @throws IllegalArgumentException if the kernel refuses the configured pipe size
     */
    public static SpliceProxy start(EventLoopGroup group, InetSocketAddress listen, InetSocketAddress backend,
                                    Config config) throws IOException {
        checkPipeSize(config.pipeSize());
        return startUnchecked(group, listen, backend, config);
    }

    /**
     * Makes and closes one pipe of {@code bytes} ({@code F_SETPIPE_SZ}), so that a size the kernel
     * refuses is an error at start-up, not a refused connection, every one, later. Without
     * CAP_SYS_RESOURCE the kernel refuses more than {@code /proc/sys/fs/pipe-max-size} (1 MiB by
     * default) with EPERM. 0 (the kernel's default size) is always fine. Any thread.
     *
     * @throws IllegalArgumentException if the kernel refuses the size, saying why
     */
    public static void checkPipeSize(int bytes) {
        if (bytes == 0) {
            return;
        }
        try (Pipe probe = Pipe.open(bytes)) {
            // Granted: relays get the same, unless the per-user quota runs out (see Pipe.openForRelay).
        } catch (IOException e) {
            String max = Sysctl.read("fs/pipe-max-size");
            max = max == null ? "" : " (" + max + " bytes here)";
            throw new IllegalArgumentException(bytes + " bytes per pipe refused by the kernel: " + e.getMessage()
                    + "; over /proc/sys/fs/pipe-max-size" + max + " it needs CAP_SYS_RESOURCE", e);
        }
    }

    /** {@link #start} without the pipe-size check: tests use it to meet a size refused at run time. */
    static SpliceProxy startUnchecked(EventLoopGroup group, InetSocketAddress listen, InetSocketAddress backend,
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
        SpliceProxy proxy = new SpliceProxy(backend, config, bound, ((AbstractEventLoop) loops.get(0)).clock());
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

    /**
     * Connections closed at once by a limit: {@link Config#maxConnections()}, the per-IP limit or
     * the accept rate. Also counted, by limit, in the loops' stats ({@link EventLoopGroup#stats}),
     * as a server's refusals are.
     */
    public long refusedCount() {
        return refused.get();
    }

    /** Backend connects that failed or timed out; their client connections were closed. */
    public long failedConnectCount() {
        return failedConnects.get();
    }

    /**
     * Relays whose pipes kept the kernel's size because {@code F_SETPIPE_SZ} was refused while
     * running: the per-user quota of pipe memory is used up ({@code /proc/sys/fs/pipe-user-pages-soft},
     * 64 MiB per user by default, for users without CAP_SYS_RESOURCE or CAP_SYS_ADMIN). They relay
     * all the same; the first one is logged, once per proxy.
     */
    public long pipeSizeRefusedCount() {
        return pipeSizeRefused.get();
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

    /** A connection admitted by {@link OnLoop#accepted} has ended: give back its places. */
    private void ended(InetAddress client) {
        admission.release(client);
        releasePlace();
    }

    /** Gives back the place in {@link #active} that admission took. */
    private void releasePlace() {
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
                UnsafeBuffer sa = Sockets.scratch();
                int fd = Native.accept(listenFd, sa.addressOffset(), SockAddr.CAPACITY);
                if (fd >= 0) {
                    // The address is decoded only for the per-IP limit: nothing else needs it.
                    accepted(fd, admission.needsAddress() ? SockAddr.decode(sa, SockAddr.CAPACITY).getAddress() : null);
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

        /**
         * Admits {@code clientFd} or refuses it by the servers' limits ({@link Admission}).
         * {@code client} is null when there is no per-IP limit.
         */
        private void accepted(int clientFd, InetAddress client) {
            accepted.incrementAndGet();
            // Admission takes the place in active by compare-and-set, never past the limit, as for
            // a server: the listeners of several loops cannot together admit one too many.
            if (!admission.admit(active, client, loop.stats())) {
                refused.incrementAndGet(); // before the close: whoever sees the close sees the count
                Native.close(clientFd);
                return;
            }
            int backendFd;
            try {
                Sockets.applyOptions(clientFd, socketOptions, null);
                backendFd = Sockets.openClient(backend, socketOptions);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "proxy: cannot open a backend socket: " + e.getMessage());
                failedConnects.incrementAndGet();
                Native.close(clientFd);
                ended(client);
                return;
            }
            int r = Sockets.startConnect(backendFd, backend);
            if (r == 0) {
                startRelay(clientFd, backendFd, client);
            } else if (r == -Errno.EINPROGRESS || r == -Errno.EINTR) {
                new PendingConnect(this, clientFd, backendFd, client).begin();
            } else {
                failedConnects.incrementAndGet();
                LOG.log(System.Logger.Level.DEBUG, () -> Errors.describe("proxy connect", backend, -r));
                Native.close(backendFd);
                Native.close(clientFd);
                ended(client);
            }
        }

        void startRelay(int clientFd, int backendFd, InetAddress client) {
            try {
                SpliceRelay relay = SpliceRelay.start(loop, clientFd, backendFd, config.pipeSize(),
                        config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS, r -> relayEnded(r, client));
                if (relay.pipeSizeRefused() && pipeSizeRefused.getAndIncrement() == 0) {
                    LOG.log(System.Logger.Level.WARNING, "proxy: the kernel refused " + config.pipeSize()
                            + " bytes per pipe (EPERM): the per-user pipe quota (/proc/sys/fs/pipe-user-pages-soft)"
                            + " is used up; relays go on with the kernel's pipe size. Logged once");
                }
                if (!relay.isEnded()) {
                    relays.add(relay);
                }
            } catch (IOException | RuntimeException e) {
                // The relay closed both descriptors; say why once per failure, it is rare (no pipes
                // left). Caught whatever it is: out of here it would reach the listener's watch as
                // a failure, which stops this loop's listener and aborts all its relays.
                LOG.log(System.Logger.Level.WARNING, "proxy: cannot start a relay: " + e);
                ended(client);
            }
        }

        private void relayEnded(SpliceRelay relay, InetAddress client) {
            relays.remove(relay);
            reportsOfEnded += relay.readyReports();
            Throwable cause = relay.cause();
            if (cause != null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "proxy: relay ended: " + cause.getMessage());
            }
            ended(client);
        }
    }

    /** A backend connect in progress, with the client's descriptor held until it is decided. Loop thread only. */
    private final class PendingConnect implements FdWatcher.Listener {
        private final OnLoop owner;
        private final int clientFd;
        private final int backendFd;
        private final InetAddress client;
        private FdWatcher.Watch watch;
        private Cancellable timer;
        private boolean done;

        PendingConnect(OnLoop owner, int clientFd, int backendFd, InetAddress client) {
            this.owner = owner;
            this.clientFd = clientFd;
            this.backendFd = backendFd;
            this.client = client;
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
                owner.startRelay(clientFd, backendFd, client);
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
            ended(client);
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

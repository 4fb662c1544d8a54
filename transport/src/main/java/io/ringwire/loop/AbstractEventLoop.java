package io.ringwire.loop;

import io.ringwire.Connection;
import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoop;
import io.ringwire.LoopTimer;
import io.ringwire.WaitStrategy;
import io.ringwire.buffer.ChunkPool;
import io.ringwire.internal.Sockets;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jctools.queues.MpscUnboundedArrayQueue;

/**
 * The part of an event loop that every backend shares: the thread, the cross-thread task queue,
 * the parking protocol, timers, and the shutdown sequence. A backend supplies how to wait for and
 * dispatch I/O ({@link #pollIo}), how to wake a parked loop ({@link #wakeupNative}), and how to
 * release its resources ({@link #closeResources}).
 *
 * <h2>Parking protocol</h2>
 * Other threads submit work through a JCTools MPSC queue and write the backend's wake-up
 * descriptor only when the loop is parked, so a busy loop costs producers no syscall. The loop
 * stores {@code parked = true} and then re-checks the queue; a producer offers and then
 * compare-and-sets {@code parked} from true to false. Both are sequentially consistent, so either
 * the loop sees the task or the producer sees the flag and wakes it: no task is ever stranded.
 */
public abstract class AbstractEventLoop implements EventLoop {
    private static final VarHandle PARKED;
    private static final VarHandle PRODUCERS;
    private static final int TASK_BUDGET = 1024;
    private static final int RUNNING = 0;
    private static final int STOPPING = 1;
    private static final int STOPPED = 2;

    static {
        try {
            PARKED = MethodHandles.lookup().findVarHandle(AbstractEventLoop.class, "parked", boolean.class);
            PRODUCERS = MethodHandles.lookup().findVarHandle(AbstractEventLoop.class, "producers", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final System.Logger LOG = System.getLogger("io.ringwire.loop");

    private final MpscUnboundedArrayQueue<Runnable> tasks = new MpscUnboundedArrayQueue<>(1024);
    /**
     * Scheduled tasks cancelled from other threads, for the loop to unlink from its wheel. A queue
     * of their own rather than a task each: a cancel then allocates nothing, and does not wake a
     * parked loop just to tidy up; a loop with timers pending wakes within a revolution anyway.
     */
    private final MpscUnboundedArrayQueue<ScheduledTask> cancelled = new MpscUnboundedArrayQueue<>(256);
    private final NanoClock clock;
    private final TimerWheel timers;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final WaitStrategy waitStrategy;
    private final LoopStats stats = new LoopStats();
    /** Free outbound chunks kept per loop: 256 × 16 KiB = 4 MiB at most. */
    private final ChunkPool chunkPool = new ChunkPool(ChunkPool.DEFAULT_CHUNK_SIZE, 256);
    private final Thread thread;
    /** Held in a field: a method reference evaluated in the loop body would allocate per iteration. */
    private final Consumer<Throwable> taskFailureReporter = this::reportTaskFailure;
    private volatile boolean parked;
    /** Threads inside {@link #execute} right now; see there. */
    @SuppressWarnings("unused")
    private volatile int producers;
    private volatile int state = RUNNING;
    /** The clock as of the last wait or task batch, whichever ended last; cheap "now" for the loop thread. */
    protected long now;

    /** A loop whose timers run on {@code clock}; see {@link NanoClock}. */
    // The thread gets a reference to this loop here but starts only in start(), once the subclass is built.
    @SuppressWarnings("this-escape")
    protected AbstractEventLoop(String name, WaitStrategy waitStrategy, NanoClock clock) {
        Preload.classes();
        this.waitStrategy = waitStrategy;
        this.clock = clock;
        this.now = clock.nanoTime();
        this.timers = new TimerWheel(now);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    private final CompletableFuture<Void> started = new CompletableFuture<>();

    /**
     * Starts the loop thread and waits until {@link #onStart()} has run on it; call once, after
     * the subclass is fully built. A failure in {@code onStart} is rethrown here.
     */
    protected final void start() throws IOException {
        thread.start();
        try {
            started.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new InterruptedIOException("interrupted while starting " + name());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(name() + " failed to start: " + cause, cause);
        }
    }

    /**
     * Runs first on the loop thread, before any task: for resources that must be created by the
     * thread that uses them (an io_uring with SINGLE_ISSUER). A failure stops the loop.
     */
    protected void onStart() throws Exception {
    }

    public final String name() {
        return thread.getName();
    }

    /** This loop's counters; see {@link LoopStats} for who may write them. */
    public final LoopStats stats() {
        return stats;
    }

    /** The outbound chunks of this loop's connections. Loop thread only. */
    public final ChunkPool chunkPool() {
        return chunkPool;
    }

    /** The loop's cached clock, refreshed after each wait and each batch of tasks. Loop thread only. */
    public final long nanoTime() {
        return now;
    }

    /** The clock this loop's timers run on; any thread. */
    public final NanoClock clock() {
        return clock;
    }

    @Override
    public final long clockNanos() {
        return clock.nanoTime();
    }

    /**
     * The loop's timing wheel, for timers that live as long as their owner (a connection's
     * deadlines and idle check) and move without allocating. Loop thread only.
     */
    public final TimerWheel timers() {
        return timers;
    }

    @Override
    public final boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Every task is either run or rejected, never lost. A producer announces itself in
     * {@link #producers} before it reads the state, and the stopping loop, after storing STOPPED,
     * waits for the count to reach zero before its final drain: a producer that saw the loop
     * running has offered by then, and one that comes later sees STOPPED and is rejected.
     */
    @Override
    public final void execute(Runnable task) {
        PRODUCERS.getAndAdd(this, 1);
        try {
            if (state == STOPPED) {
                throw new RejectedExecutionException(name() + " has stopped");
            }
            tasks.offer(task);
        } finally {
            PRODUCERS.getAndAdd(this, -1);
        }
        if (!inEventLoop() && (boolean) PARKED.compareAndSet(this, true, false)) {
            wakeupNative();
        }
    }

    @Override
    public final Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        // Capped so that deadline - now cannot overflow even against the loop's cached clock,
        // which may lag the caller's: a "never" delay (Long.MAX_VALUE) must not wrap into the past.
        long delayNanos = Math.min(unit.toNanos(delay), Long.MAX_VALUE / 2);
        long deadline = clock.nanoTime() + delayNanos;
        ScheduledTask t = new ScheduledTask(this, task);
        if (inEventLoop()) {
            timers.schedule(t, deadline);
        } else {
            // The wheel is loop-confined; the handle works at once because a cancel is a flag. A
            // task cancelled before this runs is not linked at all: its cancel found nothing to unlink.
            execute(() -> {
                if (!t.isCancelled()) {
                    timers.schedule(t, deadline);
                }
            });
        }
        return t;
    }

    /** A scheduled task was cancelled on another thread: the loop unlinks it at its next turn. Any thread. */
    final void unlinkSoon(ScheduledTask t) {
        cancelled.offer(t);
    }

    private void unlinkCancelled() {
        for (ScheduledTask t; (t = cancelled.relaxedPoll()) != null; ) {
            timers.cancel(t);
        }
    }

    /** A node of this loop's timing wheel: scheduling, moving and cancelling it allocate nothing. */
    @Override
    public final LoopTimer newTimer(Runnable task) {
        return new WheelLoopTimer(this, task);
    }

    /** True once {@link #stop()} was called. */
    public final boolean isStopping() {
        return state != RUNNING;
    }

    /** Asks the loop to stop: it closes everything it owns and its thread ends. Returns at once. */
    public final void stop() {
        if (state == RUNNING) {
            state = STOPPING;
            if (!inEventLoop()) {
                PARKED.setVolatile(this, false);
                wakeupNative();
            }
        }
    }

    /** Waits for the loop thread to finish its shutdown. */
    public final boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    private void run() {
        try {
            onStart();
            started.complete(null);
        } catch (Throwable e) {
            state = STOPPED;
            started.completeExceptionally(e);
            closeResources();
            chunkPool.close();
            terminated.countDown();
            return;
        }
        try {
            while (state == RUNNING) {
                runOnce();
            }
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, name() + " failed; closing its connections", e);
        } finally {
            state = STOPPED;
            while ((int) PRODUCERS.getVolatile(this) != 0) {
                Thread.onSpinWait(); // a producer between its state check and its offer: nanoseconds
            }
            try {
                runTasks(Integer.MAX_VALUE);
                closeAll();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, name() + ": error while closing", e);
            } finally {
                timers.clear();
                closeResources();
                chunkPool.close();
                io.ringwire.internal.Sockets.releaseScratch();
                terminated.countDown();
            }
        }
    }

    private void runOnce() {
        runTasks(TASK_BUDGET);
        unlinkCancelled();
        // The tasks took time: timers that came due meanwhile run in this turn, not a wait later.
        now = clock.nanoTime();
        boolean ranTimers = timers.expire(now, taskFailureReporter) > 0;
        int timeout;
        if (waitStrategy == WaitStrategy.BUSY_POLL || hasReadyWork() || !tasks.isEmpty()) {
            timeout = 0;
        } else {
            if (ranTimers) {
                now = clock.nanoTime(); // so did the timers: the wait for the next one starts from here
            }
            timeout = timers.millisUntilNext(now);
            PARKED.setVolatile(this, true);
            if (!tasks.isEmpty() || state != RUNNING) {
                timeout = 0;
            }
        }
        pollIo(timeout);
        if (timeout != 0) {
            PARKED.setVolatile(this, false);
        }
        now = clock.nanoTime();
        runReadyWork();
    }

    private void runTasks(int budget) {
        for (int i = 0; i < budget; i++) {
            Runnable t = tasks.relaxedPoll();
            if (t == null) {
                return;
            }
            try {
                t.run();
            } catch (Throwable e) {
                reportTaskFailure(e);
            }
        }
    }

    private void reportTaskFailure(Throwable e) {
        LOG.log(System.Logger.Level.WARNING, name() + ": a task failed", e);
    }

    /**
     * Starts a client connection from this loop; the future completes on this loop's thread.
     * See {@link io.ringwire.EventLoopGroup#connect} for the contract.
     */
    public final CompletableFuture<Connection> connect(InetSocketAddress remote, ConnectionHandler handler,
                                                       ConnectionConfig config, Duration timeout) {
        CompletableFuture<Connection> future = new CompletableFuture<>();
        execute(() -> {
            AbstractConnection c;
            try {
                c = newClientConnection(Sockets.openClient(remote, config.options(), config.localAddress()), handler, config, remote);
            } catch (IOException | RuntimeException e) {
                future.completeExceptionally(e);
                return;
            }
            c.beginConnect(future, timeout.isZero() ? null
                    : schedule(c::connectTimedOut, timeout.toNanos(), TimeUnit.NANOSECONDS), timeout);
        });
        return future;
    }

    /** Wraps (and registers) a client socket; the loop then starts its connect. Loop thread. */
    protected abstract AbstractConnection newClientConnection(int fd, ConnectionHandler handler, ConnectionConfig config,
                                                              InetSocketAddress remote) throws IOException;

    /** Waits up to {@code timeoutMillis} (-1 = no limit, 0 = poll) for I/O and dispatches it. */
    protected abstract void pollIo(int timeoutMillis);

    /** Work the loop queued for itself, such as connections that used up their read budget. */
    protected abstract boolean hasReadyWork();

    /** Runs the work {@link #hasReadyWork()} reported. */
    protected abstract void runReadyWork();

    /** Makes a parked {@link #pollIo} return; called from other threads. */
    protected abstract void wakeupNative();

    /** Closes every connection and listener the loop owns; runs on the loop thread as it stops. */
    protected abstract void closeAll();

    /** Releases descriptors and native memory; the last thing the loop thread does. */
    protected abstract void closeResources();
}

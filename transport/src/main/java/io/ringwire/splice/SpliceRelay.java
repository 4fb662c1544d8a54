package io.ringwire.splice;

import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Linux;
import io.ringwire.internal.Native;
import io.ringwire.internal.Sockets;
import io.ringwire.SocketOption;
import io.ringwire.loop.AbstractEventLoop;
import io.ringwire.loop.FdWatcher;
import io.ringwire.EventLoop.Cancellable;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Two connected sockets joined both ways by {@code splice(2)} through a pipe per direction: bytes
 * go socket to pipe to socket inside the kernel, never through Java.
 *
 * <h2>How a direction moves</h2>
 * Each direction drains its pipe into the destination until EAGAIN, then fills the pipe from the
 * source, and repeats while either step makes progress. It waits on exactly one thing at a time:
 * the destination's writability when the pipe could not be drained (backpressure: the source is
 * read only while the pipe has room, so at most a pipe's worth waits per direction and TCP pushes
 * back on the sender), or the source's
 * readability when a fill found the socket empty with the pipe empty. A fill that hits EAGAIN with
 * bytes still in the pipe may mean the pipe is full (it counts slots, not bytes), so it waits for
 * the drain instead of polling the source, which would spin on a level-triggered poll.
 *
 * <h2>Ends</h2>
 * A source's EOF is passed on as {@code shutdown(SHUT_WR)} of the destination once its pipe is
 * empty (half-close), and the other direction carries on. When both directions have ended, both
 * sockets close. An error on any splice (a reset, EPIPE), a {@link FdWatcher#FAILED} report with
 * a pending socket error, the idle timeout or the loop stopping ends the relay at once: both
 * sockets are closed with SO_LINGER 0, so the peer still connected hears a reset, not a clean
 * end, and both pipes are closed. A socket at EOF is never polled for reading again, so a
 * half-closed peer cannot make the loop spin; while the other direction still writes to it, an
 * error-only watch ({@link FdWatcher#FAILED}) stays on it instead, so a reset that comes after
 * the peer's FIN ends the relay even when nothing else moves.
 *
 * <h2>Ownership and threading</h2>
 * Created and run on one loop thread, which must be a {@link FdWatcher}. The relay owns both
 * socket descriptors from {@link #start} on and closes them, and its pipes, exactly once; the
 * callback given to start then runs with the cause (null for a clean end of both directions).
 */
public final class SpliceRelay {
    private static final int FLAGS = Linux.require("SPLICE_F_MOVE") | Linux.require("SPLICE_F_NONBLOCK");
    /**
     * Bytes a direction moves per turn before it yields to the loop's other work: with a fast
     * sender and a fast reader, neither side may ever say EAGAIN.
     */
    static final long BUDGET = 8L << 20;

    private final AbstractEventLoop loop;
    private final int fdA;
    private final int fdB;
    private final Direction aToB;
    private final Direction bToA;
    private final Consumer<SpliceRelay> onEnd;
    private FdWatcher.Watch watchA;
    private FdWatcher.Watch watchB;
    private boolean ended;
    private Throwable cause;
    /** Readiness reports handled: what a spinning relay would run up (see {@link #readyReports()}). */
    private long reports;
    private final long idleNanos;
    private long lastActivity;
    private Cancellable idleTimer;
    private final Runnable resume = () -> {
        if (!ended) {
            pumpBoth();
        }
    };

    /** One way through the relay. */
    private final class Direction {
        final int src;
        final int dst;
        final Pipe pipe;
        final String name;
        /** The other way, whose destination is this one's source. */
        Direction reverse;
        long inPipe;
        long bytes;
        boolean srcEof;
        boolean finSent;

        Direction(int src, int dst, Pipe pipe, String name) {
            this.src = src;
            this.dst = dst;
            this.pipe = pipe;
            this.name = name;
        }

        FdWatcher.Watch srcWatch() {
            return src == fdA ? watchA : watchB;
        }

        FdWatcher.Watch dstWatch() {
            return dst == fdA ? watchA : watchB;
        }

        /** Moves what can be moved now; see the class comment. Returns false if the relay ended. */
        boolean pump() {
            boolean progress = true;
            long budgetEnd = bytes + BUDGET;
            while (progress && !ended) {
                if (bytes - budgetEnd >= 0) {
                    loop.execute(resume); // the rest after the loop's other work; nothing waits meanwhile
                    return true;
                }
                progress = false;
                while (inPipe > 0) {
                    long n = Native.splice(pipe.readFd, -1, dst, -1, (int) Math.min(inPipe, Integer.MAX_VALUE), FLAGS);
                    if (n > 0) {
                        inPipe -= n;
                        bytes += n;
                        // Counted as bytes leave the pipe, so each relayed byte once; plain, on the loop thread.
                        loop.stats().spliceBytes += n;
                        progress = true;
                        lastActivity = loop.nanoTime();
                    } else if (n == -Errno.EAGAIN) {
                        dstWatch().request(FdWatcher.WRITABLE);
                        break;
                    } else {
                        abort(Errors.newException("splice " + name + " (to destination)", null, n == 0 ? -Errno.EPIPE : (int) n));
                        return false;
                    }
                }
                if (srcEof) {
                    if (inPipe == 0 && !finSent) {
                        finSent = true;
                        int r = Native.shutdown(dst, Linux.SHUT_WR);
                        if (r < 0 && r != -Errno.ENOTCONN) {
                            abort(Errors.newException("shutdown " + name, null, r));
                            return false;
                        }
                        finishIfBothEnded();
                    }
                    return !ended;
                }
                long room = pipe.capacity - inPipe;
                if (room <= 0) {
                    break; // waiting for the drain, requested above
                }
                long n = Native.splice(src, -1, pipe.writeFd, -1, (int) room, FLAGS);
                if (n > 0) {
                    inPipe += n;
                    progress = true;
                    lastActivity = loop.nanoTime();
                } else if (n == 0) {
                    srcEof = true;
                    progress = true;
                    if (!reverse.finSent) {
                        // Nothing polls the source now (io_uring polls on request only), yet its
                        // peer may still reset it while the reverse way is idle: hear of that.
                        srcWatch().request(FdWatcher.FAILED);
                    }
                } else if (n == -Errno.EAGAIN) {
                    if (inPipe == 0) {
                        srcWatch().request(FdWatcher.READABLE); // the source is empty
                    }
                    // else: the pipe may be full; the drain's writability brings us back
                } else {
                    abort(Errors.newException("splice " + name + " (from source)", null, (int) n));
                    return false;
                }
            }
            return !ended;
        }
    }

    private SpliceRelay(AbstractEventLoop loop, int fdA, int fdB, Pipe ab, Pipe ba, long idleNanos,
                        Consumer<SpliceRelay> onEnd) {
        this.loop = loop;
        this.fdA = fdA;
        this.fdB = fdB;
        this.aToB = new Direction(fdA, fdB, ab, "a->b");
        this.bToA = new Direction(fdB, fdA, ba, "b->a");
        aToB.reverse = bToA;
        bToA.reverse = aToB;
        this.idleNanos = idleNanos;
        this.onEnd = onEnd;
    }

    /**
     * Joins {@code fdA} and {@code fdB} (connected, non-blocking sockets) on {@code loop}; call on
     * that loop's thread. From this call on the relay owns both descriptors, also when it throws:
     * they are closed before the exception leaves, and {@code onEnd} is then never called. Once
     * it returns, {@code onEnd} runs exactly once, also if the relay failed while starting.
     *
     * @param pipeSize    bytes per pipe ({@code F_SETPIPE_SZ}); 0 for the kernel's default. A size
     *                    refused with EPERM (the per-user pipe quota) leaves a pipe at the
     *                    kernel's size: see {@link #pipeSizeRefused()}
     * @param idleTimeout ends the relay after this long with no bytes moved either way; 0 for never
     * @param onEnd       runs once on the loop thread when the relay has closed everything
     * @throws IOException if a pipe or a watch cannot be made
     */
    public static SpliceRelay start(AbstractEventLoop loop, int fdA, int fdB, int pipeSize, long idleTimeout,
                                    TimeUnit unit, Consumer<SpliceRelay> onEnd) throws IOException {
        Pipe ab = null;
        Pipe ba = null;
        SpliceRelay relay;
        try {
            ab = Pipe.openForRelay(pipeSize);
            ba = Pipe.openForRelay(pipeSize);
            relay = new SpliceRelay(loop, fdA, fdB, ab, ba, unit.toNanos(idleTimeout), onEnd);
            FdWatcher watcher = (FdWatcher) loop;
            relay.watchA = watcher.watch(fdA, relay.listener(true));
            try {
                relay.watchB = watcher.watch(fdB, relay.listener(false));
            } catch (IOException | RuntimeException e) {
                relay.watchA.cancel(); // before its descriptor is closed below
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            if (ab != null) {
                ab.close();
            }
            if (ba != null) {
                ba.close();
            }
            Native.close(fdA);
            Native.close(fdB);
            throw e;
        }
        try {
            relay.lastActivity = loop.nanoTime();
            relay.scheduleIdleCheck(relay.idleNanos);
            relay.pumpBoth();
        } catch (RuntimeException e) {
            relay.abort(e); // from here on the relay owns everything: end it the usual way, onEnd included
        }
        return relay;
    }

    private FdWatcher.Listener listener(boolean a) {
        return new FdWatcher.Listener() {
            @Override
            public void onReady(int ready) {
                if (ended) {
                    return;
                }
                reports++;
                pumpBoth();
                if (!ended && (ready & FdWatcher.FAILED) != 0) {
                    // Neither direction may be touching this socket now (one waits on the other
                    // side): ask the socket itself, so a reset is never left unseen.
                    int fd = a ? fdA : fdB;
                    int err = Native.socketError(fd);
                    if (err > 0) {
                        abort(Errors.newException("relay " + (a ? "a" : "b"), null, -err));
                    }
                }
            }

            @Override
            public void onLoopShutdown() {
                abort(new Errors.Closed("relay: the event loop is stopping"));
            }
        };
    }

    private void pumpBoth() {
        if (aToB.pump()) {
            bToA.pump();
        }
    }

    private void finishIfBothEnded() {
        if (aToB.finSent && bToA.finSent) {
            end(null, false);
        }
    }

    /** Ends now, both sockets reset; see the class comment. Idempotent. */
    public void abort(Throwable why) {
        end(why, true);
    }

    /** Ends the relay on its loop thread: from another thread, {@code loop.execute(() -> relay.abort(...))}. */
    private void end(Throwable why, boolean reset) {
        if (ended) {
            return;
        }
        ended = true;
        cause = why;
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        watchA.cancel();
        watchB.cancel();
        if (reset) {
            // SO_LINGER 0: close sends RST, so the side still connected learns the stream broke.
            resetOnClose(fdA);
            resetOnClose(fdB);
        }
        Native.close(fdA);
        Native.close(fdB);
        aToB.pipe.close();
        bToA.pipe.close();
        onEnd.accept(this);
    }

    private static void resetOnClose(int fd) {
        try {
            Sockets.setOption(fd, SocketOption.SO_LINGER, 0, null);
        } catch (IOException alreadyGone) {
            // A socket that already failed closes without lingering anyway.
        }
    }

    private void scheduleIdleCheck(long delayNanos) {
        if (idleNanos <= 0 || ended) {
            return;
        }
        idleTimer = loop.schedule(this::checkIdle, Math.max(delayNanos, 0), TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (ended) {
            return;
        }
        long idle = loop.nanoTime() - lastActivity;
        if (idle >= idleNanos) {
            abort(new Errors.TimedOut("relay: idle for " + TimeUnit.NANOSECONDS.toMillis(idle) + " ms", Errno.ETIMEDOUT,
                    "relay"));
        } else {
            scheduleIdleCheck(idleNanos - idle);
        }
    }

    /** Bytes moved from a to b so far. */
    public long bytesAtoB() {
        return aToB.bytes;
    }

    /** Bytes moved from b to a so far. */
    public long bytesBtoA() {
        return bToA.bytes;
    }

    /**
     * True if the kernel refused the pipe size asked for (EPERM: the per-user quota of pipe memory
     * is used up) and a pipe kept the kernel's size instead. The relay works the same, with less
     * in flight per turn.
     */
    public boolean pipeSizeRefused() {
        return aToB.pipe.sizeRefused || bToA.pipe.sizeRefused;
    }

    /** Why the relay ended: null for a clean end (both directions reached EOF), or while it runs. */
    public Throwable cause() {
        return cause;
    }

    /** Readiness reports this relay has handled; loop thread only. A few per transfer, never a stream of them at rest. */
    public long readyReports() {
        return reports;
    }

    public boolean isEnded() {
        return ended;
    }
}

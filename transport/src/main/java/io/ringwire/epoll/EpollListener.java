package io.ringwire.epoll;

import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Native;
import io.ringwire.internal.SockAddr;
import io.ringwire.internal.Sockets;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One listening socket on one loop. It accepts until EAGAIN, under a budget so a connection storm
 * cannot starve the loop's established connections.
 *
 * <p>A full descriptor table (EMFILE, ENFILE) would leave the pending connection in the backlog,
 * and an edge-triggered listener would hear of it only when the next one arrives, or, retried at
 * once, would spin. So the listener logs once, backs off on a timer, and tries again.
 */
final class EpollListener extends EpollHandle {
    private static final System.Logger LOG = System.getLogger("io.ringwire.server");
    static final int ACCEPT_BUDGET = 64;
    static final long BACKOFF_MILLIS = 100;

    private final EpollEventLoop loop;
    private final EpollServer server;
    private final Runnable acceptTask = this::acceptAll;
    /** Built up front: under EMFILE even spinning a lambda class or loading one may fail. */
    private final Runnable retryTask = () -> {
        backingOff = false;
        acceptAll();
    };
    private boolean closed;
    private boolean backingOff;
    private boolean loggedExhaustion;

    EpollListener(EpollEventLoop loop, EpollServer server, int fd) {
        super(fd);
        this.loop = loop;
        this.server = server;
    }

    @Override
    void onEvent(int events) {
        if (!backingOff) {
            acceptAll();
        }
    }

    private void acceptAll() {
        UnsafeBuffer sa = Sockets.scratch();
        for (int i = 0; i < ACCEPT_BUDGET; i++) {
            if (closed) {
                return;
            }
            int fd = Native.accept(this.fd, sa.addressOffset(), SockAddr.CAPACITY);
            if (fd >= 0) {
                if (loggedExhaustion) {
                    recovered();
                }
                server.accept(loop, fd, SockAddr.decode(sa, SockAddr.CAPACITY));
                continue;
            }
            if (fd == -Errno.EAGAIN) {
                return;
            }
            loop.stats().acceptErrors++;
            if (fd == -Errno.EMFILE || fd == -Errno.ENFILE || fd == -Errno.ENOBUFS || fd == -Errno.ENOMEM) {
                backOff(fd);
                return;
            }
            if (fd != -Errno.ECONNABORTED && fd != -Errno.EINTR && fd != -Errno.EPERM) {
                LOG.log(System.Logger.Level.WARNING, Errors.describe("accept", server.localAddress(), -fd));
                return;
            }
            // ECONNABORTED and friends concern one connection only: go on to the next.
        }
        // Budget used up with more possibly pending: continue after the others had their turn.
        loop.execute(acceptTask);
    }

    private void backOff(int result) {
        // Arm the retry before logging: with no descriptors left, logging itself may fail.
        backingOff = true;
        loop.schedule(retryTask, BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
        if (!loggedExhaustion) {
            loggedExhaustion = true;
            Logs.quietly(LOG, System.Logger.Level.WARNING, Errors.describe("accept", server.localAddress(), -result)
                    + "; pausing accepts for " + BACKOFF_MILLIS + " ms at a time until descriptors free up"
                    + " (raise the limit with ulimit -n or LimitNOFILE=)", null);
        }
    }

    /** The accept that follows a back-off succeeded: a later exhaustion is worth a new log line. */
    void recovered() {
        if (loggedExhaustion && !backingOff) {
            loggedExhaustion = false;
            Logs.quietly(LOG, System.Logger.Level.INFO, "accept on " + server.localAddress() + " recovered", null);
        }
    }

    /** Whatever failed (likely the same exhaustion), the listener stays: back off and retry. */
    @Override
    void failed(Throwable cause) {
        loop.stats().acceptErrors++;
        if (!backingOff) {
            try {
                backingOff = true;
                loop.schedule(retryTask, BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
            } catch (Throwable t) {
                backingOff = false;
            }
        }
        Logs.quietly(LOG, System.Logger.Level.ERROR, "accept on " + server.localAddress() + " failed; retrying", cause);
    }

    void close() {
        if (!closed) {
            closed = true;
            loop.deregister(this);
            Native.close(fd);
        }
    }

    @Override
    void closeForShutdown() {
        close();
    }

    static EpollListener open(EpollEventLoop loop, EpollServer server, int fd) throws IOException {
        EpollListener l = new EpollListener(loop, server, fd);
        try {
            loop.register(l);
        } catch (IOException e) {
            Native.close(fd);
            throw e;
        }
        return l;
    }
}

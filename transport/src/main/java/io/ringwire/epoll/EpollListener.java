package io.ringwire.epoll;

import io.ringwire.internal.Errno;
import io.ringwire.internal.Native;
import io.ringwire.internal.SockAddr;
import io.ringwire.internal.Sockets;
import io.ringwire.loop.AcceptBackoff;
import java.io.IOException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One listening socket on one loop. It accepts until EAGAIN, under a budget so a connection storm
 * cannot starve the loop's established connections. Running out of descriptors pauses it; see
 * {@link AcceptBackoff}. Confined to the loop thread.
 */
final class EpollListener extends EpollHandle {
    static final int ACCEPT_BUDGET = 64;

    private final EpollEventLoop loop;
    private final EpollServer server;
    private final Runnable acceptTask = this::acceptAll;
    private final AcceptBackoff backoff;
    private boolean closed;

    EpollListener(EpollEventLoop loop, EpollServer server, int fd) {
        super(fd);
        this.loop = loop;
        this.server = server;
        this.backoff = new AcceptBackoff(loop, server::localAddress, acceptTask);
    }

    @Override
    void onEvent(int events) {
        if (!backoff.isBackingOff()) {
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
                backoff.accepted();
                server.accept(loop, fd, SockAddr.decode(sa, SockAddr.CAPACITY));
                continue;
            }
            if (fd == -Errno.EAGAIN) {
                return;
            }
            loop.stats().acceptErrors++;
            if (AcceptBackoff.isExhaustion(fd)) {
                backoff.exhausted(fd);
                return;
            }
            if (fd != -Errno.ECONNABORTED && fd != -Errno.EINTR && fd != -Errno.EPERM) {
                backoff.warn(fd);
                return;
            }
            // ECONNABORTED and friends concern one connection only: go on to the next.
        }
        // Budget used up with more possibly pending: continue after the others had their turn.
        loop.execute(acceptTask);
    }

    /** Whatever failed (likely the same exhaustion), the listener stays: back off and retry. */
    @Override
    void failed(Throwable cause) {
        backoff.failed(cause);
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

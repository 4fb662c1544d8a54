package io.ringwire.epoll;

import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.WaitStrategy;
import io.ringwire.buffer.IovecArray;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Linux;
import io.ringwire.internal.Native;
import io.ringwire.loop.AbstractEventLoop;
import io.ringwire.loop.SlotTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An event loop over edge-triggered epoll.
 *
 * <h2>Edge-triggered contract</h2>
 * Each descriptor is registered once, for {@code EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET}, and
 * never modified. The kernel then reports a readiness change once: a connection must read until
 * the socket is drained ({@code EAGAIN}, or a short read) or it will not hear of that data again.
 * A connection that stops early, because it used up its per-iteration budget or because reading is
 * paused, therefore remembers it may still have data, and this loop's ready queue brings it back.
 * Spurious events happen (a stale token, a writable edge with nothing to write) and are harmless.
 *
 * <p>Everything here runs on the loop thread except the methods inherited from
 * {@link AbstractEventLoop} that say otherwise.
 */
public final class EpollEventLoop extends AbstractEventLoop implements io.ringwire.loop.FdWatcher {
    static final int MAX_EVENTS = 512;
    static final int READ_BUFFER_SIZE = 64 * 1024;
    private static final long WAKEUP_TOKEN = -1L;
    static final int INTEREST = Linux.EPOLLIN | Linux.EPOLLOUT | Linux.EPOLLRDHUP | Linux.EPOLLET;

    private final int epfd;
    private final int eventFd;
    private final ByteBuffer eventsMemory;
    private final UnsafeBuffer events;
    private final ByteBuffer readMemory;
    /** The receive buffer lent to handlers; valid only during their onData call. */
    final UnsafeBuffer readBuffer;
    final IovecArray iov = new IovecArray(IovecArray.DEFAULT_CAPACITY);

    private final SlotTable<EpollHandle> handles = new SlotTable<>();
    /** Connections that stopped reading before EAGAIN and must be resumed by the loop itself. */
    private final ArrayDeque<EpollConnection> ready = new ArrayDeque<>(64);

    /** A loop whose timers run on {@code clock}; see {@link io.ringwire.EventLoopGroup.Builder#clock}. */
    public EpollEventLoop(String name, WaitStrategy waitStrategy, io.ringwire.loop.NanoClock clock) throws IOException {
        super(name, waitStrategy, clock);
        int ep = Errors.check("epoll_create1", null, Native.epollCreate());
        int ev = Native.eventfd(0, 0);
        if (ev < 0) {
            Native.close(ep);
            throw Errors.newException("eventfd", null, ev);
        }
        int r = Native.epollCtl(ep, Linux.EPOLL_CTL_ADD, ev, Linux.EPOLLIN | Linux.EPOLLET, WAKEUP_TOKEN);
        if (r < 0) {
            Native.close(ev);
            Native.close(ep);
            throw Errors.newException("epoll_ctl ADD eventfd", null, r);
        }
        this.epfd = ep;
        this.eventFd = ev;
        this.eventsMemory = ByteBuffer.allocateDirect(MAX_EVENTS * Linux.SIZEOF_EPOLL_EVENT);
        this.events = new UnsafeBuffer(eventsMemory);
        this.readMemory = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
        this.readBuffer = new UnsafeBuffer(readMemory);
        start();
    }

    /** Descriptors registered with this loop (connections and listeners), as last seen. */
    public int registeredCount() {
        return handles.size();
    }

    // ---- registration ----

    void register(EpollHandle h) throws IOException {
        long token = handles.add(h);
        int r = Native.epollCtl(epfd, Linux.EPOLL_CTL_ADD, h.fd, INTEREST, token);
        if (r < 0) {
            handles.remove(token);
            throw Errors.newException("epoll_ctl ADD", null, r);
        }
        h.token = token;
    }

    /**
     * Forgets {@code h} before its descriptor is closed. The explicit DEL matters: a descriptor
     * duplicated into a forked child would otherwise stay in this epoll set after close.
     */
    void deregister(EpollHandle h) {
        if (h.token == -1) {
            return;
        }
        Native.epollCtl(epfd, Linux.EPOLL_CTL_DEL, h.fd, 0, 0);
        handles.remove(h.token);
        h.token = -1;
    }

    // ---- the loop body ----

    @Override
    protected void pollIo(int timeoutMillis) {
        int n = Native.epollWait(epfd, events.addressOffset(), MAX_EVENTS, timeoutMillis);
        if (n < 0) {
            throw new IllegalStateException(Errors.describe("epoll_wait", null, -n));
        }
        for (int i = 0; i < n; i++) {
            int at = i * Linux.SIZEOF_EPOLL_EVENT;
            int mask = events.getInt(at + Linux.OFFSETOF_EPOLL_EVENT_EVENTS);
            long token = events.getLong(at + Linux.OFFSETOF_EPOLL_EVENT_DATA);
            if (token == WAKEUP_TOKEN) {
                stats().wakeups++;
                Native.eventfdRead(eventFd);
                continue;
            }
            // A handle closed earlier in this batch left a stale event behind: get() drops it.
            EpollHandle h = handles.get(token);
            if (h != null) {
                dispatch(h, mask);
            }
        }
    }

    /**
     * Handles catch their handlers' exceptions themselves; this is the net under the transport's
     * own code (or an Error such as a failed class load when descriptors run out), so that one
     * descriptor's failure never takes the loop and its other connections down with it.
     */
    private void dispatch(EpollHandle h, int mask) {
        try {
            h.onEvent(mask);
        } catch (Throwable t) {
            h.failed(t);
        }
    }

    @Override
    protected void wakeupNative() {
        Native.eventfdWrite(eventFd, 1);
    }

    void enqueueReady(EpollConnection c) {
        if (!c.inReadyQueue) {
            c.inReadyQueue = true;
            ready.addLast(c);
        }
    }

    @Override
    protected boolean hasReadyWork() {
        return !ready.isEmpty();
    }

    @Override
    protected void runReadyWork() {
        // Only those queued before this pass run now; a connection that re-queues itself waits for
        // the next iteration, after everyone else's events.
        for (int i = ready.size(); i > 0; i--) {
            EpollConnection c = ready.pollFirst();
            c.inReadyQueue = false;
            c.resumeRead();
        }
    }

    /** Calls {@code action} for every open connection of this loop. Loop thread only. */
    void forEachConnection(java.util.function.Consumer<EpollConnection> action) {
        handles.forEach(h -> {
            EpollConnection c = h.connection();
            if (c != null) {
                action.accept(c);
            }
        });
    }

    @Override
    protected void closeAll() {
        handles.forEach(EpollHandle::closeForShutdown);
        ready.clear();
    }

    @Override
    protected void closeResources() {
        Native.close(eventFd);
        Native.close(epfd);
        iov.close();
        BufferUtil.free(eventsMemory);
        BufferUtil.free(readMemory);
    }

    // ---- connections ----

    /** Wraps an accepted or connected descriptor; registers it; the caller then opens it. */
    EpollConnection newConnection(int fd, ConnectionHandler handler, ConnectionConfig config,
                                  io.ringwire.loop.ServerHooks server, InetSocketAddress remote) throws IOException {
        EpollConnection c = new EpollConnection(this, fd, handler, config, server, remote);
        try {
            register(c.handle);
        } catch (IOException e) {
            Native.close(fd);
            throw e;
        }
        return c;
    }

    @Override
    protected EpollConnection newClientConnection(int fd, ConnectionHandler handler, ConnectionConfig config,
                                                  InetSocketAddress remote) throws IOException {
        return newConnection(fd, handler, config, null, remote);
    }

    @Override
    public Watch watch(int fd, Listener listener) throws IOException {
        EpollFdWatch w = new EpollFdWatch(this, fd, listener);
        register(w);
        return w;
    }
}

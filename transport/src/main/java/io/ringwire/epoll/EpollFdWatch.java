package io.ringwire.epoll;

import io.ringwire.internal.Linux;
import io.ringwire.loop.FdWatcher;

/**
 * An {@link FdWatcher.Watch} on an epoll loop: registered once, edge-triggered, like every
 * descriptor there, so {@link #request} has nothing to do; cancel deregisters before the owner
 * closes the descriptor.
 */
final class EpollFdWatch extends EpollHandle implements FdWatcher.Watch {
    private final EpollEventLoop loop;
    private final FdWatcher.Listener listener;

    EpollFdWatch(EpollEventLoop loop, int fd, FdWatcher.Listener listener) {
        super(fd);
        this.loop = loop;
        this.listener = listener;
    }

    @Override
    void onEvent(int events) {
        int ready = 0;
        if ((events & (Linux.EPOLLIN | Linux.EPOLLRDHUP)) != 0) {
            ready |= FdWatcher.READABLE;
        }
        if ((events & Linux.EPOLLOUT) != 0) {
            ready |= FdWatcher.WRITABLE;
        }
        if ((events & (Linux.EPOLLERR | Linux.EPOLLHUP)) != 0) {
            ready |= FdWatcher.FAILED | FdWatcher.READABLE | FdWatcher.WRITABLE;
        }
        listener.onReady(ready);
    }

    @Override
    public void request(int interest) {
        // Edge-triggered for IN, OUT and RDHUP since registration, and for errors and hang-ups
        // (FAILED) always: the next change is reported anyway.
    }

    @Override
    public void cancel() {
        loop.deregister(this);
    }

    @Override
    void failed(Throwable cause) {
        listener.onLoopShutdown();
    }

    @Override
    void closeForShutdown() {
        listener.onLoopShutdown();
    }
}

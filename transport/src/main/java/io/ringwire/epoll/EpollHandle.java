package io.ringwire.epoll;

/**
 * Something registered with a loop's epoll set: a connection or a listener.
 *
 * <p>The epoll {@code data} word is a token of slot and generation, not the descriptor: a
 * descriptor number is reused by the kernel as soon as it is closed, possibly within the same
 * batch of events, and a stale event must never reach the new owner. Confined to the loop thread.
 */
abstract class EpollHandle {
    final int fd;
    /** Set by the loop on registration: a {@link io.ringwire.loop.SlotTable} token; -1 when not registered. */
    long token = -1;

    EpollHandle(int fd) {
        this.fd = fd;
    }

    /** Dispatches one epoll event mask. Must not throw; failures close this handle only. */
    abstract void onEvent(int events);

    /**
     * The transport's own code failed while dispatching an event to this handle (handler
     * exceptions are dealt with before they get here). Must not throw.
     */
    abstract void failed(Throwable cause);

    /** Closes on loop shutdown: releases everything, notifies whoever waits. */
    abstract void closeForShutdown();

    /** The connection behind this handle, or null for a listener. */
    EpollConnection connection() {
        return null;
    }
}

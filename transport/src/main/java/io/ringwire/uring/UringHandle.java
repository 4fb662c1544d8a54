package io.ringwire.uring;

/** Something with operations in the ring: a connection or a listener. Loop thread only. */
interface UringHandle {
    /** One completion of an operation this handle submitted. */
    void complete(int op, int res, int flags);

    /** The transport's own code threw while handling a completion. Must not throw. */
    void failed(Throwable cause);

    /** The loop is stopping: close now, cancelling what is in flight. */
    void closeForShutdown();
}

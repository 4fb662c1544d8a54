package io.ringwire;

import org.agrona.DirectBuffer;

/**
 * Receives a connection's events. Every method runs on the connection's event loop thread, one at
 * a time, so a handler needs no locking for state that only it touches.
 *
 * <p>A method that throws closes only its own connection: the loop reports the exception to
 * {@link #onError}, closes the connection, and goes on serving the others.
 *
 * <p>Handlers must not block: a blocked handler stalls every connection on its loop.
 */
public interface ConnectionHandler {

    /** The connection is established and registered; it may be written to from here on. */
    default void onOpen(Connection connection) {
    }

    /**
     * Bytes arrived. {@code data} is a borrowed view of the loop's receive buffer, valid only until
     * this method returns: copy what must outlive the call ({@link Connection#write} copies).
     */
    void onData(Connection connection, DirectBuffer data, int offset, int length);

    /**
     * The peer half-closed (sent FIN); every byte it sent before has already been delivered to
     * {@link #onData}. The default finishes sending what is queued and then closes this side too,
     * via {@link Connection#shutdownOutput()}.
     */
    default void onInputShutdown(Connection connection) {
        connection.shutdownOutput();
    }

    /**
     * The queued outbound bytes crossed a watermark: {@code writable} is false above the high
     * watermark and becomes true again once they drain below the low one. A handler that produces
     * data should stop while not writable, for example with {@link Connection#setAutoRead(boolean)}.
     * A crossing caused by a write inside another method of this handler is reported after that
     * method returns, never from within it; a crossing undone meanwhile is not reported.
     */
    default void onWritabilityChanged(Connection connection, boolean writable) {
    }

    /**
     * The connection failed: a reset, a broken pipe, a timeout, or an exception this handler threw.
     * {@link #onClose} follows. One exception: a {@link Connection#setOption} called from another
     * thread that the kernel refuses is reported here too, and the connection stays open.
     */
    default void onError(Connection connection, Throwable cause) {
    }

    /**
     * A deadline set with {@link Connection#setReadDeadline}, {@link Connection#setWriteDeadline}
     * or {@link Connection#setDeadline} passed. Unlike {@link #onError}, this is not followed by
     * {@link #onClose}: the connection stays open and the deadline is cleared, as with Go's
     * {@code SetDeadline}. The handler decides: close the connection, send a probe and set a new
     * deadline, or carry on. The default does nothing. A handler that throws here closes the
     * connection, as from any other method.
     */
    default void onTimeout(Connection connection, DeadlineExceededException timeout) {
    }

    /**
     * Asked during a graceful server shutdown ({@link Server#shutdown}): may the connection close
     * now without losing work, that is, is no request partly received or still being answered?
     * The default says yes. A request/response protocol answers false while a request is in
     * progress; the server keeps reading and asks again after each later method of this handler
     * returns (data, writability, timeout, end of input), whenever a flush empties the outbound
     * queue, and when {@link Connection#requestIdleCheck()} is called, for a request finished
     * elsewhere (on another thread, or in a future's callback). The drain timeout bounds the wait.
     *
     * <p>Once the answer is true the handler hears nothing more but {@link #onClose} (and
     * {@link #onWritabilityChanged}): the connection sends FIN after its queued bytes, reads and
     * drops whatever the peer still sends (a pipelined request it will not answer), and closes
     * once the peer has acknowledged everything or closed its side. Closing with that input
     * unread would make the kernel reset the connection, and the peer could lose the end of the
     * last response.
     */
    default boolean isIdle(Connection connection) {
        return true;
    }

    /** The connection is closed and its descriptor released. This is the last call it gets. */
    default void onClose(Connection connection) {
    }
}

package io.ringwire.loop;

import io.ringwire.internal.Linux;
import io.ringwire.internal.Native;

/**
 * The graceful end of one connection in a server shutdown: first the drain, then the lingering
 * close. {@link AbstractConnection#closeWhenIdle()} makes one; a connection that is never drained
 * carries only a null field for it.
 *
 * <h2>The drain</h2>
 * Until the handler says no request is in progress ({@link io.ringwire.ConnectionHandler#isIdle})
 * reading goes on, so that the rest of a request can still arrive. The connection asks again
 * through {@link #step()} after each handler method returns, after a flush empties the queue, and
 * on {@link io.ringwire.Connection#requestIdleCheck()}. The server's drain timeout bounds the wait.
 *
 * <h2>The lingering close</h2>
 * Once idle, the connection closes without a reset, in the manner of a web server's lingering
 * close. A plain close with unread input (a request a pipelining client sent before it saw
 * {@code Connection: close}) makes the kernel send RST instead of FIN and throw away what is
 * still in the send buffer, so the peer could lose the end of the last response. Instead: FIN
 * after the queued bytes, read and drop whatever still comes, and close once the peer has
 * acknowledged every byte, or has closed its side. After that a reset can no longer cost the
 * peer anything: it has our bytes, and our FIN is on its way ahead of any reset. The server's
 * drain deadline bounds the wait, as for any draining connection.
 *
 * <h2>Threading</h2>
 * Confined to the connection's loop thread, like the connection state it reads and the
 * connection methods it calls. The caller of {@link #step()} makes sure no handler method of the
 * connection is on the stack, so that asking {@code isIdle} never nests a handler call.
 */
final class GracefulClose {
    /** The first look at the peer's acknowledgements after our FIN; each later one waits twice as long. */
    private static final long FIRST_CHECK_NANOS = 1_000_000L;
    private static final long LAST_CHECK_NANOS = 64_000_000L;

    private final AbstractConnection connection;
    /** The handler said it is idle: the lingering close runs. */
    private boolean lingering;
    /** Re-checks a lingering close until the peer has acknowledged everything; made on first use. */
    private WheelTimer lingerTimer;
    private long lingerDelayNanos;

    GracefulClose(AbstractConnection connection) {
        this.connection = connection;
    }

    /** True once the handler was idle: what still arrives is read only to be dropped. */
    boolean isLingering() {
        return lingering;
    }

    /** Asks the handler whether it is idle; if it is, starts the lingering close. */
    void step() {
        AbstractConnection c = connection;
        if (c.closed || lingering) {
            return;
        }
        if (c.connecting) {
            c.closeNow(null);
            return;
        }
        if (c.handlerIsIdle()) {
            startLingeringClose();
        }
    }

    /** FIN after the queued bytes, reading on; see the class comment. */
    private void startLingeringClose() {
        AbstractConnection c = connection;
        lingering = true;
        c.setAutoReadNow(true); // a paused connection would never see the peer's FIN
        if (c.closed) {
            return;
        }
        // Asked for here, the FIN goes out now or after the flush, and the connection calls
        // finSent then. Asked for earlier and already out: start waiting for the peer now.
        if (!c.shutdownOutputAfterQueued() && c.outputShutdown) {
            lingerCheck();
        }
    }

    /** Our FIN has gone to the kernel while lingering: wait for the peer to acknowledge it all. */
    void finSent() {
        lingerCheck();
    }

    /** Closes once the peer has acknowledged all we sent; until then looks again, backing off to 64 ms. */
    private void lingerCheck() {
        AbstractConnection c = connection;
        if (c.closed) {
            return;
        }
        // Our FIN is counted too, and is the last sequence number: 1 means every byte is
        // acknowledged and only the FIN is not. Waiting for that one would wait out the peer's
        // delayed ACK (40 ms or more: a FIN puts Linux into "pingpong" mode) for nothing.
        int unacknowledged = Native.ioctlInt(c.fd, Linux.SIOCOUTQ);
        if (unacknowledged <= 1) {
            c.closeNow(null); // all acknowledged, or the socket failed: nothing left to protect
            return;
        }
        if (lingerTimer == null) {
            lingerTimer = new WheelTimer(this::lingerCheck);
        }
        lingerDelayNanos = lingerDelayNanos == 0 ? FIRST_CHECK_NANOS : Math.min(lingerDelayNanos * 2, LAST_CHECK_NANOS);
        c.loop.timers().schedule(lingerTimer, c.loop.nanoTime() + lingerDelayNanos);
    }

    /** The connection closed: the re-check leaves the wheel. */
    void cancel() {
        if (lingerTimer != null) {
            connection.loop.timers().cancel(lingerTimer);
        }
    }
}

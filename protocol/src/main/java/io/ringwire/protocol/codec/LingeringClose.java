package io.ringwire.protocol.codec;

import io.ringwire.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Ends a connection whose input can no longer be trusted, without losing the last reply written
 * to it (an ERROR frame, a 400).
 *
 * <p>Why not just {@link Connection#close()}: closing a socket that still has unread input makes
 * the kernel answer with a reset, and a reset can destroy the reply in the peer's receive queue
 * before the peer reads it. So, in the manner of Apache's and nginx's lingering close: flush, send
 * FIN after the queued bytes ({@link Connection#shutdownOutput()}), keep reading and dropping
 * input, and close when the peer's FIN arrives (the transport does that once both directions are
 * shut) or when {@code linger} has passed, whichever comes first.
 *
 * <p>The caller must drop every byte that arrives after this call and must keep the default
 * {@link io.ringwire.ConnectionHandler#onInputShutdown} behaviour. Call it on the loop thread.
 */
public final class LingeringClose {
    /** How long a peer gets to read the reply and close its side. */
    public static final Duration DEFAULT_LINGER = Duration.ofSeconds(2);

    private LingeringClose() {
    }

    public static void start(Connection connection) {
        start(connection, DEFAULT_LINGER);
    }

    public static void start(Connection connection, Duration linger) {
        connection.flush();
        connection.shutdownOutput();
        // Reading may have been paused for backpressure; the peer's FIN must still be seen.
        connection.setAutoRead(true);
        connection.eventLoop().schedule(connection::close, linger.toNanos(), TimeUnit.NANOSECONDS);
    }
}

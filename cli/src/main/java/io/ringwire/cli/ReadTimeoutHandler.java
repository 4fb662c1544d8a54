package io.ringwire.cli;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.DeadlineExceededException;
import java.time.Duration;
import org.agrona.DirectBuffer;

/**
 * {@code --read-timeout}: closes a connection from which nothing has arrived for the timeout,
 * whatever the server is sending meanwhile (unlike {@code --idle-timeout}, which counts traffic
 * both ways). Built on the connection's read deadline, moved forward on every read: on the loop
 * thread that is one timer move and no allocation. Every other event passes to the wrapped handler.
 *
 * <p>It sees only what is read. A server that pauses reading for backpressure (HTTP and frame do,
 * while unwritable) makes a slow-reading, still-sending client look silent: the timeout must be
 * longer than the slowest reader to keep (README, "A caveat: liveness counts what is read").
 */
final class ReadTimeoutHandler implements ConnectionHandler {
    private static final System.Logger LOG = System.getLogger("io.ringwire.cli");

    private final ConnectionHandler delegate;
    private final Duration timeout;

    ReadTimeoutHandler(ConnectionHandler delegate, Duration timeout) {
        this.delegate = delegate;
        this.timeout = timeout;
    }

    @Override
    public void onOpen(Connection connection) {
        connection.setReadDeadline(timeout);
        delegate.onOpen(connection);
    }

    @Override
    public void onData(Connection connection, DirectBuffer data, int offset, int length) {
        connection.setReadDeadline(timeout);
        delegate.onData(connection, data, offset, length);
    }

    @Override
    public void onTimeout(Connection connection, DeadlineExceededException timeout) {
        if (timeout.kind() == DeadlineExceededException.Kind.READ) {
            LOG.log(System.Logger.Level.DEBUG, () -> connection + ": nothing read for " + this.timeout.toMillis() + " ms; closing");
            connection.close();
        } else {
            delegate.onTimeout(connection, timeout);
        }
    }

    @Override
    public void onInputShutdown(Connection connection) {
        // The peer has said all it will: waiting for more input is pointless, the FIN is the end.
        connection.setReadDeadline(Duration.ZERO);
        delegate.onInputShutdown(connection);
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        delegate.onWritabilityChanged(connection, writable);
    }

    @Override
    public void onError(Connection connection, Throwable cause) {
        delegate.onError(connection, cause);
    }

    @Override
    public boolean isIdle(Connection connection) {
        return delegate.isIdle(connection);
    }

    @Override
    public void onClose(Connection connection) {
        delegate.onClose(connection);
    }
}

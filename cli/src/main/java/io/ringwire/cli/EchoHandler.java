package io.ringwire.cli;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import org.agrona.DirectBuffer;

/**
 * Writes every byte back, in order. Stateless, so one instance serves every connection.
 *
 * <p>Backpressure: when the peer reads slower than it writes, the outbound queue passes the high
 * watermark and reading pauses, so TCP flow control slows the peer instead of memory growing.
 * On the peer's FIN, the default {@link ConnectionHandler#onInputShutdown} sends what is pending
 * and then closes this side.
 */
public final class EchoHandler implements ConnectionHandler {
    public static final EchoHandler INSTANCE = new EchoHandler();

    private EchoHandler() {
    }

    @Override
    public void onData(Connection connection, DirectBuffer data, int offset, int length) {
        connection.writeAndFlush(data, offset, length);
        if (!connection.isWritable()) {
            connection.setAutoRead(false);
        }
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        if (writable) {
            connection.setAutoRead(true);
        }
    }
}

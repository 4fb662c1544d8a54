package io.ringwire.testutil;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import org.agrona.DirectBuffer;

/**
 * Writes back every byte it reads, with backpressure: it stops reading while the connection is
 * not writable and resumes once the queue drains. On the peer's FIN it finishes sending and closes
 * (the default {@link ConnectionHandler#onInputShutdown}). Stateless, so one instance may serve
 * every connection.
 */
public final class EchoHandler implements ConnectionHandler {
    public static final EchoHandler INSTANCE = new EchoHandler();

    @Override
    public void onData(Connection connection, DirectBuffer data, int offset, int length) {
        connection.write(data, offset, length);
        connection.flush();
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        connection.setAutoRead(writable);
    }
}

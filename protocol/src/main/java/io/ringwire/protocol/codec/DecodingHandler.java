package io.ringwire.protocol.codec;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import java.util.Objects;
import java.util.function.Function;
import org.agrona.DirectBuffer;

/**
 * A connection handler that runs its input through a {@link MessageDecoder} and gives each
 * message to a {@link MessageHandler}:
 *
 * <pre>{@code
 * group.listen(address, ServerConfig.defaults(), () -> new DecodingHandler(
 *         sink -> new DelimiterDecoder(LineDelimiter.LF, 1024, sink), lineHandler));
 * }</pre>
 *
 * <p>What it adds: one flush per read, however many messages the read held (pipelined replies
 * leave in one {@code writev}); pausing reads while the connection is not writable; and on bad
 * input, {@link MessageHandler#onDecodeError} then dropping all further input.
 *
 * <p>One instance per connection (it owns the decoder); every method runs on that connection's
 * loop thread.
 */
public final class DecodingHandler implements ConnectionHandler, MessageSink {
    private final MessageDecoder decoder;
    private final MessageHandler handler;
    private Connection connection;
    private boolean failed;

    /** @param decoders makes this connection's decoder around the sink it must feed */
    public DecodingHandler(Function<MessageSink, ? extends MessageDecoder> decoders, MessageHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.decoder = Objects.requireNonNull(decoders.apply(this), "decoder");
    }

    @Override
    public void onOpen(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void onData(Connection connection, DirectBuffer data, int offset, int length) {
        if (failed) {
            return; // the stream lost its framing: everything after the error is dropped
        }
        try {
            decoder.decode(data, offset, length);
        } catch (CodecException e) {
            failed = true;
            decoder.close();
            handler.onDecodeError(connection, e);
            return;
        }
        connection.flush();
        if (!connection.isWritable()) {
            connection.setAutoRead(false);
        }
    }

    @Override
    public boolean onMessage(DirectBuffer buffer, int offset, int length) {
        handler.onMessage(connection, buffer, offset, length);
        return connection.isOpen();
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        if (writable && !failed) {
            connection.setAutoRead(true);
        }
    }

    @Override
    public void onClose(Connection connection) {
        decoder.close();
        handler.onClose(connection);
    }
}

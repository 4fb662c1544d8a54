package io.ringwire.protocol.codec;

import io.ringwire.Connection;
import org.agrona.DirectBuffer;

/**
 * The application's side of a {@link DecodingHandler}: one call per decoded message, on the
 * connection's loop thread, in stream order. Must not block.
 */
public interface MessageHandler {

    /**
     * One whole message. {@code buffer} is lent for the call only. Replies written here go out in
     * one flush after the read that carried the message has been decoded.
     */
    void onMessage(Connection connection, DirectBuffer buffer, int offset, int length);

    /**
     * The input broke the format. The default closes the connection without losing what was
     * already written to it ({@link LingeringClose}); input after this point is dropped.
     */
    default void onDecodeError(Connection connection, CodecException error) {
        LingeringClose.start(connection);
    }

    /** The connection closed; the decoder has already freed its memory. */
    default void onClose(Connection connection) {
    }
}

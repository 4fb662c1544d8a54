package io.ringwire.protocol.codec;

import org.agrona.DirectBuffer;

/**
 * Receives the messages a {@link MessageDecoder} finds, in stream order.
 *
 * <p>{@code buffer} is lent for the call only: it is either the transport's receive buffer or the
 * decoder's own {@link Cumulation}, and both are reused afterwards. Copy what must outlive the call.
 */
@FunctionalInterface
public interface MessageSink {

    /**
     * One whole message at {@code buffer[offset, offset+length)}.
     *
     * @return true to go on decoding; false to stop and drop what is left of this input, for
     *         example because the connection is being closed
     * @throws CodecException if the message is valid framing but bad content; the decoder passes it on
     */
    boolean onMessage(DirectBuffer buffer, int offset, int length) throws CodecException;
}

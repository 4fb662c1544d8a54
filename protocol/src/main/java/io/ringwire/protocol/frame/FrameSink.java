package io.ringwire.protocol.frame;

import io.ringwire.protocol.codec.CodecException;
import org.agrona.DirectBuffer;

/** Receives the frames a {@link FrameDecoder} checked, in stream order, on the decoding thread. */
@FunctionalInterface
public interface FrameSink {

    /**
     * One well-formed frame whose crc32 matched. The body is {@code buffer[offset, offset+length)},
     * lent for the call only.
     *
     * @return true to go on decoding, false to stop (the connection is closing)
     */
    boolean onFrame(int cmd, DirectBuffer buffer, int offset, int length) throws CodecException;
}

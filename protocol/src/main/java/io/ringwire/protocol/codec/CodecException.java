package io.ringwire.protocol.codec;

import java.io.IOException;

/**
 * Bad input on one connection: the stream can no longer be decoded. Every decoder of this module
 * throws only this type (and its subclasses) for anything a peer sends; anything else it throws is
 * a bug. The connection at fault is closed; other connections are not affected.
 *
 * <p>The message names the rule that was broken and the offending value, for example
 * {@code length field 70000 gives a frame of 70004 bytes, over the limit of 65536}.
 */
public class CodecException extends IOException {
    private static final long serialVersionUID = 1L;

    public CodecException(String message) {
        super(message);
    }
}

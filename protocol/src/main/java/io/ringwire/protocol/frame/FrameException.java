package io.ringwire.protocol.frame;

import io.ringwire.protocol.codec.CodecException;

/**
 * A frame that breaks the protocol so that framing can no longer be trusted: the contract's
 * "bad magic, version or crc32, or a body_len over the limit". The peer gets one ERROR frame
 * carrying {@link #getMessage()}, then the connection closes.
 */
public final class FrameException extends CodecException {
    private static final long serialVersionUID = 1L;

    /** Which rule was broken. */
    public enum Reason {
        BAD_MAGIC,
        BAD_VERSION,
        BAD_CRC,
        TOO_LONG
    }

    private final Reason reason;

    public FrameException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

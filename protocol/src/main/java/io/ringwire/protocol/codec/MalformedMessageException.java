package io.ringwire.protocol.codec;

/** The bytes do not follow the format: a length that makes no sense, a byte where none may be. */
public class MalformedMessageException extends CodecException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}

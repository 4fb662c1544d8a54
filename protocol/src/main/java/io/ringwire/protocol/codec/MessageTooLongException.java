package io.ringwire.protocol.codec;

/**
 * A message announced or grew past its decoder's limit. It is thrown as soon as the limit is
 * known to be crossed, before any memory is reserved for the rest of the message.
 */
public class MessageTooLongException extends CodecException {
    private static final long serialVersionUID = 1L;

    public MessageTooLongException(String message) {
        super(message);
    }
}

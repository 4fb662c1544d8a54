package io.ringwire.protocol.codec;

/** Where a line ends, for {@link DelimiterDecoder} and {@link DelimiterEncoder}. */
public enum LineDelimiter {
    /** A line ends at {@code \n}; a {@code \r} before it is part of the line. Written as {@code \n}. */
    LF(1, new byte[] {'\n'}),
    /** A line ends at {@code \r\n}; a {@code \n} alone is part of the line. Written as {@code \r\n}. */
    CRLF(2, new byte[] {'\r', '\n'}),
    /** A line ends at {@code \n}, and a {@code \r} just before it is dropped too. Written as {@code \r\n}. */
    LF_OR_CRLF(2, new byte[] {'\r', '\n'});

    /** The most delimiter bytes a line may end with. */
    final int maxLength;
    private final byte[] encoded;

    LineDelimiter(int maxLength, byte[] encoded) {
        this.maxLength = maxLength;
        this.encoded = encoded;
    }

    /** The delimiter written after each line; a fresh copy. */
    public byte[] encoded() {
        return encoded.clone();
    }

    byte[] encodedShared() {
        return encoded;
    }
}

package io.ringwire.protocol.codec;

import io.ringwire.Connection;
import java.util.Objects;
import org.agrona.DirectBuffer;

/**
 * Writes lines that a {@link DelimiterDecoder} of the same delimiter reads back: the line, then
 * the delimiter. A line that holds its own delimiter, or is too long, is refused rather than sent
 * as two lines. Stateless and thread-safe; allocates nothing.
 */
public final class DelimiterEncoder {
    private final LineDelimiter delimiter;
    private final int maxLength;

    public DelimiterEncoder(LineDelimiter delimiter, int maxLength) {
        this.delimiter = Objects.requireNonNull(delimiter, "delimiter");
        if (maxLength < 0) {
            throw new IllegalArgumentException("max line length must not be negative: " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /**
     * Checks that {@code line} can be sent as one line.
     *
     * @throws IllegalArgumentException if it is too long or holds a line end of this delimiter
     */
    public void check(DirectBuffer line, int offset, int length) {
        if (length > maxLength) {
            throw new IllegalArgumentException("line of " + length + " bytes is over the limit of " + maxLength);
        }
        for (int i = offset; i < offset + length; i++) {
            if (line.getByte(i) == '\n' && (delimiter != LineDelimiter.CRLF || (i > offset && line.getByte(i - 1) == '\r'))) {
                throw new IllegalArgumentException("line holds a line end at byte " + (i - offset));
            }
        }
    }

    /** Queues the line and its delimiter on {@code connection} (copied). Does not flush. */
    public void write(Connection connection, DirectBuffer line, int offset, int length) {
        check(line, offset, length);
        connection.write(line, offset, length);
        byte[] end = delimiter.encodedShared();
        connection.write(end, 0, end.length);
    }
}

package io.ringwire.protocol.codec;

import org.agrona.DirectBuffer;

/**
 * Turns a byte stream that arrives in arbitrary pieces into whole messages; subclasses say where a
 * message ends ({@link #probe}) and what to do with one ({@link #emit}).
 *
 * <h2>No copies for whole messages</h2>
 * {@link #decode} first looks for whole messages in the lent input and hands them on in place,
 * as views of the transport's receive buffer. Only the tail of a message cut by the end of a read
 * is copied, into the connection's {@link Cumulation}, and the next reads top it up with exactly
 * the bytes that message still needs, never more: the cumulation always holds a prefix of one
 * message. Steady state allocates nothing.
 *
 * <h2>Limits</h2>
 * {@link #probe} must throw as soon as the bytes it sees prove a message over the limit, for
 * example from a length field alone. So no memory is reserved for a message that will be refused,
 * and the cumulation never holds more than {@link Cumulation#limit()}.
 *
 * <h2>Threading and ownership</h2>
 * One decoder per connection, confined to its loop thread. {@link #close()} frees the cumulation;
 * call it from {@code onClose}.
 */
public abstract class MessageDecoder implements AutoCloseable {
    private final Cumulation cumulation;
    /** Total bytes the message in the cumulation needs, as far as the last probe could tell. */
    private int wanted;

    /** @param maxBuffered the most bytes one message can span, headers and delimiters included */
    protected MessageDecoder(int maxBuffered) {
        this.cumulation = new Cumulation(maxBuffered);
    }

    /**
     * Finds the end of the message that starts at {@code buffer[offset]}.
     *
     * @return the message's whole length when {@code length} bytes hold all of it; otherwise a
     *         negative number, {@code -n}, where {@code n > length} is the total the message needs
     *         as far as is known ({@code -(length + 1)} when only "more" is known)
     * @throws CodecException when the bytes seen already break the format or a limit
     */
    protected abstract int probe(DirectBuffer buffer, int offset, int length) throws CodecException;

    /**
     * Hands on one whole message that {@link #probe} measured; returns false to stop decoding.
     * {@code buffer} is lent for the call only.
     */
    protected abstract boolean emit(DirectBuffer buffer, int offset, int length) throws CodecException;

    /**
     * How many of the {@code length} input bytes at {@code offset} to add to the cumulation, which
     * holds {@code buffered} bytes and needs {@code wanted} in total. Must be at least 1, and must
     * not take bytes of the next message. The default takes exactly what is wanted; a decoder that
     * cannot know the length in advance (delimiters) overrides it.
     */
    protected int bytesToTake(DirectBuffer input, int offset, int length, int buffered, int wanted) throws CodecException {
        return Math.min(wanted - buffered, length);
    }

    /**
     * {@link #probe} of the cumulation after {@code previousSize} of its bytes were probed before
     * and found incomplete. A decoder that scans may resume where it stopped, keeping the work
     * linear in the message size however it is split.
     */
    protected int probeCumulation(DirectBuffer buffer, int size, int previousSize) throws CodecException {
        return probe(buffer, 0, size);
    }

    /**
     * Decodes everything in {@code data[offset, offset+length)}, handing each whole message to
     * {@link #emit} in order and keeping a trailing partial message for the next call.
     *
     * @throws CodecException if the input breaks the format; the stream cannot be trusted after it
     */
    public final void decode(DirectBuffer data, int offset, int length) throws CodecException {
        int pos = offset;
        int end = offset + length;
        while (pos < end && !cumulation.isEmpty()) {
            int before = cumulation.size();
            int take = bytesToTake(data, pos, end - pos, before, wanted);
            cumulation.append(data, pos, take);
            pos += take;
            int r = probeCumulation(cumulation.buffer(), cumulation.size(), before);
            if (r < 0) {
                wanted = -r;
                continue;
            }
            if (r != cumulation.size()) {
                throw new IllegalStateException(getClass().getSimpleName() + " took bytes of the next message: "
                        + r + " of " + cumulation.size());
            }
            boolean goOn = emit(cumulation.buffer(), 0, r);
            cumulation.clear();
            if (!goOn) {
                return;
            }
        }
        while (pos < end) {
            int r = probe(data, pos, end - pos);
            if (r < 0) {
                wanted = -r;
                cumulation.append(data, pos, end - pos);
                return;
            }
            if (!emit(data, pos, r)) {
                return;
            }
            pos += r;
        }
    }

    /** Bytes of a partial message held between reads. */
    public final int bufferedBytes() {
        return cumulation.size();
    }

    /** Memory reserved for partial messages right now; never more than the limit. */
    public final int reservedBytes() {
        return cumulation.capacity();
    }

    /** Drops a partial message and frees the cumulation's memory. The decoder may be used again. */
    @Override
    public void close() {
        cumulation.close();
        wanted = 0;
    }
}

package io.ringwire.protocol.codec;

import org.agrona.MutableDirectBuffer;

/**
 * Writes text into off-heap buffers without allocating, which {@code String.getBytes} would.
 * Stateless and thread-safe.
 */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * Writes {@code text} as UTF-8 at {@code dst[index]}; an unpaired surrogate becomes {@code ?}.
     * {@code dst} must have room, or expand by itself (as {@link org.agrona.ExpandableDirectByteBuffer} does).
     *
     * @return the bytes written
     */
    public static int encode(CharSequence text, MutableDirectBuffer dst, int index) {
        int start = index;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                dst.putByte(index++, (byte) c);
            } else if (c < 0x800) {
                dst.putByte(index++, (byte) (0xC0 | (c >> 6)));
                dst.putByte(index++, (byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                dst.putByte(index++, (byte) (0xF0 | (cp >> 18)));
                dst.putByte(index++, (byte) (0x80 | ((cp >> 12) & 0x3F)));
                dst.putByte(index++, (byte) (0x80 | ((cp >> 6) & 0x3F)));
                dst.putByte(index++, (byte) (0x80 | (cp & 0x3F)));
            } else if (Character.isSurrogate(c)) {
                dst.putByte(index++, (byte) '?');
            } else {
                dst.putByte(index++, (byte) (0xE0 | (c >> 12)));
                dst.putByte(index++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                dst.putByte(index++, (byte) (0x80 | (c & 0x3F)));
            }
        }
        return index - start;
    }
}

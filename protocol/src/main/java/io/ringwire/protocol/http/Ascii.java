package io.ringwire.protocol.http;

import io.ringwire.protocol.codec.ByteSearch;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/** Byte-level checks of HTTP's grammar (RFC 9110 and 9112), on buffers, without allocating. */
final class Ascii {
    /** tchar: the characters of a token, such as a method or a header name. */
    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private Ascii() {
    }

    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long DEL_PATTERN = ONES * 0x7F;

    /** The index of the first {@code \n} in {@code buffer[from, end)}, or -1; see {@link ByteSearch}. */
    static int indexOfLf(DirectBuffer buffer, int from, int end) {
        return ByteSearch.indexOf(buffer, from, end, (byte) '\n');
    }

    /**
     * True if {@code buffer[from, end)} holds a byte not allowed in a field value: a control other
     * than tab, or DEL. Eight bytes a step; a step that flags one is checked byte by byte, since a
     * tab is flagged too.
     */
    static boolean hasFieldValueControl(DirectBuffer buffer, int from, int end) {
        int i = from;
        for (; end - i >= 8; i += 8) {
            if (flagsControl(buffer.getLong(i, ByteOrder.LITTLE_ENDIAN)) && !allFieldValueChars(buffer, i, i + 8)) {
                return true;
            }
        }
        int tail = end - i;
        if (tail > 0 && i + 8 <= buffer.capacity()) {
            // The last few bytes in one step too: read eight and replace those past the end
            // with a harmless 'a' (a value is always followed by its line end, so this is common).
            long keep = (1L << (8 * tail)) - 1;
            long v = (buffer.getLong(i, ByteOrder.LITTLE_ENDIAN) & keep) | (ONES * 'a' & ~keep);
            return flagsControl(v) && !allFieldValueChars(buffer, i, end);
        }
        return !allFieldValueChars(buffer, i, end);
    }

    /** True if some byte of {@code v} is below 0x20 or is DEL (exact for existence); tabs flag too. */
    private static boolean flagsControl(long v) {
        long below = (v - ONES * 0x20) & ~v & HIGHS;
        long d = v ^ DEL_PATTERN;
        long del = (d - ONES) & ~d & HIGHS;
        return (below | del) != 0;
    }

    private static boolean allFieldValueChars(DirectBuffer buffer, int from, int end) {
        for (int i = from; i < end; i++) {
            if (!isFieldValueChar(buffer.getByte(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isTchar(byte b) {
        return TCHAR[b & 0xFF];
    }

    /** A byte allowed in a request target: visible ASCII, no space. */
    static boolean isTargetChar(byte b) {
        return b > 0x20 && b < 0x7F;
    }

    /** A byte allowed in a field value: visible ASCII, space, tab, or obs-text. */
    static boolean isFieldValueChar(byte b) {
        int c = b & 0xFF;
        return c >= 0x20 && c != 0x7F || c == '\t';
    }

    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    static boolean equals(DirectBuffer buffer, int offset, byte[] expected) {
        int i = 0;
        for (; expected.length - i >= 8; i += 8) {
            if (buffer.getLong(offset + i, ByteOrder.LITTLE_ENDIAN) != longAt(expected, i)) {
                return false;
            }
        }
        for (; i < expected.length; i++) {
            if (buffer.getByte(offset + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static long longAt(byte[] b, int i) {
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = (v << 8) | (b[i + k] & 0xFFL);
        }
        return v;
    }

    /** Case-insensitive for A-Z only; {@code lower} must be lower-case ASCII. */
    static boolean equalsIgnoreCase(DirectBuffer buffer, int offset, int length, byte[] lower) {
        if (length != lower.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = buffer.getByte(offset + i);
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** The same for a CharSequence, as a route or a header name from the application. */
    static boolean equalsIgnoreCase(DirectBuffer buffer, int offset, int length, CharSequence name) {
        if (length != name.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int b = buffer.getByte(offset + i) & 0xFF;
            int c = name.charAt(i);
            if (b != c && toLower(b) != toLower(c)) {
                return false;
            }
        }
        return true;
    }

    private static int toLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /** ISO-8859-1 string of the bytes: what header values are, for callers that want a String. */
    static String latin1(DirectBuffer buffer, int offset, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) (buffer.getByte(offset + i) & 0xFF);
        }
        return new String(chars);
    }
}

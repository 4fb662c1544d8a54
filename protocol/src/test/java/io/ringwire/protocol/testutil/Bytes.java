package io.ringwire.protocol.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.agrona.DirectBuffer;

/** Small helpers for building and reading byte streams in tests. */
public final class Bytes {
    private Bytes() {
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static byte[] copy(DirectBuffer buffer, int offset, int length) {
        byte[] b = new byte[length];
        buffer.getBytes(offset, b);
        return b;
    }

    public static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

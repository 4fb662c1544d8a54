package io.ringwire.protocol.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header's value (IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37 GMT}), formatted
 * at most once a second for the whole JVM and shared by every loop.
 *
 * <p>Thread-safe: the current value is an immutable snapshot behind a volatile reference. A
 * thread that finds it a second old formats a new one (the only allocation, once a second);
 * two threads racing to do so both publish a correct value.
 */
public final class HttpDate {
    /** Bytes of an IMF-fixdate. */
    public static final int LENGTH = 29;
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record Snapshot(long second, byte[] bytes) {
    }

    private static volatile Snapshot current = format(System.currentTimeMillis() / 1000);

    private HttpDate() {
    }

    /** The current value as ASCII, {@link #LENGTH} bytes. Shared: do not modify. */
    public static byte[] now() {
        long second = System.currentTimeMillis() / 1000;
        Snapshot s = current;
        if (s.second != second) {
            s = format(second);
            current = s;
        }
        return s.bytes;
    }

    static String format(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }

    private static Snapshot format(long second) {
        return new Snapshot(second, format(Instant.ofEpochSecond(second)).getBytes(StandardCharsets.US_ASCII));
    }
}

package io.ringwire.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses byte sizes: a number and an optional binary unit, such as {@code 65536}, {@code 64KiB},
 * {@code 16MiB} or {@code 1GiB}. {@code K}, {@code M} and {@code G} (with or without {@code B}
 * or {@code iB}, any case) all mean powers of 1024.
 */
public final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,15})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    public static long parse(String value) {
        Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a size; write bytes or a number and a unit, such as 65536, 64KiB or 16MiB");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        if (n > Long.MAX_VALUE >> shift) {
            throw new CommandLine.TypeConversionException("'" + value + "' is too large");
        }
        return n << shift;
    }
}

package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class SizeConverterTest {
    @Test
    void parsesBytesAndBinaryUnits() {
        assertEquals(65536, SizeConverter.parse("65536"));
        assertEquals(64 * 1024, SizeConverter.parse("64KiB"));
        assertEquals(64 * 1024, SizeConverter.parse("64k"));
        assertEquals(16L << 20, SizeConverter.parse("16MiB"));
        assertEquals(16L << 20, SizeConverter.parse("16M"));
        assertEquals(1L << 30, SizeConverter.parse("1GB"));
        assertEquals(7, SizeConverter.parse("7B"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MiB", "1.5M", "-1", "16 TiB", "abc", "9999999999999999999"})
    void rejectsAnythingElse(String value) {
        assertThrows(CommandLine.TypeConversionException.class, () -> SizeConverter.parse(value));
    }
}

package io.ringwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class DurationConverterTest {
    @Test
    void parsesTheContractUnits() {
        assertEquals(Duration.ofMillis(250), DurationConverter.parse("250ms"));
        assertEquals(Duration.ofSeconds(1), DurationConverter.parse("1s"));
        assertEquals(Duration.ofMinutes(2), DurationConverter.parse("2m"));
        assertEquals(Duration.ofHours(3), DurationConverter.parse("3h"));
        assertEquals(Duration.ofNanos(1500), DurationConverter.parse("1500ns"));
        assertEquals(Duration.ofNanos(7000), DurationConverter.parse("7us"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "s", "1.5s", "-1s", "1 s", "1sec", "10d"})
    void rejectsAnythingElse(String value) {
        assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse(value));
    }
}

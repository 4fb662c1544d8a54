package io.ringwire.testutil;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A conformance test: runs once per backend in {@link Transports#BACKENDS}, taking a {@link TransportUnderTest}. */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@MethodSource("io.ringwire.testutil.Transports#blocking")
public @interface ConformanceTest {
}

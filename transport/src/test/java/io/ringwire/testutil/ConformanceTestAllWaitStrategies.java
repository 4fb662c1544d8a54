package io.ringwire.testutil;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A conformance test that also runs with {@link io.ringwire.WaitStrategy#BUSY_POLL}, once per backend and strategy. */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@MethodSource("io.ringwire.testutil.Transports#allWaitStrategies")
public @interface ConformanceTestAllWaitStrategies {
}

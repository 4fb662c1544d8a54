package io.ringwire.testutil;

import io.ringwire.Backend;
import io.ringwire.WaitStrategy;
import java.util.List;
import java.util.stream.Stream;

/**
 * The configurations the conformance suite runs against. Method sources for
 * {@link ConformanceTest} and {@link ConformanceTestAllWaitStrategies}.
 */
public final class Transports {
    /** The backends every conformance test runs on: the whole suite runs against each. */
    public static final List<Backend> BACKENDS = List.of(Backend.EPOLL, Backend.IO_URING);

    private Transports() {
    }

    /** Each backend with the default blocking wait strategy. */
    public static Stream<TransportUnderTest> blocking() {
        return BACKENDS.stream().map(b -> new TransportUnderTest(b, WaitStrategy.BLOCKING));
    }

    /** Each backend with every wait strategy. */
    public static Stream<TransportUnderTest> allWaitStrategies() {
        return BACKENDS.stream().flatMap(b -> Stream.of(WaitStrategy.values()).map(w -> new TransportUnderTest(b, w)));
    }
}

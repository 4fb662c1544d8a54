package io.ringwire.bench.codec;

import io.ringwire.protocol.codec.DelimiterDecoder;
import io.ringwire.protocol.codec.LineDelimiter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link DelimiterDecoder}: 64 CRLF lines of {@code line} bytes, scored per line; the cost is the
 * scan for {@code \n}. {@code read} as in {@link LengthFieldDecoderBenchmark}. 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DelimiterDecoderBenchmark {
    static final int LINES = 64;

    @Param({"64"})
    int line;

    @Param({"0", "1000"})
    int read;

    private UnsafeBuffer stream;
    private DelimiterDecoder decoder;
    /** Made once: a method reference made in the benchmark method would allocate per call. */
    private Streams.Decode feed;
    private long bytes;

    @Setup
    public void setUp() {
        String one = "x".repeat(line) + "\r\n";
        stream = Streams.offHeap(one.repeat(LINES).getBytes(StandardCharsets.US_ASCII), false);
        decoder = new DelimiterDecoder(LineDelimiter.CRLF, 8192, (b, o, l) -> {
            bytes += l;
            return true;
        });
        feed = decoder::decode;
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public long decode() throws Exception {
        Streams.feed(stream, read, feed);
        return bytes;
    }
}

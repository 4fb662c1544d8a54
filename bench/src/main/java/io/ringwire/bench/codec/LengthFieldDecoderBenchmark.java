package io.ringwire.bench.codec;

import io.ringwire.protocol.codec.LengthFieldDecoder;
import io.ringwire.protocol.codec.LengthFieldEncoder;
import io.ringwire.protocol.codec.LengthFieldFormat;
import java.io.ByteArrayOutputStream;
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
 * {@link LengthFieldDecoder}: 64 frames of a 4-byte length and {@code payload} bytes, scored per
 * frame. {@code read=0} lends the whole stream at once, so every frame is handed on in place;
 * {@code read=1000} cuts it into reads that split frames, so about one frame in three crosses a
 * read and is gathered in the cumulation. Run with {@code -prof gc}: 0 B/op either way.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LengthFieldDecoderBenchmark {
    static final int FRAMES = 64;

    @Param({"128"})
    int payload;

    @Param({"0", "1000"})
    int read;

    private UnsafeBuffer stream;
    private LengthFieldDecoder decoder;
    /** Made once: a method reference made in the benchmark method would allocate per call. */
    private Streams.Decode feed;
    private long bytes;

    @Setup
    public void setUp() {
        LengthFieldFormat format = LengthFieldFormat.defaults();
        LengthFieldEncoder encoder = new LengthFieldEncoder(format);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UnsafeBuffer header = new UnsafeBuffer(new byte[8]);
        for (int i = 0; i < FRAMES; i++) {
            int n = encoder.encodeHeader(header, 0, payload);
            out.write(header.byteArray(), 0, n);
            out.writeBytes(new byte[payload]);
        }
        stream = Streams.offHeap(out.toByteArray(), false);
        decoder = new LengthFieldDecoder(format, (b, o, l) -> {
            bytes += l;
            return true;
        });
        feed = decoder::decode;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long decode() throws Exception {
        Streams.feed(stream, read, feed);
        return bytes;
    }
}

package io.ringwire.bench.codec;

import io.ringwire.protocol.frame.FrameCommand;
import io.ringwire.protocol.frame.FrameDecoder;
import io.ringwire.protocol.frame.FrameFormat;
import io.ringwire.protocol.frame.FrameWriter;
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
 * {@link FrameDecoder}: 64 ECHO frames of {@code body} bytes, each header checked and each crc32
 * verified, scored per frame. {@code raw=false} lends a direct ByteBuffer (epoll's receive
 * buffer: the JDK's CRC32 intrinsic); {@code raw=true} a bare address (io_uring's provided
 * buffers: the slicing-by-8 loop). {@code read} as in {@link LengthFieldDecoderBenchmark}. 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameDecoderBenchmark {
    static final int FRAMES = 64;

    @Param({"128", "4096"})
    int body;

    @Param({"false", "true"})
    boolean raw;

    @Param({"0", "1000"})
    int read;

    private UnsafeBuffer stream;
    private FrameDecoder decoder;
    /** Made once: a method reference made in the benchmark method would allocate per call. */
    private Streams.Decode feed;
    private long bytes;

    @Setup
    public void setUp() {
        FrameWriter writer = new FrameWriter();
        UnsafeBuffer header = new UnsafeBuffer(new byte[FrameFormat.HEADER_LENGTH]);
        UnsafeBuffer payload = new UnsafeBuffer(new byte[body]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES; i++) {
            payload.putInt(0, i);
            writer.encodeHeader(header, 0, FrameCommand.ECHO, payload, 0, body);
            out.writeBytes(header.byteArray());
            out.writeBytes(payload.byteArray());
        }
        stream = Streams.offHeap(out.toByteArray(), raw);
        decoder = new FrameDecoder(FrameFormat.DEFAULT_MAX_BODY, (cmd, b, o, l) -> {
            bytes += l + cmd;
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

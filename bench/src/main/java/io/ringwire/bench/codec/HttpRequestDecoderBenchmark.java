package io.ringwire.bench.codec;

import io.ringwire.protocol.http.HttpRequestDecoder;
import io.ringwire.protocol.http.HttpServerConfig;
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
 * {@link HttpRequestDecoder}: 16 pipelined requests, scored per request. {@code request=get} is
 * the plaintext benchmark's request as wrk sends it (request line and 4 header fields);
 * {@code request=post} adds a 64-byte Content-Length body; {@code request=chunked} sends that
 * body in two chunks (always gathered in the cumulation). {@code read} as in
 * {@link LengthFieldDecoderBenchmark}; with {@code read=100} most heads are split. 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpRequestDecoderBenchmark {
    static final int REQUESTS = 16;
    private static final String HEAD = " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n"
            + "Accept: text/plain,text/html;q=0.9\r\nConnection: keep-alive\r\n";
    private static final String BODY = "b".repeat(64);

    @Param({"get", "post", "chunked"})
    String request;

    @Param({"0", "100"})
    int read;

    private UnsafeBuffer stream;
    private HttpRequestDecoder decoder;
    /** Made once: a method reference made in the benchmark method would allocate per call. */
    private Streams.Decode feed;
    private long seen;

    @Setup
    public void setUp() {
        String one = switch (request) {
            case "get" -> "GET /plaintext" + HEAD + "\r\n";
            case "post" -> "POST /echo" + HEAD + "Content-Length: 64\r\n\r\n" + BODY;
            default -> "POST /echo" + HEAD + "Transfer-Encoding: chunked\r\n\r\n20\r\n" + BODY.substring(32)
                    + "\r\n20\r\n" + BODY.substring(32) + "\r\n0\r\n\r\n";
        };
        stream = Streams.offHeap(one.repeat(REQUESTS).getBytes(StandardCharsets.US_ASCII), false);
        decoder = new HttpRequestDecoder(HttpServerConfig.defaults(), r -> {
            seen += r.headerCount() + r.bodyLength() + r.pathLength();
            return true;
        });
        feed = decoder::decode;
    }

    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public long decode() throws Exception {
        Streams.feed(stream, read, feed);
        return seen;
    }
}

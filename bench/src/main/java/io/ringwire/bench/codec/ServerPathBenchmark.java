package io.ringwire.bench.codec;

import io.ringwire.protocol.frame.FrameCommand;
import io.ringwire.protocol.frame.FrameConfig;
import io.ringwire.protocol.frame.FrameServerHandler;
import io.ringwire.protocol.frame.FrameService;
import io.ringwire.protocol.frame.FrameWriter;
import io.ringwire.protocol.http.HttpHeader;
import io.ringwire.protocol.http.HttpRouter;
import io.ringwire.protocol.http.HttpServerConfig;
import io.ringwire.protocol.http.HttpServerHandler;
import io.ringwire.protocol.http.HttpServerStats;
import java.io.ByteArrayOutputStream;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A server's whole work per message without the socket: one read of 16 pipelined messages goes
 * through the connection handler, which decodes, serves, encodes the replies into the connection
 * and flushes once. {@code httpPlaintext}: GET /plaintext through the router as
 * {@code bin/ringwire http} serves it, with the Date header and Content-Length written (what the
 * HTTP comparison exercises, minus the syscalls).
 * {@code frameEcho}: 128-byte ECHOs, crc32 checked and computed again for the reply. Scored per
 * message; 0 B/op with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ServerPathBenchmark {
    static final int BATCH = 16;
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final HttpHeader TEXT_PLAIN = HttpHeader.of("Content-Type", "text/plain");

    private final DiscardingConnection connection = new DiscardingConnection();
    private HttpServerHandler http;
    private UnsafeBuffer httpRead;
    private FrameServerHandler frame;
    private UnsafeBuffer frameRead;

    @Setup
    public void setUp() {
        HttpRouter router = HttpRouter.builder()
                .get("/plaintext", (req, res) -> res.header(TEXT_PLAIN).body(HELLO))
                .build();
        http = new HttpServerHandler(router, HttpServerConfig.defaults(), new HttpServerStats());
        http.onOpen(connection);
        String request = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n"
                + "Accept: text/plain,text/html;q=0.9\r\nConnection: keep-alive\r\n\r\n";
        httpRead = Streams.offHeap(request.repeat(BATCH).getBytes(StandardCharsets.US_ASCII), false);

        frame = new FrameServerHandler(FrameConfig.defaults(), FrameService.NONE);
        frame.onOpen(connection);
        FrameWriter writer = new FrameWriter();
        UnsafeBuffer header = new UnsafeBuffer(new byte[13]);
        UnsafeBuffer body = new UnsafeBuffer(new byte[128]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < BATCH; i++) {
            writer.encodeHeader(header, 0, FrameCommand.ECHO, body, 0, 128);
            out.writeBytes(header.byteArray());
            out.writeBytes(body.byteArray());
        }
        frameRead = Streams.offHeap(out.toByteArray(), false);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long httpPlaintext() {
        http.onData(connection, httpRead, 0, httpRead.capacity());
        return connection.written;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long frameEcho() {
        frame.onData(connection, frameRead, 0, frameRead.capacity());
        return connection.written;
    }
}

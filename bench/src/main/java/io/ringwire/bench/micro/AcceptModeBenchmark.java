package io.ringwire.bench.micro;

import io.ringwire.Backend;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.ServerConfig.AcceptMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How a two-loop server should spread new connections: one {@code SO_REUSEPORT} listener per loop
 * (the kernel hashes each connection to a listener; nothing crosses threads), or one acceptor
 * loop handing each descriptor to the next loop through its task queue.
 *
 * <p>One cycle is what a short-lived client does: connect, one 64-byte echo, close. The client is
 * a plain blocking socket, so the figure is the server's accept path plus a fixed client cost,
 * the same for both modes; compare the two modes, not the absolute value. Also compare
 * {@code imbalance}: the spread of connections over the loops, which REUSEPORT's hash leaves to
 * chance.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AcceptModeBenchmark {
    @Param({"REUSEPORT", "ACCEPTOR"})
    public AcceptMode mode;

    @Param({"EPOLL", "IO_URING"})
    public Backend backend;

    private EventLoopGroup group;
    private Server server;
    private int port;
    private final byte[] message = new byte[64];
    private final byte[] reply = new byte[64];

    @Setup(Level.Trial)
    public void start() throws IOException {
        group = EventLoopGroup.builder().backend(backend).threads(2).build();
        server = group.listen(new java.net.InetSocketAddress("127.0.0.1", 0),
                ServerConfig.builder().acceptMode(mode).build(),
                () -> (c, data, offset, length) -> c.writeAndFlush(data, offset, length));
        port = server.localAddress().getPort();
    }

    @TearDown(Level.Trial)
    public void stop() {
        long[] perLoop = new long[group.size()];
        for (int i = 0; i < perLoop.length; i++) {
            perLoop[i] = ((io.ringwire.loop.AbstractEventLoop) group.loops().get(i)).stats().connectionsOpened();
        }
        long total = perLoop[0] + perLoop[1];
        // Printed, not measured: JMH reports time; the spread is the other half of the choice.
        System.out.printf("%n[%s %s] connections per loop %d / %d (imbalance %.1f%%)%n", backend, mode,
                perLoop[0], perLoop[1], total == 0 ? 0.0 : 100.0 * Math.abs(perLoop[0] - perLoop[1]) / total);
        server.close();
        group.close();
    }

    @Benchmark
    public int connectEchoClose() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(message);
            int got = 0;
            while (got < reply.length) {
                int n = in.read(reply, got, reply.length - got);
                if (n < 0) {
                    throw new IOException("closed after " + got + " bytes");
                }
                got += n;
            }
            return got;
        }
    }
}

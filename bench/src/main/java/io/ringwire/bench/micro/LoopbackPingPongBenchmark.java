package io.ringwire.bench.micro;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.Server;
import io.ringwire.ServerConfig;
import io.ringwire.WaitStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * One request-response round trip over TCP loopback through ringwire: the latency a
 * request/response protocol would see, with the kernel's TCP stack included.
 *
 * <p>Set-up: one {@link EventLoopGroup} with one loop holds both the echo server's connection and
 * the client connection (a single loop because this VM has two cores: the benchmark thread needs
 * the other). The benchmark thread sends {@code size} bytes and waits until the client handler
 * has counted the same number of echoed bytes: it spins for up to 200 µs, then parks until the
 * handler unparks it. It never sleeps.
 *
 * <p>Three ways to send, to tell the transport's costs apart:
 * <ul>
 *   <li>{@link #ringwire()}: {@link Connection#writeAndFlush} from the benchmark thread, the public
 *       cross-thread path: the bytes are copied and handed to the loop as tasks.</li>
 *   <li>{@link #ringwireOnLoop()}: the benchmark thread hands the loop one pre-built task that
 *       writes on the loop thread, where {@code write} appends straight into the off-heap queue.
 *       The difference from {@link #ringwire()} is the price of the cross-thread write path.</li>
 *   <li>{@link #socket()}: a blocking {@link java.net.Socket} client against the same ringwire
 *       server; the client side is then the JDK's, the baseline.</li>
 * </ul>
 * {@code waitStrategy} is the loop's: {@code BLOCKING} parks in {@code epoll_wait} and is woken
 * through an eventfd; {@code BUSY_POLL} spins on its core and saves that wake-up. Run with
 * {@code -prof gc}: the steady state should allocate nothing per round trip, and the cross-thread
 * path is where it does (see the README).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoopbackPingPongBenchmark {
    /**
     * How long the benchmark thread spins before it parks: longer than a loopback round trip on
     * an idle machine (10 to 50 µs here), so parking, and the futex wake-up it costs the loop,
     * happens only when the machine is busy.
     */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final long CONNECT_TIMEOUT_SECONDS = 10;

    @Param({"64", "1024"})
    public int size;

    @Param({"BLOCKING", "BUSY_POLL"})
    public WaitStrategy waitStrategy;

    private EventLoopGroup group;
    private Server server;
    private Connection connection;
    private final Counter counter = new Counter();
    private DirectBuffer message;
    private Runnable sendOnLoop;
    /** Bytes sent so far on {@link #connection}; the echo is complete when the counter reaches it. */
    private long sent;

    private Socket socket;
    private OutputStream socketOut;
    private InputStream socketIn;
    private byte[] socketMessage;
    private byte[] socketReply;

    @Setup
    public void setUp() throws Exception {
        group = EventLoopGroup.builder().threads(1).waitStrategy(waitStrategy).name("bench").build();
        ConnectionHandler echo = (conn, data, offset, length) -> conn.writeAndFlush(data, offset, length);
        server = group.listen(new InetSocketAddress("127.0.0.1", 0), ServerConfig.defaults(), () -> echo);
        connection = group.connect(server.localAddress(), counter).get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);

        UnsafeBuffer m = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        for (int i = 0; i < size; i++) {
            m.putByte(i, (byte) i);
        }
        message = m;
        sendOnLoop = () -> connection.writeAndFlush(message, 0, size);

        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(server.localAddress(), (int) TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_SECONDS));
        socketOut = socket.getOutputStream();
        socketIn = socket.getInputStream();
        socketMessage = new byte[size];
        socketReply = new byte[size];
    }

    @TearDown
    public void tearDown() throws IOException {
        socket.close();
        connection.close();
        server.close();
        group.close();
    }

    /** Send from the benchmark thread through the public cross-thread API. */
    @Benchmark
    public long ringwire() {
        sent += size;
        connection.writeAndFlush(message, 0, size);
        return counter.await(sent, connection);
    }

    /** Send on the loop thread: one pre-built task per message, no copy on the caller's side. */
    @Benchmark
    public long ringwireOnLoop() {
        sent += size;
        connection.eventLoop().execute(sendOnLoop);
        return counter.await(sent, connection);
    }

    /** The JDK's blocking socket as the client, against the same ringwire echo server. */
    @Benchmark
    public int socket() throws IOException {
        socketOut.write(socketMessage, 0, size);
        return socketIn.readNBytes(socketReply, 0, size);
    }

    /**
     * The client's handler: counts echoed bytes on the loop thread and wakes the benchmark thread if
     * it parked. {@code received} is written by the loop only; both fields are volatile so that
     * either the waiter sees the new count or the loop sees the waiter (the same store-then-check
     * on both sides as the event loop's own parking protocol).
     */
    static final class Counter implements ConnectionHandler {
        private volatile long received;
        private volatile Thread waiter;

        @Override
        public void onData(Connection connection, DirectBuffer data, int offset, int length) {
            received += length; // single writer: the loop thread
            wake();
        }

        @Override
        public void onClose(Connection connection) {
            wake();
        }

        private void wake() {
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }

        /** Waits until {@code target} bytes have come back; fails if the connection closes first. */
        long await(long target, Connection connection) {
            long parkAt = 0;
            for (int i = 1; ; i++) {
                long r = received;
                if (r >= target) {
                    return r;
                }
                Thread.onSpinWait();
                if ((i & 63) == 0) { // reading the clock costs more than one spin: not every time
                    long now = System.nanoTime();
                    if (parkAt == 0) {
                        parkAt = now + SPIN_NANOS;
                    } else if (now - parkAt >= 0) {
                        break;
                    }
                }
            }
            waiter = Thread.currentThread();
            try {
                while (true) {
                    long r = received;
                    if (r >= target) {
                        return r;
                    }
                    if (!connection.isOpen()) {
                        throw new IllegalStateException("connection closed while waiting for the echo");
                    }
                    LockSupport.park(this);
                }
            } finally {
                waiter = null;
            }
        }
    }
}

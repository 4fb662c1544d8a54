package io.ringwire.protocol.frame;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import io.ringwire.protocol.codec.CodecException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The client side of the frame protocol: send requests, get their replies as futures, and
 * pipeline as deep as you like; replies come back in request order, so each completes the oldest
 * request still waiting.
 *
 * <pre>{@code
 * try (FrameClient client = FrameClient.connect(group, address, FrameConfig.defaults()).get()) {
 *     FrameReply pong = client.ping(new byte[0]).get();
 *     CompletableFuture<FrameReply> a = client.echo(bytesA), b = client.echo(bytesB); // pipelined
 * }
 * }</pre>
 *
 * <p>Also: a PING from the server (its heartbeat) is answered with PONG and completes nothing; with
 * {@link FrameConfig#heartbeat()} set, this side sends its own. A reply that breaks the protocol
 * fails every waiting request with the {@link FrameException} and closes the connection; a close
 * fails them with {@link ClosedChannelException}.
 *
 * <p>Thread-safe: {@link #send} may be called from any thread. Requests from one thread go out in
 * call order. Futures complete on the connection's loop thread: do not block there. Each request
 * allocates (its future, its copied reply); for a zero-allocation client, drive
 * {@link FrameDecoder} and {@link FrameWriter} from a handler of your own.
 */
public final class FrameClient implements AutoCloseable {
    private final Connection connection;
    private final Handler handler;

    private FrameClient(Connection connection, Handler handler) {
        this.connection = connection;
        this.handler = handler;
    }

    /** Connects without blocking; the future completes once the connection is open. */
    public static CompletableFuture<FrameClient> connect(EventLoopGroup group, InetSocketAddress remote, FrameConfig config) {
        Handler handler = new Handler(config);
        return group.connect(remote, handler).thenApply(c -> new FrameClient(c, handler));
    }

    /**
     * Connects through {@code connector} (a dialer, for instance), which must open a connection
     * with the handler it is given; the future completes once the connection is open.
     */
    public static CompletableFuture<FrameClient> connect(Function<ConnectionHandler, CompletableFuture<Connection>> connector,
                                                         FrameConfig config) {
        Handler handler = new Handler(config);
        return connector.apply(handler).thenApply(c -> new FrameClient(c, handler));
    }

    /**
     * True while requests can still be answered: open, not half-closed by the server, and no
     * protocol error. Any thread; for a pool's validation.
     */
    public boolean isUsable() {
        return connection.isOpen() && !handler.broken;
    }

    public Connection connection() {
        return connection;
    }

    /** Sends one frame; the future gets the reply that answers it. The body is copied at once. */
    public CompletableFuture<FrameReply> send(int cmd, byte[] body) {
        Objects.requireNonNull(body, "body");
        if (cmd < 0 || cmd > 0xFFFF) {
            throw new IllegalArgumentException("cmd must fit in 16 bits: " + cmd);
        }
        CompletableFuture<FrameReply> reply = new CompletableFuture<>();
        byte[] copy = body.clone();
        connection.eventLoop().execute(() -> handler.send(cmd, copy, reply));
        return reply;
    }

    /** PING; the reply is a PONG with the same body. */
    public CompletableFuture<FrameReply> ping(byte[] body) {
        return send(FrameCommand.PING, body);
    }

    /** ECHO; the reply is an ECHO_REPLY with the same body. */
    public CompletableFuture<FrameReply> echo(byte[] body) {
        return send(FrameCommand.ECHO, body);
    }

    /** PINGs from the server (its heartbeat) this client has answered with PONG. */
    public long pingsAnswered() {
        return handler.pingsAnswered;
    }

    /** Closes the connection; requests still waiting fail. */
    @Override
    public void close() {
        connection.close();
    }

    /** Loop-confined: every field is touched on the connection's loop thread only. */
    private static final class Handler implements ConnectionHandler, FrameSink {
        private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

        private final FrameConfig config;
        private final FrameDecoder decoder;
        private final FrameWriter writer = new FrameWriter();
        private final UnsafeBuffer body = new UnsafeBuffer(EMPTY.byteArray());
        private final ArrayDeque<CompletableFuture<FrameReply>> waiting = new ArrayDeque<>();
        private final Runnable flush = this::flush;
        private Connection connection;
        private Heartbeat heartbeat;
        private boolean flushQueued;
        private IOException failure;
        /** Written on the loop, read by any thread. */
        private volatile long pingsAnswered;
        /** Set on the loop once the peer half-closed, the stream broke, or the connection closed. */
        private volatile boolean broken;

        Handler(FrameConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            this.decoder = new FrameDecoder(config.maxBody(), this);
        }

        @Override
        public void onOpen(Connection connection) {
            this.connection = connection;
            if (!config.heartbeat().isZero()) {
                heartbeat = new Heartbeat(connection, config.heartbeat(), config.heartbeatMisses(), () -> {
                    writer.write(connection, FrameCommand.PING, EMPTY, 0, 0);
                    connection.flush();
                });
                heartbeat.start();
            }
        }

        void send(int cmd, byte[] bytes, CompletableFuture<FrameReply> reply) {
            if (failure != null || !connection.isOpen()) {
                reply.completeExceptionally(failure != null ? failure : new ClosedChannelException());
                return;
            }
            waiting.add(reply);
            body.wrap(bytes);
            writer.write(connection, cmd, body, 0, bytes.length);
            // One flush for every send queued behind this one: the task runs after them.
            if (!flushQueued) {
                flushQueued = true;
                connection.eventLoop().execute(flush);
            }
        }

        private void flush() {
            flushQueued = false;
            connection.flush();
        }

        @Override
        public void onData(Connection connection, DirectBuffer data, int offset, int length) {
            if (heartbeat != null) {
                heartbeat.heard();
            }
            if (failure != null) {
                return;
            }
            try {
                decoder.decode(data, offset, length);
            } catch (CodecException e) {
                failAll(e);
                connection.close();
                return;
            }
            connection.flush(); // PONGs for the server's heartbeat PINGs
        }

        @Override
        public boolean onFrame(int cmd, DirectBuffer buffer, int offset, int length) {
            if (cmd == FrameCommand.PING) {
                writer.write(connection, FrameCommand.PONG, buffer, offset, length);
                pingsAnswered++; // one writer thread: a plain increment of a volatile is safe here
                return true;
            }
            CompletableFuture<FrameReply> reply = waiting.poll();
            if (reply != null) {
                byte[] copy = new byte[length];
                buffer.getBytes(offset, copy);
                reply.complete(new FrameReply(cmd, copy));
            }
            // With nobody waiting, a reply answers nothing: an ERROR sent just before a close, or
            // a server that broke the order. Either way there is no one to give it to.
            return true;
        }

        @Override
        public void onInputShutdown(Connection connection) {
            broken = true;
            connection.shutdownOutput();
        }

        private void failAll(IOException cause) {
            broken = true;
            if (failure == null) {
                failure = cause;
            }
            for (CompletableFuture<FrameReply> r; (r = waiting.poll()) != null; ) {
                r.completeExceptionally(cause);
            }
            decoder.close();
        }

        @Override
        public void onClose(Connection connection) {
            if (heartbeat != null) {
                heartbeat.stop();
            }
            failAll(failure != null ? failure : new Closed(waiting.size()));
        }
    }

    /** A {@link ClosedChannelException} that says how many requests it cut off. */
    private static final class Closed extends ClosedChannelException {
        private static final long serialVersionUID = 1L;
        private final int unanswered;

        Closed(int unanswered) {
            this.unanswered = unanswered;
        }

        @Override
        public String getMessage() {
            return "connection closed with " + unanswered + " request(s) unanswered";
        }
    }
}

package io.ringwire.protocol.frame;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.DeadlineExceededException;
import io.ringwire.EventLoop;
import io.ringwire.EventLoopGroup;
import io.ringwire.protocol.codec.CodecException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
 * <h2>Timeouts and draining</h2>
 * A request with a timeout ({@link FrameConfig#requestTimeout()}, or per request) that gets no
 * reply in time fails with a {@link FrameTimeoutException}. Replies are matched by order, so its
 * place in the queue is kept (a late reply to it is dropped) and the requests behind it keep
 * waiting for theirs; but a server that let one request time out is suspect, so the client turns
 * unusable ({@link #isUsable()} is false: a pool stops lending it) and closes once no request is
 * waiting. {@link #closeWhenIdle(Duration)} does the same on demand, for a pool retiring a
 * connection that still carries pipelined requests. The deadlines run on the connection's read
 * deadline ({@link Connection#setReadDeadline}): one timer, moved only when it fires or when a
 * request comes due before it, nothing per reply.
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
     * True while requests can still be answered: open, not half-closed by the server, no
     * protocol error, no request timed out, and not draining ({@link #closeWhenIdle}). Any
     * thread; for a pool's validation.
     */
    public boolean isUsable() {
        return connection.isOpen() && !handler.broken;
    }

    public Connection connection() {
        return connection;
    }

    /**
     * Sends one frame; the future gets the reply that answers it, within the configured
     * {@link FrameConfig#requestTimeout()}. The body is copied at once.
     */
    public CompletableFuture<FrameReply> send(int cmd, byte[] body) {
        return send(cmd, body, handler.config.requestTimeout());
    }

    /**
     * Sends one frame; the future gets its reply, or fails with a {@link FrameTimeoutException}
     * if none comes within {@code timeout} of this call ({@link Duration#ZERO}: no limit).
     * Cancelling the future only stops waiting: the frame may already be on the wire, and its
     * reply is dropped when it comes.
     */
    public CompletableFuture<FrameReply> send(int cmd, byte[] body, Duration timeout) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(timeout, "timeout");
        if (cmd < 0 || cmd > 0xFFFF) {
            throw new IllegalArgumentException("cmd must fit in 16 bits: " + cmd);
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        Pending reply = new Pending(timeout.isZero() ? 0 : timeout.toNanos());
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

    /**
     * Takes no more requests, and closes the connection once every request already sent has its
     * reply (or has timed out), or when {@code limit} passes ({@link Duration#ZERO}: no limit),
     * whichever is first; requests still waiting then fail as on {@link #close()}. Requests sent
     * before this call, from any thread, are let finish. Any thread; idempotent.
     */
    public void closeWhenIdle(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        // Always through the queue, even on the loop thread: sends queued before this call run first.
        try {
            connection.eventLoop().execute(() -> handler.drain(limit));
        } catch (RejectedExecutionException stopped) {
            connection.close(); // the loop is gone, and the connection with it
        }
    }

    /** A request waiting for its reply, with its deadline ({@link System#nanoTime()}) if it has one. */
    private static final class Pending extends CompletableFuture<FrameReply> {
        final long timeoutNanos;
        final long deadline;

        Pending(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
            this.deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        }

        boolean hasDeadline() {
            return timeoutNanos > 0;
        }
    }

    /** Loop-confined: every field is touched on the connection's loop thread only. */
    private static final class Handler implements ConnectionHandler, FrameSink {
        private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

        final FrameConfig config;
        private final FrameDecoder decoder;
        private final FrameWriter writer = new FrameWriter();
        private final UnsafeBuffer body = new UnsafeBuffer(EMPTY.byteArray());
        /** In request order; entries that timed out or were cancelled stay, so that their late replies are matched and dropped. */
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private final Runnable flush = this::flush;
        private Connection connection;
        private Heartbeat heartbeat;
        private boolean flushQueued;
        private IOException failure;
        /** The read deadline is set, at {@link #armedAt}, for the earliest deadline among the waiting requests. */
        private boolean armed;
        private long armedAt;
        /** No new requests: closing once none is waiting (after a timeout, or {@link #drain}). */
        private boolean draining;
        private EventLoop.Cancellable drainLimit;
        /** Written on the loop, read by any thread. */
        private volatile long pingsAnswered;
        /** Set on the loop once the peer half-closed, the stream broke, a request timed out, draining began, or the connection closed. */
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

        void send(int cmd, byte[] bytes, Pending reply) {
            if (failure != null || !connection.isOpen() || draining) {
                reply.completeExceptionally(failure != null ? failure : new ClosedChannelException());
                return;
            }
            if (reply.hasDeadline()) {
                long now = System.nanoTime();
                if (reply.deadline - now <= 0) {
                    reply.completeExceptionally(timedOut(reply, "before it was sent"));
                    return;
                }
                if (!armed || reply.deadline - armedAt < 0) {
                    arm(reply.deadline, now);
                }
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
            Pending reply = waiting.poll();
            if (reply != null && !reply.isDone()) {
                byte[] copy = new byte[length];
                buffer.getBytes(offset, copy);
                reply.complete(new FrameReply(cmd, copy));
            }
            // With nobody waiting, a reply answers nothing: an ERROR sent just before a close, or
            // a server that broke the order. Either way there is no one to give it to. A reply to
            // a request that timed out or was cancelled is dropped the same way.
            if (draining && noneWaiting()) {
                connection.close();
            }
            return true;
        }

        private void arm(long deadline, long now) {
            armed = true;
            armedAt = deadline;
            connection.setReadDeadline(Duration.ofNanos(Math.max(1, deadline - now)));
        }

        /**
         * The read deadline passed: fail the requests that are due, and move the deadline to the
         * next one. It was set for the earliest request when it was sent, and may find that one
         * long answered: one scan per timeout period, not one timer move per reply.
         */
        @Override
        public void onTimeout(Connection connection, DeadlineExceededException timeout) {
            if (timeout.kind() != DeadlineExceededException.Kind.READ || !armed) {
                return;
            }
            armed = false;
            long now = System.nanoTime();
            boolean any = false;
            boolean later = false;
            long next = 0;
            for (Pending p : waiting) {
                if (p.isDone() || !p.hasDeadline()) {
                    continue;
                }
                if (p.deadline - now <= 0) {
                    any |= p.completeExceptionally(timedOut(p, "with no reply"));
                } else if (!later || p.deadline - next < 0) {
                    later = true;
                    next = p.deadline;
                }
            }
            if (later) {
                arm(next, now);
            }
            if (any) {
                // A server that let a request time out is suspect: take no more, finish the rest.
                broken = true;
                draining = true;
                if (noneWaiting()) {
                    connection.close();
                }
            }
        }

        private FrameTimeoutException timedOut(Pending p, String when) {
            return new FrameTimeoutException("frame request to " + connection.remoteAddress() + " timed out after "
                    + TimeUnit.NANOSECONDS.toMillis(p.timeoutNanos) + " ms " + when);
        }

        /** No request is waiting for a reply that someone still wants. */
        private boolean noneWaiting() {
            for (Pending p : waiting) {
                if (!p.isDone()) {
                    return false;
                }
            }
            return true;
        }

        void drain(Duration limit) {
            if (!connection.isOpen()) {
                return;
            }
            broken = true;
            draining = true;
            if (noneWaiting()) {
                connection.close();
            } else if (!limit.isZero() && drainLimit == null) {
                drainLimit = connection.eventLoop().schedule(connection::close, limit.toNanos(), TimeUnit.NANOSECONDS);
            }
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

        private int stillWaiting() {
            int n = 0;
            for (Pending p : waiting) {
                n += p.isDone() ? 0 : 1;
            }
            return n;
        }

        @Override
        public void onClose(Connection connection) {
            if (heartbeat != null) {
                heartbeat.stop();
            }
            if (drainLimit != null) {
                drainLimit.cancel();
            }
            failAll(failure != null ? failure : new Closed(stillWaiting()));
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

package io.ringwire;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.agrona.DirectBuffer;

/**
 * One TCP connection, owned by one event loop.
 *
 * <h2>Threading</h2>
 * Every method may be called from any thread. Calls from the loop thread (inside a
 * {@link ConnectionHandler} method) act at once; calls from other threads are handed to the loop
 * through its task queue. Writes keep their order: those from one thread appear on the wire in the
 * order they were made, and a loop-thread write never overtakes a cross-thread write that was
 * queued before it.
 *
 * <h2>Writing</h2>
 * {@link #write} copies the bytes into the connection's off-heap outbound queue, so the caller may
 * reuse its buffer at once. {@link #flush} hands the queue to the kernel with gathering writes; what
 * the kernel does not take yet is sent when the socket becomes writable again. Memory is bounded by
 * the watermarks: see {@link ConnectionHandler#onWritabilityChanged}.
 *
 * <h2>Closing</h2>
 * {@link #shutdownOutput()} sends FIN after every queued byte. {@link #close()} closes at once:
 * bytes already handed to the kernel are still delivered, but queued bytes not yet flushed to the
 * kernel are dropped, and {@link #droppedBytes()} counts them.
 */
public interface Connection {

    /** The loop that owns this connection and runs its handler. */
    EventLoop eventLoop();

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    /** True until the connection is closed. */
    boolean isOpen();

    /**
     * True once a graceful server shutdown ({@link Server#shutdown}) has asked this connection to
     * close when idle. A request/response protocol tells its peer so in the responses it still
     * writes (HTTP: {@code Connection: close}), so that no reused or pipelining client sends a
     * request the server will not read. Loop thread only; false for a client connection.
     */
    default boolean isDraining() {
        return false;
    }

    /**
     * During a graceful server shutdown, asks {@link ConnectionHandler#isIdle} again, on the loop
     * thread: for a handler that finishes a request outside its own methods, on another thread
     * or in a future's callback. The transport asks by itself after each handler method and each
     * flush that empties the queue. Any thread; does nothing unless the connection is draining.
     */
    default void requestIdleCheck() {
    }

    /** Queues a copy of {@code src[offset, offset+length)}. Silently dropped after close; see {@link #isOpen()}. */
    void write(DirectBuffer src, int offset, int length);

    /** Queues a copy of {@code src[offset, offset+length)}. */
    void write(byte[] src, int offset, int length);

    /** Queues a copy of the remaining bytes of {@code src}, leaving its position unchanged. */
    void write(ByteBuffer src);

    /** Sends what is queued, as far as the kernel takes it now; the rest follows on writability. */
    void flush();

    /**
     * Queues {@code length} bytes of {@code file} from {@code offset}, to be sent without copying
     * them through Java ({@code sendfile(2)}), in their place among this connection's other writes.
     * Like {@link #write}, it only queues: {@link #flush()} sends. {@code length} -1 means "to the
     * end of the file as it is now".
     *
     * <p><b>Ownership and threading.</b> May be called from any thread. The file is opened here, on
     * the caller's thread, so a missing or unreadable file, anything but a regular file (a
     * directory; a FIFO, which is opened without waiting for a writer), or a range beyond its end
     * fails the returned future at once and queues nothing. From then on the connection owns the descriptor
     * and closes it when the future ends, however it ends. The future completes with the length
     * sent once the kernel has taken the last byte, and fails if the connection closes first
     * ({@link java.nio.channels.ClosedChannelException}), the socket fails, or the file turns out
     * shorter than the range when its turn comes ({@link java.io.EOFException}; the connection is
     * then closed, since its peer was promised bytes that do not exist). Callbacks attached to the
     * future without an executor run on the loop thread and must not block.
     *
     * <p>Queued file bytes count in {@link #pendingOutboundBytes()} and against the watermarks.
     *
     * <p><b>The page cache.</b> Both backends call {@code sendfile} on the loop thread, which is
     * cheapest for a file in the page cache. Pages that are not cached are read from the disk
     * within that call, and the loop, with every connection on it, waits meanwhile: warm large
     * cold files first, or spread connections over more loops.
     */
    default CompletableFuture<Long> sendFile(Path file, long offset, long length) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("sendFile on " + getClass().getName()));
    }

    /** {@link #sendFile(Path, long, long)} of the whole file. */
    default CompletableFuture<Long> sendFile(Path file) {
        return sendFile(file, 0, -1);
    }

    /**
     * {@link #sendFile(Path, long, long)} with {@code prefix[prefixOffset, prefixOffset+prefixLength)}
     * queued just before the file: both, or neither. The file is opened first, so if it cannot be
     * (missing, unreadable, not a regular file, the range beyond its end), the returned future
     * has already failed when this returns and nothing is queued, not even the prefix. A protocol
     * puts its response head here, and can then answer with an error instead of a head that
     * promised a body. The prefix is copied, as by {@link #write}; threading and ownership are
     * those of {@link #sendFile(Path, long, long)}.
     *
     * @throws IndexOutOfBoundsException if the prefix range lies outside {@code prefix}
     */
    default CompletableFuture<Long> sendFile(DirectBuffer prefix, int prefixOffset, int prefixLength,
                                             Path file, long offset, long length) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("sendFile on " + getClass().getName()));
    }

    /** {@link #write(DirectBuffer, int, int)} then {@link #flush()}. */
    default void writeAndFlush(DirectBuffer src, int offset, int length) {
        write(src, offset, length);
        flush();
    }

    /** False while the queued outbound bytes are above the high watermark. */
    boolean isWritable();

    /** Bytes queued and not yet taken by the kernel, as last seen by the loop. */
    long pendingOutboundBytes();

    /** Bytes that {@link #close()} discarded from the outbound queue. */
    long droppedBytes();

    /**
     * Pauses ({@code false}) or resumes ({@code true}) reading. A paused connection leaves data in
     * the kernel, so TCP flow control pushes back on the peer. Resuming picks up data that arrived
     * while paused, and a FIN or reset that came meanwhile, without waiting for new traffic.
     */
    void setAutoRead(boolean autoRead);

    /** Sends FIN once every queued byte is out. Reading goes on; {@link #close()} follows when both sides are done. */
    void shutdownOutput();

    /** Closes now; see the class comment for what happens to queued bytes. Idempotent. */
    void close();

    /**
     * Sets the read deadline to {@code timeout} from now, replacing (extending or shortening) the
     * one set before; {@link java.time.Duration#ZERO} clears it. If it passes, the handler gets
     * {@link ConnectionHandler#onTimeout} with a {@link DeadlineExceededException} of kind READ,
     * the connection stays open, and the deadline is cleared. As in Go, the deadline is a point in
     * time: data arriving does not move it, so a handler that wants "no silence longer than T"
     * sets it again in {@code onData}. On the loop thread this moves one timer and allocates
     * nothing. Any thread; the deadline is measured from the call.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    void setReadDeadline(java.time.Duration timeout);

    /**
     * Sets the write deadline to {@code timeout} from now, replacing the one set before;
     * {@link java.time.Duration#ZERO} clears it. It fires only if, when it passes, queued bytes are
     * still waiting for the kernel to take them (a write is "blocked": the peer stopped reading);
     * then the handler gets {@link ConnectionHandler#onTimeout} with kind WRITE and the connection
     * stays open. Either way the deadline is then cleared. Any thread, as {@link #setReadDeadline}.
     */
    void setWriteDeadline(java.time.Duration timeout);

    /** Sets the read and the write deadline together, as Go's {@code SetDeadline}. */
    default void setDeadline(java.time.Duration timeout) {
        setReadDeadline(timeout);
        setWriteDeadline(timeout);
    }

    /** Sets a socket option; errors go to {@link ConnectionHandler#onError} when called off the loop. */
    <T> void setOption(SocketOption<T> option, T value);

    /**
     * Reads a socket option. Safe from any thread: it is one getsockopt call on a descriptor that
     * stays valid while the connection is open.
     *
     * @throws java.io.UncheckedIOException if the connection is closed or the kernel refuses
     */
    <T> T getOption(SocketOption<T> option);

    /** An object the application associates with this connection; null until set. */
    Object attachment();

    /** Sets the attachment; visible to other threads after a happens-before edge of their own. */
    void attach(Object attachment);
}

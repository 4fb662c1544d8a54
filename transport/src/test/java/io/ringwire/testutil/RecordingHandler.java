package io.ringwire.testutil;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.DeadlineExceededException;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;

/**
 * Records what happens to one connection, for a test thread to wait on and inspect, and passes
 * each event on to an optional delegate (for example {@link EchoHandler}).
 *
 * <p>Events arrive on the loop thread; the futures and counters make them visible to the test
 * thread with a happens-before edge.
 */
public class RecordingHandler implements ConnectionHandler {
    private final ConnectionHandler delegate;
    private final boolean keepData;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    public final CompletableFuture<Connection> opened = new CompletableFuture<>();
    public final CompletableFuture<Void> inputShutdown = new CompletableFuture<>();
    public final CompletableFuture<Void> closed = new CompletableFuture<>();
    public final List<Throwable> errors = new CopyOnWriteArrayList<>();
    public final AtomicLong receivedBytes = new AtomicLong();
    public final AtomicInteger unwritableEvents = new AtomicInteger();
    public final AtomicInteger writableEvents = new AtomicInteger();
    public final List<DeadlineExceededException> timeouts = new CopyOnWriteArrayList<>();
    /** Set if any event came after onClose, which the contract forbids. */
    public volatile String eventAfterClose;

    /** Records only; on FIN it does what the default handler does (finish sending, then close). */
    public RecordingHandler() {
        this(null, true);
    }

    /** Records, keeping a copy of the received bytes if {@code keepData}, and passes events to {@code delegate}. */
    public RecordingHandler(ConnectionHandler delegate, boolean keepData) {
        this.delegate = delegate;
        this.keepData = keepData;
    }

    /** A copy of every byte received so far (empty if the handler keeps no data). */
    public byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    /** The connection, once opened; fails the test if it does not open in time. */
    public Connection connection() {
        return Await.get(opened, "the connection to open");
    }

    private void checkNotClosed(String event) {
        if (closed.isDone() && eventAfterClose == null) {
            eventAfterClose = event;
        }
    }

    @Override
    public void onOpen(Connection connection) {
        checkNotClosed("onOpen");
        opened.complete(connection);
        if (delegate != null) {
            delegate.onOpen(connection);
        }
    }

    @Override
    public void onData(Connection connection, DirectBuffer data, int offset, int length) {
        checkNotClosed("onData");
        if (keepData) {
            byte[] copy = new byte[length];
            data.getBytes(offset, copy);
            synchronized (received) {
                received.write(copy, 0, length);
            }
        }
        receivedBytes.addAndGet(length);
        if (delegate != null) {
            delegate.onData(connection, data, offset, length);
        }
    }

    @Override
    public void onInputShutdown(Connection connection) {
        checkNotClosed("onInputShutdown");
        inputShutdown.complete(null);
        if (delegate != null) {
            delegate.onInputShutdown(connection);
        } else {
            ConnectionHandler.super.onInputShutdown(connection);
        }
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        checkNotClosed("onWritabilityChanged");
        (writable ? writableEvents : unwritableEvents).incrementAndGet();
        if (delegate != null) {
            delegate.onWritabilityChanged(connection, writable);
        }
    }

    @Override
    public void onError(Connection connection, Throwable cause) {
        checkNotClosed("onError");
        errors.add(cause);
        if (delegate != null) {
            delegate.onError(connection, cause);
        }
    }

    @Override
    public void onTimeout(Connection connection, DeadlineExceededException timeout) {
        checkNotClosed("onTimeout");
        timeouts.add(timeout);
        if (delegate != null) {
            delegate.onTimeout(connection, timeout);
        }
    }

    @Override
    public boolean isIdle(Connection connection) {
        return delegate == null || delegate.isIdle(connection);
    }

    @Override
    public void onClose(Connection connection) {
        checkNotClosed("onClose");
        closed.complete(null);
        if (delegate != null) {
            delegate.onClose(connection);
        }
    }
}

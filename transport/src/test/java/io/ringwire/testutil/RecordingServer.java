package io.ringwire.testutil;

import io.ringwire.ConnectionHandler;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A handler supplier for servers that hands each accepted connection a fresh
 * {@link RecordingHandler} and lets the test take them in accept order.
 */
public final class RecordingServer implements Supplier<ConnectionHandler> {
    private final Supplier<? extends ConnectionHandler> delegates;
    private final boolean keepData;
    private final BlockingQueue<RecordingHandler> accepted = new LinkedBlockingQueue<>();
    private final List<RecordingHandler> all = new CopyOnWriteArrayList<>();

    /** Each connection records and echoes. */
    public static RecordingServer echo() {
        return new RecordingServer(() -> EchoHandler.INSTANCE, true);
    }

    public RecordingServer(Supplier<? extends ConnectionHandler> delegates, boolean keepData) {
        this.delegates = delegates;
        this.keepData = keepData;
    }

    @Override
    public ConnectionHandler get() {
        RecordingHandler h = new RecordingHandler(delegates == null ? null : delegates.get(), keepData);
        all.add(h);
        accepted.add(h);
        return h;
    }

    /** The next accepted connection's handler, once it is open. */
    public RecordingHandler next() {
        try {
            RecordingHandler h = accepted.poll(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(h, "no connection was accepted within " + Await.DEFAULT.toMillis() + " ms");
            h.connection();
            return h;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    /** Every handler handed out so far. */
    public List<RecordingHandler> all() {
        return all;
    }
}

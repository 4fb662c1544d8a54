package io.ringwire.protocol.http;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.protocol.codec.LingeringClose;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.agrona.DirectBuffer;

/**
 * An HTTP/1.1 server connection: decodes requests, runs the handler for each, writes the
 * responses in request order, and flushes once per read, so 16 pipelined requests that arrive in
 * one segment are answered with one {@code writev}.
 *
 * <p>Keep-alive is the default for HTTP/1.1; {@code Connection: close}, an HTTP/1.0 request
 * without {@code keep-alive}, or a response that asks for it ends the connection after the
 * response, as does a graceful server shutdown ({@link Connection#isDraining}: the response
 * written while draining says {@code Connection: close}). A request the decoder refuses ({@link HttpException}) gets its status (400, 413, 431,
 * 501, 505) with {@code Connection: close}; a handler that throws gets 500. Either way the
 * connection then ends with a {@link LingeringClose}, dropping further input, and only this
 * connection is affected.
 *
 * <h2>Backpressure</h2>
 * A client that pipelines and does not read must not make the server hold unbounded work for it.
 * Decoding stops after the request whose response made the connection unwritable (queued bytes,
 * file bytes included, over the high watermark), or left {@link #MAX_QUEUED_FILES} file responses
 * queued, each of which holds an open descriptor; what was not decoded yet is held
 * ({@link HeldInput}) and reading pauses, so TCP pushes back on the client. Decoding resumes, from
 * the held input first, once the connection is writable again and file responses have gone out.
 *
 * <p>One instance per connection; every method runs on that connection's loop thread.
 */
public final class HttpServerHandler implements ConnectionHandler, HttpRequestDecoder.Sink {
    private static final System.Logger LOG = System.getLogger("io.ringwire.protocol.http");
    /**
     * File responses queued at most before decoding pauses: each holds a descriptor until its
     * last byte is out, and a 64 KiB read of {@code GET /files/x} lines is some 2000 requests.
     * Enough to keep a pipeline of files moving.
     */
    static final int MAX_QUEUED_FILES = 16;

    private final HttpHandler handler;
    private final HttpServerConfig config;
    private final HttpServerStats stats;
    private final HttpRequestDecoder decoder;
    private final HttpResponse response = new HttpResponse();
    private final HttpResponseEncoder encoder = new HttpResponseEncoder();
    private Connection connection;
    private boolean closing;
    private final HeldInput held = new HeldInput();
    /** File responses queued whose sends have not ended. */
    private int queuedFiles;
    /** Reading was paused here for backpressure, and {@link #resume} will restart it. */
    private boolean readPaused;
    private boolean resumeScheduled;
    private final Runnable resumeTask = this::resume;
    private final java.util.function.BiConsumer<Long, Throwable> fileEnded = (sent, failed) -> fileEnded();

    public HttpServerHandler(HttpHandler handler, HttpServerConfig config, HttpServerStats stats) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.config = Objects.requireNonNull(config, "config");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.decoder = new HttpRequestDecoder(config, this);
    }

    @Override
    public void onOpen(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void onData(Connection connection, DirectBuffer data, int offset, int length) {
        if (closing) {
            return; // after the last response: drop the rest while the peer reads it and closes
        }
        if (!held.isEmpty()) {
            held.append(data, offset, length); // after what waits already: order is everything
            pauseReading();
            return;
        }
        decodeAndFlush(data, offset, length);
    }

    /** Decodes what it may of {@code data}, holds the rest if decoding paused, flushes the responses. */
    private void decodeAndFlush(DirectBuffer data, int offset, int length) {
        int used;
        try {
            used = decoder.decode(data, offset, length);
        } catch (HttpException e) {
            held.clear();
            refuse(e.status(), e.getMessage());
            return;
        }
        if (closing) {
            held.clear(); // the last response is written: the rest is dropped
        } else if (used < length) {
            held.append(data, offset + used, length - used);
        }
        connection.flush();
        if (!closing && (!held.isEmpty() || mustPause())) {
            pauseReading();
            resumeIfUnblocked();
        }
    }

    /**
     * The flush just made may have undone what paused decoding (the socket took it all, the files
     * went out) inside this very call, and then no writability change or file completion is left
     * to report it: go on by ourselves.
     */
    private void resumeIfUnblocked() {
        if (!mustPause()) {
            scheduleResume();
        }
    }

    /** Responses back up: the connection is over its high watermark, or holds many files open. */
    private boolean mustPause() {
        return !connection.isWritable() || queuedFiles >= MAX_QUEUED_FILES;
    }

    private void pauseReading() {
        if (!readPaused) {
            readPaused = true;
            connection.setAutoRead(false);
        }
    }

    /** Asks for {@link #resume} to run once on the loop, after the transport's work in progress. */
    private void scheduleResume() {
        if (readPaused && !resumeScheduled && !closing && connection.isOpen()) {
            resumeScheduled = true;
            connection.eventLoop().execute(resumeTask);
        }
    }

    /**
     * Goes on where backpressure stopped: the held input first, then reading. Runs as a loop task,
     * not inside the callback that allowed it (a send's completion, a writability change), so a
     * flush never nests inside the transport's own.
     */
    private void resume() {
        resumeScheduled = false;
        if (closing || !connection.isOpen() || mustPause()) {
            return; // a later writability change or file completion schedules it again
        }
        if (!held.isEmpty()) {
            int size = held.size();
            int used;
            try {
                used = decoder.decode(held.buffer(), held.start(), size);
            } catch (HttpException e) {
                held.clear();
                refuse(e.status(), e.getMessage());
                return;
            }
            if (closing) {
                held.clear();
            } else {
                held.consumed(used);
            }
            connection.flush();
            if (closing) {
                return;
            }
            if (!held.isEmpty()) {
                resumeIfUnblocked(); // paused again; perhaps unblocked already
                return;
            }
        }
        if (!mustPause()) {
            readPaused = false;
            connection.setAutoRead(true);
        }
    }

    /** A queued file response's send ended, its descriptor closed: runs on the loop thread. */
    private void fileEnded() {
        queuedFiles--;
        if (queuedFiles < MAX_QUEUED_FILES) {
            scheduleResume();
        }
    }

    @Override
    public boolean onRequest(HttpRequest request) {
        stats.requestServed();
        response.reset();
        try {
            handler.handle(request, response);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "handler failed on " + request + " from " + connection.remoteAddress(), t);
            stats.error(HttpStatus.INTERNAL_SERVER_ERROR);
            response.reset();
            response.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType("text/plain").body("internal server error\n");
            response.closeConnection();
        }
        // Draining: say "Connection: close" and end after this response, so that a pipelining or
        // reusing client knows the requests it sends after this one will not be read.
        boolean keepAlive = request.keepAlive() && !response.closeRequested() && !connection.isDraining();
        boolean http10 = request.version() == HttpVersion.HTTP_1_0;
        boolean head = request.method() == HttpMethod.HEAD;
        CompletableFuture<Long> file = encoder.write(connection, response, keepAlive, http10, head);
        if (file != null && file.isCompletedExceptionally()) {
            // The file could not be opened (gone, unreadable, a FIFO now) and nothing was queued:
            // this request gets its error, and the responses before and after it are unharmed.
            Throwable why = file.exceptionNow();
            int status = FileFailures.status(why);
            LOG.log(System.Logger.Level.DEBUG, () -> request + ": " + status + ", the file did not open: " + why.getMessage());
            stats.error(status);
            response.reset();
            FileFailures.respond(response, status);
            encoder.write(connection, response, keepAlive, http10, head);
        } else if (file != null) {
            queuedFiles++;
            file.whenComplete(fileEnded);
        }
        if (!keepAlive) {
            end();
            return false;
        }
        if (mustPause()) {
            decoder.pause(); // the rest waits, held, until the responses move
        }
        return true;
    }

    @Override
    public void onContinueExpected(HttpRequest request) {
        encoder.writeContinue(connection);
        connection.flush();
    }

    /** The decoder refused the input: the status, the reason as the body, then the end. */
    private void refuse(int status, String reason) {
        stats.error(status);
        LOG.log(System.Logger.Level.DEBUG, () -> connection + ": " + status + " " + reason);
        response.reset();
        response.status(status).contentType("text/plain; charset=utf-8").body(reason).append("\n");
        encoder.write(connection, response, false, false, false);
        end();
    }

    private void end() {
        closing = true;
        decoder.close();
        LingeringClose.start(connection, config.linger());
    }

    /** Between requests: nothing of a next request has arrived, or the connection is ending anyway. */
    @Override
    public boolean isIdle(Connection connection) {
        return closing || decoder.bufferedBytes() == 0 && held.isEmpty();
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        if (writable) {
            scheduleResume();
        }
    }

    @Override
    public void onClose(Connection connection) {
        decoder.close();
        held.clear();
    }
}

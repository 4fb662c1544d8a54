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
 * connection is affected. While the connection is not writable, reading pauses.
 *
 * <p>One instance per connection; every method runs on that connection's loop thread.
 */
public final class HttpServerHandler implements ConnectionHandler, HttpRequestDecoder.Sink {
    private static final System.Logger LOG = System.getLogger("io.ringwire.protocol.http");

    private final HttpHandler handler;
    private final HttpServerConfig config;
    private final HttpServerStats stats;
    private final HttpRequestDecoder decoder;
    private final HttpResponse response = new HttpResponse();
    private final HttpResponseEncoder encoder = new HttpResponseEncoder();
    private Connection connection;
    private boolean closing;

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
        try {
            decoder.decode(data, offset, length);
        } catch (HttpException e) {
            refuse(e.status(), e.getMessage());
            return;
        }
        connection.flush();
        if (!closing && !connection.isWritable()) {
            connection.setAutoRead(false);
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
        }
        if (!keepAlive) {
            end();
            return false;
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
        return closing || decoder.bufferedBytes() == 0;
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        if (writable && !closing) {
            connection.setAutoRead(true);
        }
    }

    @Override
    public void onClose(Connection connection) {
        decoder.close();
    }
}

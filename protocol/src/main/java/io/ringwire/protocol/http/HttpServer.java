package io.ringwire.protocol.http;

import io.ringwire.ConnectionHandler;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An HTTP/1.1 server, ready for {@link io.ringwire.EventLoopGroup#listen}:
 *
 * <pre>{@code
 * HttpServerStats stats = new HttpServerStats();
 * Server server = group.listen(address, ServerConfig.defaults(),
 *         HttpServer.handlers(router, HttpServerConfig.defaults(), stats));
 * }</pre>
 *
 * See {@link HttpServerHandler} for what each connection does.
 */
public final class HttpServer {
    private HttpServer() {
    }

    /** Each connection gets its own {@link HttpServerHandler} around the shared {@code handler}. */
    public static Supplier<ConnectionHandler> handlers(HttpHandler handler, HttpServerConfig config, HttpServerStats stats) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(stats, "stats");
        return () -> new HttpServerHandler(handler, config, stats);
    }
}

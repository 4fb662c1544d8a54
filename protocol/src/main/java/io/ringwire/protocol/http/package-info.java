/**
 * An HTTP/1.1 server codec: request decoding (heads, Content-Length and chunked bodies,
 * pipelining, limits), response encoding (cached Date, one gathering write per batch), and a
 * small router. Not a web framework.
 *
 * <p>{@link io.ringwire.protocol.http.HttpServer} makes the per-connection
 * {@link io.ringwire.protocol.http.HttpServerHandler}s; a {@link io.ringwire.protocol.http.HttpHandler}
 * (often an {@link io.ringwire.protocol.http.HttpRouter}) fills in a lent
 * {@link io.ringwire.protocol.http.HttpResponse} for each lent {@link io.ringwire.protocol.http.HttpRequest}.
 */
package io.ringwire.protocol.http;

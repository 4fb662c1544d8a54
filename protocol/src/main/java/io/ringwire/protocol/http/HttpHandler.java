package io.ringwire.protocol.http;

/**
 * Serves requests. Called on the connection's loop thread, one request at a time, in the order
 * they arrived; must not block. The request is lent for the call; fill in the response and
 * return, and the server writes it. A handler that throws gets its client a 500 and a close.
 */
@FunctionalInterface
public interface HttpHandler {
    void handle(HttpRequest request, HttpResponse response) throws Exception;
}

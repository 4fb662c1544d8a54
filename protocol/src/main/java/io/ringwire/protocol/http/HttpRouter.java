package io.ringwire.protocol.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Method plus path goes to a handler; that is all. Exact paths and path prefixes, tried in the
 * order they were added. A path that matches under another method gets 405; none gets 404. A
 * HEAD request goes to the GET route of its path (the server leaves the body out).
 *
 * <pre>{@code
 * HttpRouter router = HttpRouter.builder()
 *         .get("/plaintext", (req, res) -> res.contentType("text/plain").body(HELLO))
 *         .prefix(HttpMethod.GET, "/files/", files)
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe once built; matching compares the request's path bytes in place
 * and allocates nothing.
 */
public final class HttpRouter implements HttpHandler {
    private record Route(HttpMethod method, byte[] path, boolean prefix, HttpHandler handler) {
        boolean matchesPath(HttpRequest request) {
            int length = request.pathLength();
            if (prefix ? length < path.length : length != path.length) {
                return false;
            }
            return Ascii.equals(request.pathBuffer(), request.pathOffset(), path);
        }

        boolean matchesMethod(HttpMethod m) {
            return method == m || (m == HttpMethod.HEAD && method == HttpMethod.GET);
        }
    }

    private final Route[] routes;

    private HttpRouter(List<Route> routes) {
        this.routes = routes.toArray(Route[]::new);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        boolean pathKnown = false;
        for (Route r : routes) {
            if (r.matchesPath(request)) {
                if (r.matchesMethod(request.method())) {
                    r.handler.handle(request, response);
                    return;
                }
                pathKnown = true;
            }
        }
        if (pathKnown) {
            response.status(HttpStatus.METHOD_NOT_ALLOWED).header("Allow", allowed(request)).contentType("text/plain")
                    .body("method not allowed\n");
        } else {
            response.status(HttpStatus.NOT_FOUND).contentType("text/plain").body("not found\n");
        }
    }

    private String allowed(HttpRequest request) {
        StringBuilder sb = new StringBuilder();
        for (Route r : routes) {
            if (r.matchesPath(request)) {
                if (!sb.isEmpty()) {
                    sb.append(", ");
                }
                sb.append(r.method.name());
                if (r.method == HttpMethod.GET) {
                    sb.append(", HEAD");
                }
            }
        }
        return sb.toString();
    }

    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();

        private Builder() {
        }

        /** {@code method} requests for exactly {@code path}. */
        public Builder route(HttpMethod method, String path, HttpHandler handler) {
            return add(method, path, false, handler);
        }

        /** GET (and HEAD) requests for exactly {@code path}. */
        public Builder get(String path, HttpHandler handler) {
            return route(HttpMethod.GET, path, handler);
        }

        /** {@code method} requests for any path that starts with {@code prefix}. */
        public Builder prefix(HttpMethod method, String prefix, HttpHandler handler) {
            return add(method, prefix, true, handler);
        }

        private Builder add(HttpMethod method, String path, boolean prefix, HttpHandler handler) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(handler, "handler");
            if (method == HttpMethod.OTHER) {
                throw new IllegalArgumentException("routes need a known method");
            }
            if (path.isEmpty() || path.chars().anyMatch(c -> c <= 0x20 || c >= 0x7F)) {
                throw new IllegalArgumentException("route path must be visible ASCII: '" + path + "'");
            }
            routes.add(new Route(method, path.getBytes(java.nio.charset.StandardCharsets.US_ASCII), prefix, handler));
            return this;
        }

        public HttpRouter build() {
            return new HttpRouter(routes);
        }
    }
}

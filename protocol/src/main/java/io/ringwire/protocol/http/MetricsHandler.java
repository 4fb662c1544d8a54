package io.ringwire.protocol.http;

import io.ringwire.TransportStats;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the transport's counters (and the HTTP server's) in the Prometheus text
 * exposition format, version 0.0.4.
 *
 * <pre>
 * ringwire_loops 2
 * ringwire_connections_opened_total 17
 * ringwire_connections_active 3
 * ringwire_bytes_read_total 40960
 * ringwire_sendfile_bytes_total 1048576
 * ringwire_errors_total{kind="read"} 0
 * ringwire_http_errors_total{status="400"} 1
 * </pre>
 *
 * Thread-safe: it keeps no state of its own; the text is built in the connection's response.
 */
public final class MetricsHandler implements HttpHandler {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<TransportStats> transport;
    private final HttpServerStats http;

    public MetricsHandler(Supplier<TransportStats> transport, HttpServerStats http) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.http = Objects.requireNonNull(http, "http");
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) {
        TransportStats s = transport.get();
        response.contentType(CONTENT_TYPE).body("");
        gauge(response, "ringwire_loops", "Event-loop threads.", s.loops());
        counter(response, "ringwire_connections_opened_total", "Connections opened, accepted or connected.", s.connectionsOpened());
        counter(response, "ringwire_connections_closed_total", "Connections closed.", s.connectionsClosed());
        gauge(response, "ringwire_connections_active", "Connections open now.", s.connectionsActive());
        counter(response, "ringwire_connections_rejected_total", "Connections closed at once by a limit: --max-conns, --max-conns-per-ip, --accept-rate.", s.connectionsRejected());
        response.append("# HELP ringwire_connections_rejected_by_limit_total Of the rejected connections, by the limit refusing them.\n"
                + "# TYPE ringwire_connections_rejected_by_limit_total counter\n");
        labelled(response, "ringwire_connections_rejected_by_limit_total", "limit", "max_conns", s.rejectedMaxConnections());
        labelled(response, "ringwire_connections_rejected_by_limit_total", "limit", "per_ip", s.rejectedPerIp());
        labelled(response, "ringwire_connections_rejected_by_limit_total", "limit", "accept_rate", s.rejectedByRate());
        counter(response, "ringwire_bytes_read_total", "Bytes received.", s.bytesRead());
        counter(response, "ringwire_bytes_written_total", "Bytes sent.", s.bytesWritten());
        counter(response, "ringwire_sendfile_bytes_total", "Of the bytes sent, file bytes the kernel took by sendfile(2), never copied through Java (/files).", s.sendfileBytes());
        counter(response, "ringwire_splice_bytes_total", "Bytes splice relays moved socket to socket by splice(2), each relayed byte once.", s.spliceBytes());
        response.append("# HELP ringwire_errors_total Transport errors, by kind.\n# TYPE ringwire_errors_total counter\n");
        labelled(response, "ringwire_errors_total", "kind", "read", s.readErrors());
        labelled(response, "ringwire_errors_total", "kind", "write", s.writeErrors());
        labelled(response, "ringwire_errors_total", "kind", "handler", s.handlerErrors());
        labelled(response, "ringwire_errors_total", "kind", "accept", s.acceptErrors());
        counter(response, "ringwire_loop_wakeups_total", "Times a parked loop was woken by another thread.", s.wakeups());
        counter(response, "ringwire_http_requests_total", "HTTP requests that reached a handler.", http.requests());
        response.append("# HELP ringwire_http_errors_total Requests the HTTP server refused, by status.\n"
                + "# TYPE ringwire_http_errors_total counter\n");
        for (int status : HttpServerStats.errorStatuses()) {
            labelled(response, "ringwire_http_errors_total", "status", Integer.toString(status), http.errors(status));
        }
    }

    private static void counter(HttpResponse r, String name, String help, long value) {
        metric(r, name, help, "counter", value);
    }

    private static void gauge(HttpResponse r, String name, String help, long value) {
        metric(r, name, help, "gauge", value);
    }

    private static void metric(HttpResponse r, String name, String help, String type, long value) {
        r.append("# HELP ").append(name).append(" ").append(help).append("\n");
        r.append("# TYPE ").append(name).append(" ").append(type).append("\n");
        r.append(name).append(" ").append(value).append("\n");
    }

    private static void labelled(HttpResponse r, String name, String label, String labelValue, long value) {
        r.append(name).append("{").append(label).append("=\"").append(labelValue).append("\"} ").append(value).append("\n");
    }
}

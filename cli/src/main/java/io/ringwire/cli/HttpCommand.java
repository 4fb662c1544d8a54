package io.ringwire.cli;

import io.ringwire.EventLoopGroup;
import io.ringwire.protocol.http.HttpHandler;
import io.ringwire.protocol.http.HttpHeader;
import io.ringwire.protocol.http.HttpMethod;
import io.ringwire.protocol.http.HttpRouter;
import io.ringwire.protocol.http.HttpServer;
import io.ringwire.protocol.http.HttpServerConfig;
import io.ringwire.protocol.http.HttpServerStats;
import io.ringwire.protocol.http.HttpStatus;
import io.ringwire.protocol.http.MetricsHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ringwire http}: an HTTP/1.1 server with the contract's routes. {@code /plaintext} and
 * {@code /metrics} work; {@code /files/NAME} answers 501 until zero-copy file transfer lands.
 */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = "An HTTP/1.1 server: GET /plaintext, GET /metrics (Prometheus text), GET /files/NAME"
                + " (not implemented yet: 501). Keep-alive and pipelining. Default port 8080.")
final class HttpCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 8080;
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final HttpHeader TEXT_PLAIN = HttpHeader.of("Content-Type", "text/plain");

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions options = new ServerOptions();

    @Option(names = "--root", paramLabel = "DIR",
            description = "Directory /files/NAME will serve from; file serving comes with zero-copy transfer (until then 501).")
    Path root;

    @Override
    public Integer call() {
        if (root != null && !Files.isDirectory(root)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--root: not a directory: " + root);
        }
        HttpServerStats stats = new HttpServerStats();
        return ServerRunner.runWithGroup(spec, options, DEFAULT_PORT,
                group -> HttpServer.handlers(routes(group, stats), HttpServerConfig.defaults(), stats));
    }

    static HttpRouter routes(EventLoopGroup group, HttpServerStats stats) {
        HttpHandler files = (request, response) -> response.status(HttpStatus.NOT_IMPLEMENTED).contentType("text/plain")
                .body("/files/ is not implemented yet: it comes with zero-copy file transfer\n");
        return HttpRouter.builder()
                .get("/plaintext", (request, response) -> response.header(TEXT_PLAIN).body(HELLO))
                .get("/metrics", new MetricsHandler(group::stats, stats))
                .prefix(HttpMethod.GET, "/files/", files)
                .build();
    }
}

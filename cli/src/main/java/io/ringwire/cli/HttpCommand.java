package io.ringwire.cli;

import io.ringwire.EventLoopGroup;
import io.ringwire.protocol.http.FileHandler;
import io.ringwire.protocol.http.HttpHandler;
import io.ringwire.protocol.http.HttpHeader;
import io.ringwire.protocol.http.HttpMethod;
import io.ringwire.protocol.http.HttpRouter;
import io.ringwire.protocol.http.HttpServer;
import io.ringwire.protocol.http.HttpServerConfig;
import io.ringwire.protocol.http.HttpServerStats;
import io.ringwire.protocol.http.HttpStatus;
import io.ringwire.protocol.http.MetricsHandler;
import java.io.IOException;
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
 * {@code ringwire http}: an HTTP/1.1 server with the contract's routes. {@code /files/NAME} serves
 * regular files under {@code --root} with zero-copy transfer ({@link FileHandler}); without a root
 * it answers 404.
 */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = "An HTTP/1.1 server: GET /plaintext, GET /metrics (Prometheus text), GET /files/NAME"
                + " (a regular file under --root, sent with zero-copy sendfile). Keep-alive and pipelining."
                + " Default port 8080.")
final class HttpCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 8080;
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final HttpHeader TEXT_PLAIN = HttpHeader.of("Content-Type", "text/plain");

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions options = new ServerOptions();

    @Option(names = "--root", paramLabel = "DIR",
            description = "Directory that GET /files/NAME serves regular files from, with zero-copy transfer."
                    + " Paths that leave it (.., absolute, encoded, symlinks out) are refused. Without it, /files/ is 404.")
    Path root;

    @Override
    public Integer call() {
        if (root != null && !Files.isDirectory(root)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--root: not a directory: " + root);
        }
        HttpServerStats stats = new HttpServerStats();
        HttpHandler files;
        try {
            files = root == null ? (request, response) -> response.status(HttpStatus.NOT_FOUND)
                    .contentType("text/plain").body("no --root: no files are served\n")
                    : new FileHandler(root, "/files/");
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--root: " + e.getMessage());
        }
        return ServerRunner.runWithGroup(spec, options, DEFAULT_PORT,
                group -> HttpServer.handlers(routes(group, stats, files), HttpServerConfig.defaults(), stats));
    }

    static HttpRouter routes(EventLoopGroup group, HttpServerStats stats, HttpHandler files) {
        return HttpRouter.builder()
                .get("/plaintext", (request, response) -> response.header(TEXT_PLAIN).body(HELLO))
                .get("/metrics", new MetricsHandler(group::stats, stats))
                .prefix(HttpMethod.GET, "/files/", files)
                .build();
    }
}

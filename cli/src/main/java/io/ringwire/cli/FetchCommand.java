package io.ringwire.cli;

import io.ringwire.Backend;
import io.ringwire.BackendUnavailableException;
import io.ringwire.EventLoopGroup;
import io.ringwire.client.Backoff;
import io.ringwire.client.DialConfig;
import io.ringwire.client.PoolStats;
import io.ringwire.client.RequestTimeoutException;
import io.ringwire.client.RetryPolicy;
import io.ringwire.client.http.HttpClient;
import io.ringwire.client.http.HttpClientRequest;
import io.ringwire.client.http.HttpClientResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ringwire fetch URL}: an HTTP/1.1 load client on the pooled {@link HttpClient}, in the
 * manner of hey or ab. {@code --concurrency} requests are in flight at once over at most
 * {@code --max-conns} keep-alive connections. A request is ok when a 2xx or 3xx response arrives
 * whole within {@code --timeout}; anything else (a refused connect, a timeout, a 4xx or 5xx) is an
 * error. Its last stdout line is the contract's summary; it exits 0 only if there were no errors.
 * The timeout is the client's own request deadline, so a request the server never answers gives
 * its connection back when it times out, and cannot starve the requests after it.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "An HTTP/1.1 load client on the pooled client: GETs URL --requests times, --concurrency at once,"
                + " over at most --max-conns connections. Last line: requests=N ok=N errors=N conns_opened=N p50_us=N p99_us=N."
                + " Exit 0 only if errors=0.")
final class FetchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "http://host[:port]/path")
    String url;

    @Option(names = "--requests", paramLabel = "N", description = "Requests to send (default: ${DEFAULT-VALUE}).")
    int requests = 100;

    @Option(names = "--concurrency", paramLabel = "C", description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency = 10;

    @Option(names = "--max-conns", paramLabel = "M", description = "Connections open at once (default: the concurrency).")
    Integer maxConns;

    @Option(names = "--timeout", paramLabel = "D", converter = DurationConverter.class,
            description = "Per request, from sending to the end of the body; also the connect timeout (default: 10s).")
    Duration timeout = Duration.ofSeconds(10);

    @Option(names = "--retries", paramLabel = "N",
            description = "Retries of a failed request, with exponential backoff and full jitter within --timeout (default: 0).")
    int retries;

    @Option(names = "--backend", paramLabel = "B", converter = ServerOptions.BackendConverter.class,
            description = "auto, epoll or io_uring (default: auto).")
    Backend backend = Backend.AUTO;

    @Option(names = "--threads", paramLabel = "N", description = "Event-loop threads (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    /** Summary counters; written from loop threads. */
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
    private final ConcurrentHistogram latency = new ConcurrentHistogram(3);

    @Override
    public Integer call() throws InterruptedException {
        URI uri = validate();
        int conns = maxConns == null ? concurrency : maxConns;
        EventLoopGroup group;
        try {
            group = EventLoopGroup.builder().backend(backend).threads(threads).build();
        } catch (BackendUnavailableException | IOException e) {
            System.err.println("ringwire fetch: backend " + backend.cliName() + " unusable: " + Main.oneLine(e));
            return Main.EXIT_FAILURE;
        }
        long opened;
        PoolStats pool;
        try (group) {
            HttpClient.Builder builder = HttpClient.builder(group)
                    .dial(DialConfig.builder().connectTimeout(timeout).build())
                    .maxConnsPerHost(conns).maxIdleConnsPerHost(conns).maxConns(conns)
                    .acquireTimeout(timeout).responseTimeout(timeout);
            if (retries > 0) { // else the client's default: one retry after a stale keep-alive connection only
                builder.retry(RetryPolicy.builder(Backoff.of(Duration.ofMillis(10), Duration.ofSeconds(1), retries + 1, timeout)).build());
            }
            try (HttpClient client = builder.build()) {
                run(client, HttpClientRequest.get(uri));
                pool = client.stats();
                opened = pool.created();
            }
        }
        errorKinds.forEach((kind, n) -> System.err.println("ringwire fetch: " + n.get() + " x " + kind));
        if (pool.connectFailures() > 0) {
            // Retries can hide failed connects; this says how many the pool's backoff let through.
            System.err.println("ringwire fetch: " + pool.connectFailures() + " failed connect(s)");
        }
        long p50 = latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(50);
        long p99 = latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99);
        System.out.println("requests=" + requests + " ok=" + ok.get() + " errors=" + errors.get() + " conns_opened=" + opened
                + " p50_us=" + p50 + " p99_us=" + p99);
        System.out.flush();
        return errors.get() == 0 ? 0 : Main.EXIT_FAILURE;
    }

    private URI validate() {
        CommandLine cl = spec.commandLine();
        if (requests < 1) {
            throw new CommandLine.ParameterException(cl, "--requests must be at least 1, got " + requests);
        }
        if (concurrency < 1 || concurrency > 100_000) {
            throw new CommandLine.ParameterException(cl, "--concurrency must be within 1..100000, got " + concurrency);
        }
        if (maxConns != null && (maxConns < 1 || maxConns > 100_000)) {
            throw new CommandLine.ParameterException(cl, "--max-conns must be within 1..100000, got " + maxConns);
        }
        if (timeout.isZero()) {
            throw new CommandLine.ParameterException(cl, "--timeout must be positive");
        }
        if (retries < 0 || retries > 100) {
            throw new CommandLine.ParameterException(cl, "--retries must be within 0..100, got " + retries);
        }
        if (threads < 1 || threads > 1024) {
            throw new CommandLine.ParameterException(cl, "--threads must be within 1..1024, got " + threads);
        }
        try {
            URI uri = new URI(url);
            HttpClientRequest.get(uri); // checks the scheme and host
            if (uri.getPort() == 0 || uri.getPort() > 65535) { // -1 is no port given: 80
                throw new IllegalArgumentException("port out of range");
            }
            return uri;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "URL: not an http://host[:port]/path URL: " + url);
        }
    }

    /** Runs {@code concurrency} chains of requests until {@code requests} have been sent and answered. */
    private void run(HttpClient client, HttpClientRequest request) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(requests);
        for (int i = 0; i < Math.min(concurrency, requests); i++) {
            chain(client, request, next, done);
        }
        // Every request has its own timeout, so this ends; the bound is only a last resort.
        long bound = timeout.toNanos() * ((long) requests / Math.max(1, concurrency) + 2) + TimeUnit.MINUTES.toNanos(1);
        if (!done.await(bound, TimeUnit.NANOSECONDS)) {
            System.err.println("ringwire fetch: gave up waiting for " + done.getCount() + " request(s)");
            errors.addAndGet(done.getCount());
        }
    }

    private void chain(HttpClient client, HttpClientRequest request, AtomicInteger next, CountDownLatch done) {
        if (next.getAndIncrement() >= requests) {
            return;
        }
        long start = System.nanoTime();
        // The client's response timeout bounds the request and its body, and frees the connection when it passes.
        client.send(request)
                .thenCompose(r -> r.body()
                        .whenComplete((b, e) -> r.close())
                        .thenApply(b -> r))
                .whenComplete((r, e) -> {
                    if (e == null && r.status() < 400) {
                        ok.incrementAndGet();
                        latency.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                    } else {
                        errors.incrementAndGet();
                        String kind = e == null ? "HTTP " + r.status() : describe(RetryPolicy.unwrap(e));
                        errorKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                    }
                    done.countDown();
                    // On to the next request, off the loop thread's stack depth: async.
                    CompletableFuture.runAsync(() -> chain(client, request, next, done));
                });
    }

    private String describe(Throwable e) {
        if (e instanceof RequestTimeoutException) {
            return "timed out after " + timeout.toMillis() + " ms"; // one kind, wherever in the request it struck
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}

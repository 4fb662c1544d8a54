package io.ringwire.client;

import io.ringwire.Connection;
import io.ringwire.ConnectionHandler;
import io.ringwire.EventLoopGroup;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens client connections: resolves the host through the configured {@link Resolver} with a
 * timeout, then tries each address in turn, each with the connect timeout, all within the
 * overall deadline.
 *
 * <h2>Errors</h2>
 * A failed dial says which addresses were tried and why each failed, for example
 * {@code dial localhost:8080: localhost/127.0.0.1:8080: connect 127.0.0.1:8080: ECONNREFUSED (Connection refused)}.
 * Each address is written as the JDK writes an {@link InetSocketAddress}: {@code name/ip:port}
 * for one the resolver found by name, {@code /ip:port} for a literal or a bare address.
 * The type follows the JDK: {@link UnknownHostException} for a host that does not resolve,
 * {@link DialTimeoutException} (a {@link SocketTimeoutException}) when time ran out,
 * {@link ConnectException} otherwise. Each address's own exception is attached as suppressed.
 *
 * <p>Thread-safe. Resolution runs on a small shared pool of daemon threads
 * ({@value #RESOLVER_THREADS} at most, for every dialer in the JVM), because the JDK's lookup
 * blocks; connecting never blocks. During a DNS outage each lookup may hold a thread until the
 * system resolver gives up: the bound keeps that from growing a thread per dial, and lookups
 * beyond it wait their turn, still within their own resolve timeout (one that times out while
 * waiting is not run at all). Futures complete on an event loop or a resolver thread.
 */
public final class Dialer {
    /** Blocking lookups running at once, at most, over every dialer. */
    public static final int RESOLVER_THREADS = 8;
    /** Blocking lookups run here; threads die after a minute without work. */
    private static final ThreadPoolExecutor RESOLVERS = new ThreadPoolExecutor(RESOLVER_THREADS, RESOLVER_THREADS,
            60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "ringwire-resolver");
                t.setDaemon(true);
                return t;
            });

    static {
        RESOLVERS.allowCoreThreadTimeOut(true);
    }

    private final EventLoopGroup group;
    private final DialConfig config;
    private final NanoClock clock;

    public Dialer(EventLoopGroup group, DialConfig config) {
        this(group, config, NanoClock.SYSTEM);
    }

    public Dialer(EventLoopGroup group, DialConfig config, NanoClock clock) {
        this.group = Objects.requireNonNull(group, "group");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public DialConfig config() {
        return config;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Resolves {@code host} and connects to the first address that answers; see the class comment. */
    public CompletableFuture<Connection> dial(String host, int port, ConnectionHandler handler) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(handler, "handler");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        long start = clock.nanoTime();
        String target = host + ":" + port;
        CompletableFuture<Connection> result = new CompletableFuture<>();
        resolve(host, target).whenComplete((addresses, error) -> {
            if (error != null) {
                result.completeExceptionally(RetryPolicy.unwrap(error));
            } else {
                List<InetSocketAddress> all = new ArrayList<>(addresses.length);
                for (InetAddress a : addresses) {
                    all.add(new InetSocketAddress(a, port));
                }
                tryNext(target, all, 0, handler, start, new ArrayList<>(), result);
            }
        });
        return result;
    }

    /** Connects to one known address, with the same timeouts and error wording. */
    public CompletableFuture<Connection> dial(InetSocketAddress remote, ConnectionHandler handler) {
        if (remote.isUnresolved()) {
            return dial(remote.getHostString(), remote.getPort(), handler);
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        tryNext(remote.getHostString() + ":" + remote.getPort(), List.of(remote), 0, handler, clock.nanoTime(),
                new ArrayList<>(), result);
        return result;
    }

    private CompletableFuture<InetAddress[]> resolve(String host, String target) {
        CompletableFuture<InetAddress[]> found = new CompletableFuture<>();
        RESOLVERS.execute(() -> {
            if (found.isDone()) {
                return; // timed out while queued behind lookups that hang: do not join them
            }
            try {
                InetAddress[] a = config.resolver().resolve(host);
                if (a == null || a.length == 0) {
                    throw new UnknownHostException("no addresses");
                }
                found.complete(a);
            } catch (UnknownHostException | RuntimeException e) {
                found.completeExceptionally(e);
            }
        });
        long timeoutNanos = Math.min(config.resolveTimeout().toNanos(), deadlineNanos());
        return found
                .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                .exceptionallyCompose(e -> {
                    Throwable c = RetryPolicy.unwrap(e);
                    IOException failure;
                    if (c instanceof TimeoutException) {
                        failure = new DialTimeoutException("dial " + target + ": resolving " + host + " timed out after "
                                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                    } else {
                        UnknownHostException u = new UnknownHostException("dial " + target + ": unresolvable host "
                                + host + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"));
                        u.initCause(c);
                        failure = u;
                    }
                    return CompletableFuture.failedFuture(failure);
                });
    }

    private long deadlineNanos() {
        return config.deadline().isZero() ? Long.MAX_VALUE : config.deadline().toNanos();
    }

    private void tryNext(String target, List<InetSocketAddress> addresses, int index, ConnectionHandler handler,
                         long start, List<Throwable> failures, CompletableFuture<Connection> result) {
        long left = deadlineNanos() == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos() - (clock.nanoTime() - start);
        if (index == addresses.size() || left <= 0) {
            result.completeExceptionally(failure(target, addresses, index, failures, left <= 0));
            return;
        }
        InetSocketAddress remote = addresses.get(index);
        long timeout = Math.min(config.connectTimeout().toNanos(), left);
        CompletableFuture<Connection> attempt;
        try {
            attempt = group.connect(remote, handler, config.connection(), java.time.Duration.ofNanos(timeout));
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((c, e) -> {
            if (e == null) {
                result.complete(c);
            } else {
                failures.add(RetryPolicy.unwrap(e));
                tryNext(target, addresses, index + 1, handler, start, failures, result);
            }
        });
    }

    private IOException failure(String target, List<InetSocketAddress> addresses, int tried, List<Throwable> failures,
                                boolean deadline) {
        StringBuilder m = new StringBuilder("dial ").append(target).append(": ");
        boolean allTimedOut = !failures.isEmpty();
        for (int i = 0; i < failures.size(); i++) {
            Throwable f = failures.get(i);
            if (i > 0) {
                m.append("; ");
            }
            String why = f.getMessage() == null ? f.toString() : f.getMessage();
            m.append(addresses.get(i)).append(": ").append(why);
            if (f instanceof SocketTimeoutException && !why.contains("ETIMEDOUT")) {
                m.append(" (ETIMEDOUT)"); // the errno name, as a refusal carries ECONNREFUSED
            }
            allTimedOut &= f instanceof SocketTimeoutException;
        }
        if (deadline) {
            m.append(failures.isEmpty() ? "" : "; ").append("deadline of ").append(config.deadline().toMillis())
                    .append(" ms passed with ").append(addresses.size() - tried).append(" address(es) untried");
        }
        IOException e = deadline || allTimedOut ? new DialTimeoutException(m.toString()) : new ConnectException(m.toString());
        failures.forEach(e::addSuppressed);
        return e;
    }
}

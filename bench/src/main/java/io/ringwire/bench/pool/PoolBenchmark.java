package io.ringwire.bench.pool;

import io.ringwire.client.ConnectionFactory;
import io.ringwire.client.ConnectionPool;
import io.ringwire.client.Endpoint;
import io.ringwire.client.PoolConfig;
import io.ringwire.client.PooledConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Borrow-and-return of a pooled connection, at 1, 2 and 8 threads: ringwire's
 * {@link ConnectionPool} beside Apache commons-pool2's {@link GenericObjectPool}, both holding 8
 * pre-made objects (so no borrower ever waits or creates, and the score is the cost of the pool
 * itself), no validation, no abandonment tracking. ringwire's pool keeps its defaults (idle
 * timeout and lifetime on: one clock read per release), as commons-pool2 keeps its timestamps.
 * <ul>
 *   <li>{@code ringwireTry*}: {@link ConnectionPool#tryAcquire} + release: the lock-free fast path, 0 B/op.</li>
 *   <li>{@code ringwireAsync*}: {@link ConnectionPool#acquire} (a completed future) + release.</li>
 *   <li>{@code commons*}: {@code borrowObject()} + {@code returnObject()}.</li>
 * </ul>
 * The machine's core count bounds what 8 threads can show; the ratio at equal threads is the point.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PoolBenchmark {
    static final int SIZE = 8;
    private static final Endpoint ENDPOINT = new Endpoint("bench.test", 1);

    private ConnectionPool<Object> ringwire;
    private GenericObjectPool<Object> commons;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ringwire = new ConnectionPool<>(new ConnectionFactory<>() {
            @Override
            public CompletableFuture<Object> open(Endpoint endpoint) {
                return CompletableFuture.completedFuture(new Object());
            }

            @Override
            public boolean isUsable(Object connection) {
                return true;
            }

            @Override
            public void close(Object connection) {
            }
        }, PoolConfig.builder().maxTotal(SIZE).maxPerEndpoint(SIZE).minIdle(SIZE).housekeepingPeriod(Duration.ofMinutes(10)).build());
        ringwire.prewarm(ENDPOINT).get();

        GenericObjectPoolConfig<Object> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(SIZE);
        config.setMaxIdle(SIZE);
        config.setMinIdle(SIZE);
        config.setJmxEnabled(false);
        commons = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
            @Override
            public Object create() {
                return new Object();
            }

            @Override
            public PooledObject<Object> wrap(Object obj) {
                return new DefaultPooledObject<>(obj);
            }
        }, config);
        for (int i = 0; i < SIZE; i++) {
            commons.addObject();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ringwire.close();
        commons.close();
    }

    private Object ringwireTry() {
        PooledConnection<Object> c = ringwire.tryAcquire(ENDPOINT);
        if (c == null) {
            return null; // only if the fast path met a waiter; never with 8 objects and at most 8 threads
        }
        Object o = c.get();
        c.release();
        return o;
    }

    private Object ringwireAsync() {
        PooledConnection<Object> c = ringwire.acquire(ENDPOINT).join();
        Object o = c.get();
        c.release();
        return o;
    }

    private Object commons() throws Exception {
        Object o = commons.borrowObject();
        commons.returnObject(o);
        return o;
    }

    @Benchmark
    @Threads(1)
    public Object ringwireTry1() {
        return ringwireTry();
    }

    @Benchmark
    @Threads(2)
    public Object ringwireTry2() {
        return ringwireTry();
    }

    @Benchmark
    @Threads(8)
    public Object ringwireTry8() {
        return ringwireTry();
    }

    @Benchmark
    @Threads(1)
    public Object ringwireAsync1() {
        return ringwireAsync();
    }

    @Benchmark
    @Threads(2)
    public Object ringwireAsync2() {
        return ringwireAsync();
    }

    @Benchmark
    @Threads(8)
    public Object ringwireAsync8() {
        return ringwireAsync();
    }

    @Benchmark
    @Threads(1)
    public Object commons1() throws Exception {
        return commons();
    }

    @Benchmark
    @Threads(2)
    public Object commons2() throws Exception {
        return commons();
    }

    @Benchmark
    @Threads(8)
    public Object commons8() throws Exception {
        return commons();
    }
}

package io.ringwire.bench.micro;

import io.ringwire.Backend;
import io.ringwire.EventLoop;
import io.ringwire.EventLoopGroup;
import io.ringwire.LoopTimer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What an idle loop pays for idle timeouts it holds: {@code N} timers on one loop (default
 * 100,000), one per connection as {@code --idle-timeout} makes them, armed over one second as
 * connections would arrive, and then nothing happens for {@code W} seconds (default 10). It
 * prints the loop thread's CPU time and how often it woke (its context switches, from
 * {@code /proc/self/task/TID/status}) over that window, against the same loop with no timers.
 *
 * <p>This is the timer half of "100k idle connections that each carry an idle timeout" without
 * the 100k sockets, which need more descriptors than a machine with a low hard
 * {@code RLIMIT_NOFILE} grants (the comparison's idle phase measures the sockets where it can).
 * Two timeouts: 2 minutes, whose timers wait in the far wheel and move into the near wheel once a
 * revolution (about 4.3 s); 10 minutes, beyond the far wheel, in the overflow list.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.ringwire.bench.micro.IdleTimersCost [N] [W] [epoll|io_uring]}. A measurement, not a JMH
 * benchmark: the figure is the loop's cost while idle, which JMH cannot drive.
 */
public final class IdleTimersCost {
    private IdleTimersCost() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Backend backend = args.length > 2 ? Backend.valueOf(args[2].toUpperCase()) : Backend.AUTO;
        for (long timeoutMinutes : new long[] {0, 2, 10}) {
            int timers = timeoutMinutes == 0 ? 0 : n;
            try (EventLoopGroup group = EventLoopGroup.builder().threads(1).backend(backend).name("idle-cost").build()) {
                EventLoop loop = group.next();
                Thread loopThread = onLoop(loop, () -> {
                    arm(loop, timers, TimeUnit.MINUTES.toNanos(timeoutMinutes));
                    return Thread.currentThread();
                });
                onLoop(loop, () -> null); // the arming turn is over
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                long tid = loopThread.threadId();
                long cpu0 = mx.getThreadCpuTime(tid);
                long switches0 = contextSwitches(loopThread.getName());
                long start = System.nanoTime();
                // The measured window: the loop holds its timers and nothing else happens. A
                // sleep here is the point, not a synchronisation: it is the idle time measured.
                Thread.sleep(TimeUnit.SECONDS.toMillis(window));
                double secs = (System.nanoTime() - start) / 1e9;
                long cpu = mx.getThreadCpuTime(tid) - cpu0;
                long switches = contextSwitches(loopThread.getName()) - switches0;
                System.out.printf("%s %,7d timers%s: loop CPU %.3f ms/s (%.5f of a core), %.1f wake-ups/s over %.0f s%n",
                        group.backend(), timers, timers == 0 ? "" : " due in " + timeoutMinutes + " min",
                        cpu / 1e6 / secs, cpu / 1e9 / secs, switches / secs, secs);
            }
        }
    }

    /** Arms {@code n} timers, deadlines spread over one second after {@code timeout}, as if connections arrived. */
    private static void arm(EventLoop loop, int n, long timeout) {
        Runnable never = () -> {
            throw new AssertionError("an idle timeout fired within the window");
        };
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            LoopTimer t = loop.newTimer(never);
            t.schedule(timeout + random.nextLong(TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        }
    }

    private static <T> T onLoop(EventLoop loop, java.util.concurrent.Callable<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(60, TimeUnit.SECONDS);
    }

    /** Voluntary and involuntary context switches of the thread named {@code name} (its comm, truncated to 15). */
    private static long contextSwitches(String name) throws IOException {
        String comm = name.length() > 15 ? name.substring(0, 15) : name;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(task.resolve("comm")).strip().equals(comm)) {
                    long total = 0;
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            total += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                    return total;
                }
            }
        }
        throw new IllegalStateException("no thread named " + comm + " in /proc/self/task");
    }
}

package io.ringwire.bench.zerocopy;

import io.ringwire.EventLoop;
import io.ringwire.EventLoopGroup;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * CPU time (user + system, as in /proc/self/task/TID/stat) of a group's loop threads. The
 * kernel's work in a syscall counts for the thread that made it, so a loop's {@code sendfile} or
 * {@code splice} and its copies are all in here; the client threads of a benchmark are not.
 */
final class LoopCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final List<Long> ids = new ArrayList<>();

    LoopCpu(EventLoopGroup group) {
        for (EventLoop loop : group.loops()) {
            CompletableFuture<Long> id = new CompletableFuture<>();
            loop.execute(() -> id.complete(Thread.currentThread().threadId()));
            ids.add(id.join());
        }
    }

    long nanos() {
        long sum = 0;
        for (long id : ids) {
            sum += THREADS.getThreadCpuTime(id);
        }
        return sum;
    }
}

package io.ringwire.loop;

import java.util.PriorityQueue;

/**
 * A loop's pending timers, ordered by deadline. Confined to the loop thread.
 *
 * <p>This is the coarse facility the foundation needs (connect timeouts, accept back-off, idle
 * sweeps): the loop turns the nearest deadline into its {@code epoll_wait} timeout, so no timerfd
 * is armed on every wait. Per-connection deadlines get an O(1) timing wheel later.
 */
final class TimerQueue {
    private final PriorityQueue<ScheduledTask> queue = new PriorityQueue<>();
    private long sequence;

    void add(ScheduledTask t) {
        t.sequence = sequence++;
        queue.add(t);
    }

    /** Runs every task due at {@code now}; returns how many ran. Exceptions go to {@code onError}. */
    int runExpired(long now, java.util.function.Consumer<Throwable> onError) {
        int ran = 0;
        ScheduledTask t;
        while ((t = queue.peek()) != null && t.deadlineNanos - now <= 0) {
            queue.poll();
            if (t.isCancelled()) {
                continue;
            }
            t.markStarted();
            if (t.isCancelled()) {
                continue;
            }
            try {
                t.task.run();
            } catch (Throwable e) {
                onError.accept(e);
            }
            ran++;
        }
        return ran;
    }

    /** Milliseconds until the next deadline, rounded up so the loop never wakes early; -1 if none. */
    int millisUntilNext(long now) {
        ScheduledTask t;
        while ((t = queue.peek()) != null && t.isCancelled()) {
            queue.poll();
        }
        if (t == null) {
            return -1;
        }
        long nanos = t.deadlineNanos - now;
        if (nanos <= 0) {
            return 0;
        }
        // Rounded up without nanos + 999_999, which overflows for a far deadline.
        long millis = nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1);
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    int size() {
        return queue.size();
    }

    void clear() {
        queue.clear();
    }
}

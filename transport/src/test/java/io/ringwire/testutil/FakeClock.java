package io.ringwire.testutil;

import io.ringwire.EventLoop;
import io.ringwire.loop.NanoClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when the test moves it, for a group built with
 * {@link io.ringwire.EventLoopGroup.Builder#clock}: a loop's timers then fire at fake times the
 * test chooses, so "extended, did not fire" is a fact rather than a race with wall time.
 */
public final class FakeClock implements NanoClock {
    /** An arbitrary origin, as System.nanoTime has; far from 0 so that no code may assume one. */
    private final AtomicLong now = new AtomicLong(7_000_000_000_000L);

    @Override
    public long nanoTime() {
        return now.get();
    }

    /**
     * Moves the clock on by {@code d}, then waits until {@code loop} has looked at it: when this
     * returns, every timer of that loop due by the new time has run, and so has everything those
     * timers did on the loop. The proof is a timer of our own, due at the new time and scheduled
     * after the others: the wheel runs due timers in deadline order, first in first out within a
     * tick, so it runs last.
     */
    public void advance(Duration d, EventLoop loop) {
        now.addAndGet(d.toNanos());
        settle(loop);
    }

    /** Moves the clock on by {@code d} without telling any loop: each sees it at its next turn. */
    public void jump(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /** Waits until {@code loop} has run every timer due at the current fake time; see {@link #advance}. */
    public static void settle(EventLoop loop) {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        loop.execute(() -> loop.schedule(() -> ran.complete(null), 0, TimeUnit.NANOSECONDS));
        Await.get(ran, "the loop to run the timers due at the fake time");
    }
}

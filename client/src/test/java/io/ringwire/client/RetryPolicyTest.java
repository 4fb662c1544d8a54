package io.ringwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final FakeClock clock = new FakeClock();
    /** Runs scheduled tasks at once, after moving the fake clock by their delay. */
    private final List<Long> delays = new ArrayList<>();
    private final Scheduler fakeScheduler = (task, delay) -> {
        delays.add(delay);
        clock.advanceNanos(delay);
        task.run();
    };

    private RetryPolicy.Builder policy(int attempts) {
        return RetryPolicy.builder(Backoff.of(Duration.ofMillis(10), Duration.ofSeconds(1), attempts, Duration.ZERO))
                .clock(clock).random(new Random(1)).scheduler(fakeScheduler);
    }

    @Test
    void onlyIdempotentWorkIsRetriedAfterItMayHaveBeenSent() {
        RetryPolicy p = policy(3).build();
        IOException reset = new IOException("Connection reset by peer");
        assertTrue(p.mayRetry(reset, true));
        assertFalse(p.mayRetry(reset, false), "a POST that may have reached the server is not repeated");
        assertTrue(p.mayRetry(new ConnectException("refused"), false), "nothing was sent: safe to retry");
        assertTrue(p.mayRetry(new NotSentException("pool closed", null), false));
        assertTrue(p.mayRetry(new CompletionException(new ConnectException("refused")), false), "unwrapped");
        assertFalse(p.mayRetry(new IllegalStateException("bug"), true), "not an I/O failure");
        assertTrue(policy(3).retryNonIdempotent(true).build().mayRetry(reset, false), "the caller said so");
        assertFalse(policy(3).retryOn(t -> !(t instanceof SocketTimeoutException)).build()
                .mayRetry(new SocketTimeoutException(), true));
    }

    @Test
    void retriesUntilSuccessWithBackoffDelays() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> r = policy(5).build().execute(() -> calls.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new IOException("try " + calls.get()))
                : CompletableFuture.completedFuture("ok"), true);
        assertEquals("ok", r.get());
        assertEquals(3, calls.get());
        assertEquals(2, delays.size());
        assertTrue(delays.get(0) <= 10_000_000L && delays.get(1) <= 20_000_000L, delays.toString());
    }

    @Test
    void givesUpWithTheLastCauseAndTheEarlierOnesSuppressed() {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> r = policy(3).build().execute(
                () -> CompletableFuture.failedFuture(new IOException("try " + calls.incrementAndGet())), true);
        Throwable cause = RetryPolicy.unwrap(r.handle((v, e) -> e).join());
        assertEquals("try 3", cause.getMessage());
        assertEquals("try 2", cause.getSuppressed()[0].getMessage());
        assertEquals(3, calls.get());
    }

    @Test
    void nonIdempotentWorkFailsAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        IOException reset = new IOException("reset");
        CompletableFuture<String> r = policy(5).build().execute(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(reset);
        }, false);
        assertSame(reset, RetryPolicy.unwrap(r.handle((v, e) -> e).join()));
        assertEquals(1, calls.get());
        assertTrue(delays.isEmpty());
    }

    @Test
    void anAttemptThatThrowsCountsAsAFailure() {
        CompletableFuture<String> r = policy(3).build().execute(() -> {
            throw new IllegalStateException("boom");
        }, true);
        assertTrue(RetryPolicy.unwrap(r.handle((v, e) -> e).join()) instanceof IllegalStateException);
    }

    @Test
    void aRequestWhoseOwnDeadlinePassedIsNeverRetried() {
        RetryPolicy p = policy(5).retryNonIdempotent(true).retryOn(t -> true).build();
        assertFalse(p.mayRetry(new RequestTimeoutException("request to x:1 timed out after 10 ms"), true),
                "its deadline covers the retries: none is left");
    }

    /** Cancelling the result stops the loop: no attempt starts after it, even one already scheduled. */
    @Test
    void cancellingTheResultStopsTheRetries() {
        List<Runnable> pending = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy p = RetryPolicy.builder(Backoff.of(Duration.ofMillis(10), Duration.ofSeconds(1), 10, Duration.ZERO))
                .clock(clock).random(new Random(1)).scheduler((task, delay) -> pending.add(task)).build();
        CompletableFuture<String> r = p.execute(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new IOException("down"));
        }, true);
        assertEquals(1, calls.get());
        assertEquals(1, pending.size(), "a retry is scheduled");
        assertTrue(r.cancel(false));
        pending.remove(0).run();
        assertEquals(1, calls.get(), "the scheduled retry saw the cancel and did not run the attempt");
        assertTrue(pending.isEmpty(), "and scheduled nothing more");

        CompletableFuture<String> inFlight = new CompletableFuture<>();
        CompletableFuture<String> r2 = p.execute(() -> inFlight, true);
        r2.cancel(false);
        inFlight.completeExceptionally(new IOException("late"));
        assertTrue(pending.isEmpty(), "a failure after the cancel schedules no retry");
    }
}

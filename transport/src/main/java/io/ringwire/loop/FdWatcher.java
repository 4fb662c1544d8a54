package io.ringwire.loop;

import java.io.IOException;

/**
 * Readiness of a raw descriptor whose owner does its own non-blocking syscalls on it, such as the
 * splice relay: no {@link io.ringwire.Connection}, no receive buffers, no reads by the loop. Both
 * backends' loops implement it: epoll registers the descriptor edge-triggered, io_uring arms a
 * one-shot {@code POLL_ADD} per requested direction (never a multishot recv).
 *
 * <h2>Contract</h2>
 * Loop thread only. A report means "try now", never a promise: the owner retries its syscall and
 * gets EAGAIN on a spurious one. Interest is one-shot: the owner calls {@link Watch#request} after
 * each EAGAIN for the direction it waits on. Under epoll, readiness comes as edges whatever was
 * requested, so an owner that stopped reading for its own reasons (backpressure) must try again
 * itself when it resumes, not wait for a report. {@link #FAILED} (an error or hang-up) is reported
 * with both other bits; the next syscall then says what happened.
 *
 * <p>Requesting {@link #FAILED} alone asks, once and until {@link Watch#cancel}, to hear of errors
 * and hang-ups only: for a socket the owner no longer reads (it is at EOF) and may not be writing,
 * whose reset must still be seen. The FIN that put it at EOF is not reported, and a socket at rest
 * is never reported again, so a half-closed peer cannot make it spin; a reset, or the socket
 * becoming shut both ways, is reported (each such change once). Under epoll it costs nothing:
 * errors and hang-ups come as edges anyway.
 *
 * <h2>Ownership</h2>
 * The owner keeps the descriptor: it calls {@link Watch#cancel()} first and then closes it. No
 * kernel operation of a watch touches Java memory, so closing right after cancel is safe.
 */
public interface FdWatcher {
    int READABLE = 1;
    int WRITABLE = 2;
    int FAILED = 4;

    /** Called on the loop thread. */
    interface Listener {
        /** Some of {@link #READABLE}, {@link #WRITABLE}, {@link #FAILED}. Must not throw. */
        void onReady(int ready);

        /** The loop is stopping: cancel and close now. Must not throw. */
        void onLoopShutdown();
    }

    /** A watched descriptor. */
    interface Watch {
        /**
         * Asks to hear once when the descriptor may be read ({@link #READABLE}) or written
         * ({@link #WRITABLE}), or, for {@link #FAILED} alone, only of an error or hang-up.
         */
        void request(int interest);

        /** Stops all reports; idempotent. The owner may close the descriptor afterwards. */
        void cancel();
    }

    /** Starts watching {@code fd} (non-blocking, owned by the caller). */
    Watch watch(int fd, Listener listener) throws IOException;
}

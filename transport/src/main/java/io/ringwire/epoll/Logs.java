package io.ringwire.epoll;

/** Logging on paths that run when the process is short of resources. */
final class Logs {
    private Logs() {
    }

    /**
     * Logs, and swallows any failure to do so: with no descriptors left, a logger's first use
     * (loading classes, opening a file) can throw, and that must not stop the loop.
     */
    static void quietly(System.Logger log, System.Logger.Level level, String message, Throwable cause) {
        try {
            if (cause == null) {
                log.log(level, message);
            } else {
                log.log(level, message, cause);
            }
        } catch (Throwable ignored) {
            // Nothing better to do: the event itself has been dealt with.
        }
    }
}

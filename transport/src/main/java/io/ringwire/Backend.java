package io.ringwire;

import io.ringwire.uring.IoUringProbe;

/**
 * Which kernel interface drives the event loops.
 *
 * <p>{@link #AUTO} picks io_uring when the kernel allows it and falls back to epoll when it does
 * not, logging once, in one line, why. Choosing {@link #IO_URING} explicitly on a machine that
 * cannot run it fails with a {@link BackendUnavailableException} that gives the reason:
 * {@code kernel.io_uring_disabled}, a seccomp filter, the memlock limit, or a kernel too old.
 */
public enum Backend {
    AUTO("auto"),
    EPOLL("epoll"),
    IO_URING("io_uring");

    private final String cliName;

    Backend(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in the ready line: {@code auto}, {@code epoll}, {@code io_uring}. */
    public String cliName() {
        return cliName;
    }

    /** Parses a command-line name; throws {@link IllegalArgumentException} listing the valid names. */
    public static Backend fromCliName(String name) {
        for (Backend b : values()) {
            if (b.cliName.equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "' (expected auto, epoll or io_uring)");
    }

    /**
     * The concrete backend this choice means on this machine; never {@link #AUTO}.
     *
     * @throws BackendUnavailableException if the chosen backend cannot run here
     */
    public Backend resolve() {
        return switch (this) {
            case EPOLL -> EPOLL;
            case IO_URING -> {
                IoUringProbe.Result probe = IoUringProbe.probe();
                if (!probe.usable()) {
                    throw new BackendUnavailableException("io_uring unusable: " + probe.reason());
                }
                yield IO_URING;
            }
            case AUTO -> {
                IoUringProbe.Result probe = IoUringProbe.probe();
                if (probe.usable()) {
                    yield IO_URING;
                }
                AutoFallback.logOnce(probe.reason());
                yield EPOLL;
            }
        };
    }

    /** Logs the reason auto fell back to epoll, once per JVM. */
    private static final class AutoFallback {
        private static final java.util.concurrent.atomic.AtomicBoolean LOGGED = new java.util.concurrent.atomic.AtomicBoolean();

        static void logOnce(String reason) {
            if (LOGGED.compareAndSet(false, true)) {
                System.getLogger("io.ringwire").log(System.Logger.Level.INFO,
                        "backend auto: using epoll, io_uring is unusable: " + reason);
            }
        }
    }
}

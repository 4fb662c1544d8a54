package io.ringwire;

/**
 * Which kernel interface drives the event loops.
 *
 * <p>{@link #AUTO} picks the best backend this kernel and this build allow. Until the io_uring
 * backend lands, that is {@link #EPOLL}; choosing {@link #IO_URING} explicitly fails with a
 * {@link BackendUnavailableException} that says why.
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
            case AUTO, EPOLL -> EPOLL;
            case IO_URING -> throw new BackendUnavailableException(
                    "io_uring: this build of ringwire has no io_uring backend yet; use --backend epoll or auto");
        };
    }
}

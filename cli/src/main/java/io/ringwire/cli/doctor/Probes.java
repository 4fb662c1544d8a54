package io.ringwire.cli.doctor;

import java.util.List;
import java.util.Optional;

/**
 * What the doctor learns by running code rather than reading files: loading the native library,
 * starting an epoll loop, probing io_uring, asking for resource limits. {@link LiveProbes} does it
 * for real; tests pass fixed answers.
 */
public interface Probes {

    /** Why the native library does not load, or empty if it loads. Called first. */
    Optional<String> nativeLibraryError();

    /** Why an epoll event loop cannot start, or empty if it starts. Only called if the library loads. */
    Optional<String> epollError();

    /** The io_uring probe's answer. Only called if the library loads. */
    Uring ioUring();

    /** RLIMIT_NOFILE, or empty if it cannot be asked (the doctor then reads /proc/self/limits). */
    Optional<Limit> nofile();

    /** RLIMIT_MEMLOCK in bytes, or empty as for {@link #nofile()}. */
    Optional<Limit> memlock();

    /** The JDK this process runs on. */
    Jdk jdk();

    /** A soft and a hard resource limit; -1 stands for unlimited. */
    record Limit(long soft, long hard) {
        public boolean unlimited() {
            return soft < 0;
        }
    }

    /**
     * The io_uring probe's findings.
     *
     * @param usable     whether the io_uring backend can run
     * @param reason     why not, or null when usable
     * @param ops        the operations the backend needs that the kernel supports
     * @param setupFlags the optional setup flags the ring got
     */
    record Uring(boolean usable, String reason, List<String> ops, List<String> setupFlags) {
    }

    /**
     * @param feature the feature release, such as 21
     * @param version the full version string
     * @param vendor  such as "Eclipse Adoptium"
     * @param home    java.home
     */
    record Jdk(int feature, String version, String vendor, String home) {
    }
}

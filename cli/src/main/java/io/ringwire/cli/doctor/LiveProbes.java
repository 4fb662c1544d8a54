package io.ringwire.cli.doctor;

import io.ringwire.Backend;
import io.ringwire.EventLoopGroup;
import io.ringwire.internal.NativeLibrary;
import io.ringwire.internal.ResourceLimits;
import io.ringwire.uring.IoUringProbe;
import java.io.IOException;
import java.util.Optional;

/**
 * The probes on this machine, through the transport itself: the same loader, the same epoll loop
 * and the same io_uring probe that a server would use, so the verdict matches what a server gets.
 * Classes that need the native library are touched only after it has loaded.
 */
final class LiveProbes implements Probes {
    private boolean loaded;

    @Override
    public Optional<String> nativeLibraryError() {
        try {
            NativeLibrary.ensureLoaded();
            loaded = true;
            return Optional.empty();
        } catch (LinkageError e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    @Override
    public Optional<String> epollError() {
        // Starting and stopping one loop exercises epoll_create1, eventfd and the loop thread: what a server needs first.
        try (EventLoopGroup group = EventLoopGroup.builder().backend(Backend.EPOLL).threads(1).name("doctor").build()) {
            return group.backend() == Backend.EPOLL ? Optional.empty()
                    : Optional.of("asked for epoll, got " + group.backend().cliName());
        } catch (IOException | RuntimeException | LinkageError e) {
            return Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    @Override
    public Uring ioUring() {
        IoUringProbe.Result r = IoUringProbe.probe();
        return new Uring(r.usable(), r.reason(), r.supportedOps(), r.setupFlags());
    }

    @Override
    public Optional<Limit> nofile() {
        return limit("NOFILE");
    }

    @Override
    public Optional<Limit> memlock() {
        return limit("MEMLOCK");
    }

    private Optional<Limit> limit(String which) {
        if (!loaded) {
            return Optional.empty();
        }
        try {
            ResourceLimits.Limit l = ResourceLimits.get(which.equals("NOFILE")
                    ? ResourceLimits.RLIMIT_NOFILE : ResourceLimits.RLIMIT_MEMLOCK);
            return Optional.of(new Limit(l.soft(), l.hard()));
        } catch (IOException | LinkageError e) {
            return Optional.empty();
        }
    }

    @Override
    public Jdk jdk() {
        return new Jdk(Runtime.version().feature(), Runtime.version().toString(),
                System.getProperty("java.vendor", "?"), System.getProperty("java.home", "?"));
    }
}

package io.ringwire.cli.doctor;

import java.util.List;
import java.util.Optional;

/** Fixed probe answers; every field can be changed before a run. */
final class FakeProbes implements Probes {
    Optional<String> nativeError = Optional.empty();
    Optional<String> epollError = Optional.empty();
    Uring uring = new Uring(true, null, List.of("ACCEPT", "RECV", "SEND"), List.of("SINGLE_ISSUER"));
    Optional<Limit> nofile = Optional.of(new Limit(1_048_576, 1_048_576));
    Optional<Limit> memlock = Optional.of(new Limit(-1, -1));
    Jdk jdk = new Jdk(21, "21.0.5+11", "Test Vendor", "/jdk");
    int epollCalls;
    int uringCalls;

    @Override
    public Optional<String> nativeLibraryError() {
        return nativeError;
    }

    @Override
    public Optional<String> epollError() {
        epollCalls++;
        return epollError;
    }

    @Override
    public Uring ioUring() {
        uringCalls++;
        return uring;
    }

    @Override
    public Optional<Limit> nofile() {
        return nofile;
    }

    @Override
    public Optional<Limit> memlock() {
        return memlock;
    }

    @Override
    public Jdk jdk() {
        return jdk;
    }
}

package io.ringwire.cli.doctor;

import io.ringwire.ServerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs every check in report order and collects the findings. What it reads comes from a
 * {@link HostFs} (the live {@code /} or a fake tree) and what it probes from {@link Probes}, so
 * the whole report can be produced from fake inputs.
 */
public final class Doctor {
    private static final Pattern CPU_DIR = Pattern.compile("cpu\\d+");

    private final HostFs fs;
    private final Probes probes;
    private final int backlog;

    /** @param backlog the listen backlog to hold somaxconn against; ringwire's is {@link ServerConfig#DEFAULT_BACKLOG} */
    public Doctor(HostFs fs, Probes probes, int backlog) {
        this.fs = fs;
        this.probes = probes;
        this.backlog = backlog;
    }

    public static Doctor live() {
        return new Doctor(HostFs.live(), new LiveProbes(), ServerConfig.DEFAULT_BACKLOG);
    }

    public List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        Optional<String> release = fs.read("proc/sys/kernel/osrelease");
        out.add(Checks.kernel(release));
        out.add(Checks.jdk(probes.jdk()));

        Optional<String> nativeError = probes.nativeLibraryError();
        boolean loaded = nativeError.isEmpty();
        out.add(Checks.nativeLibrary(nativeError));
        out.add(Checks.epoll(loaded, loaded ? probes.epollError() : Optional.empty()));

        Optional<Probes.Limit> memlock = probes.memlock()
                .or(() -> Checks.procLimit(fs.read("proc/self/limits"), "Max locked memory"));
        Optional<Probes.Limit> nofile = probes.nofile()
                .or(() -> Checks.procLimit(fs.read("proc/self/limits"), "Max open files"));
        out.add(Checks.ioUring(loaded ? Optional.of(probes.ioUring()) : Optional.empty(),
                fs.read("proc/sys/kernel/io_uring_disabled"), fs.statusField("proc/self/status", "Seccomp"),
                memlock, release.flatMap(KernelVersion::parse)));
        out.add(Checks.nofile(nofile));
        out.add(Checks.memlock(memlock));

        out.add(Checks.somaxconn(fs.readLong("proc/sys/net/core/somaxconn"), backlog));
        out.add(Checks.portRange(fs.read("proc/sys/net/ipv4/ip_local_port_range")));
        out.add(Checks.transparentHugepages(fs.read("sys/kernel/mm/transparent_hugepage/enabled")));
        out.add(Checks.busyPoll(fs.readLong("proc/sys/net/core/busy_read"), fs.readLong("proc/sys/net/core/busy_poll")));
        out.add(Checks.cpuGovernor(governors()));
        return out;
    }

    private Map<String, String> governors() {
        Map<String, String> g = new LinkedHashMap<>();
        for (String cpu : fs.list("sys/devices/system/cpu")) {
            if (CPU_DIR.matcher(cpu).matches()) {
                fs.read("sys/devices/system/cpu/" + cpu + "/cpufreq/scaling_governor").ifPresent(v -> g.put(cpu, v));
            }
        }
        return g;
    }

    /** 1 if any finding is a FAIL, else 0. */
    public static int exitCode(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.status() == Status.FAIL) ? 1 : 0;
    }

    /** The worst status among the findings. */
    public static Status worst(List<Finding> findings) {
        return findings.stream().map(Finding::status).max(Enum::compareTo).orElse(Status.OK);
    }
}

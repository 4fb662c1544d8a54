package io.ringwire.uring;

import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.ResourceLimits;
import io.ringwire.internal.Sysctl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Decides whether the io_uring backend can run here, and if not, says why in one line.
 *
 * <p>It sets up a small ring the way the backend would, asks the kernel which opcodes it
 * supports ({@code IORING_REGISTER_PROBE}), and tries to register a provided-buffer ring. The
 * usual refusals: {@code kernel.io_uring_disabled} or a seccomp filter (EPERM, or ENOSYS as
 * Docker's default profile gives), and a low {@code RLIMIT_MEMLOCK} on older kernels (ENOMEM).
 * The system property {@value #DISABLE_PROPERTY} forces the "unusable" answer, so that the
 * fallback path can be tested on any machine.
 */
public final class IoUringProbe {
    public static final String DISABLE_PROPERTY = "ringwire.io_uring.disable";

    /** Operations the backend submits; each must be supported. */
    static final Map<String, Integer> REQUIRED_OPS = requiredOps();

    private static volatile Result cached;

    private IoUringProbe() {
    }

    /** The probe's findings. {@code reason} is null when usable. */
    public record Result(boolean usable, String reason, List<String> supportedOps, List<String> setupFlags,
                         int features) {
    }

    /** Probes once per JVM (unless the disable property changes the answer). */
    public static Result probe() {
        if (Boolean.getBoolean(DISABLE_PROPERTY)) {
            return new Result(false, "disabled by -D" + DISABLE_PROPERTY + "=true", List.of(), List.of(), 0);
        }
        Result r = cached;
        if (r == null) {
            r = run();
            cached = r;
        }
        return r;
    }

    private static Result run() {
        UnsafeBuffer probe = new UnsafeBuffer(ByteBuffer.allocateDirect(Uring.SIZEOF_PROBE + 256 * Uring.SIZEOF_PROBE_OP));
        try {
            return run(probe);
        } finally {
            org.agrona.BufferUtil.free(probe);
        }
    }

    private static Result run(UnsafeBuffer probe) {
        String sysctl = readSysctl();
        IoUring ring;
        try {
            ring = IoUring.create(8, 16, IoUring.PREFERRED_FLAGS);
        } catch (IOException e) {
            return new Result(false, explainSetup(e, sysctl), List.of(), List.of(), 0);
        }
        try {
            List<String> flags = setupFlagNames(ring.setupFlags);
            List<String> supported = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            int r = ring.register(Uring.REGISTER_PROBE, probe.addressOffset(), 256);
            if (r < 0) {
                return new Result(false, Errors.describe("io_uring_register PROBE", null, -r)
                        + ": the kernel is too old for the io_uring backend (needs 6.0 or newer)", List.of(), flags,
                        ring.features);
            }
            int lastOp = probe.getByte(Uring.PROBE_LAST_OP) & 0xFF;
            for (Map.Entry<String, Integer> op : REQUIRED_OPS.entrySet()) {
                int code = op.getValue();
                int at = Uring.PROBE_OPS + code * Uring.SIZEOF_PROBE_OP;
                boolean ok = code <= lastOp && (probe.getShort(at + Uring.PROBE_OP_FLAGS) & Uring.OP_SUPPORTED) != 0;
                (ok ? supported : missing).add(op.getKey());
            }
            if (!missing.isEmpty()) {
                return new Result(false, "the kernel lacks io_uring operations " + missing, supported, flags, ring.features);
            }
            String pbuf = BufferRing.probe(ring);
            if (pbuf != null) {
                return new Result(false, pbuf, supported, flags, ring.features);
            }
            return new Result(true, null, supported, flags, ring.features);
        } finally {
            ring.close();
        }
    }

    private static String explainSetup(IOException e, String sysctl) {
        int errno = e instanceof Errors.HasErrno h ? h.errno() : 0;
        String base = e.getMessage();
        if (errno == Errno.ENOSYS) {
            return base + ": the kernel has no io_uring, or a seccomp filter (such as Docker's default) blocks it";
        }
        if (errno == Errno.EPERM) {
            return base + ": " + (sysctl != null && !sysctl.equals("0")
                    ? "kernel.io_uring_disabled=" + sysctl + " forbids it (set it to 0)"
                    : "a seccomp filter or a security module forbids it");
        }
        if (errno == Errno.ENOMEM) {
            String limit = "";
            try {
                limit = " (RLIMIT_MEMLOCK soft=" + ResourceLimits.get(ResourceLimits.RLIMIT_MEMLOCK).soft() + ")";
            } catch (IOException ignored) {
                // The reason stands without the figure.
            }
            return base + ": locked memory for the rings is exhausted" + limit + "; raise it with ulimit -l or LimitMEMLOCK=";
        }
        return base;
    }

    /** {@code kernel.io_uring_disabled} (Linux 6.6+): 0 allowed, 1 restricted to a group, 2 off. */
    static String readSysctl() {
        return Sysctl.read("kernel/io_uring_disabled");
    }

    static List<String> setupFlagNames(int flags) {
        List<String> names = new ArrayList<>();
        if ((flags & Uring.SETUP_SUBMIT_ALL) != 0) {
            names.add("SUBMIT_ALL");
        }
        if ((flags & Uring.SETUP_COOP_TASKRUN) != 0) {
            names.add("COOP_TASKRUN");
        }
        if ((flags & Uring.SETUP_SINGLE_ISSUER) != 0) {
            names.add("SINGLE_ISSUER");
        }
        if ((flags & Uring.SETUP_DEFER_TASKRUN) != 0) {
            names.add("DEFER_TASKRUN");
        }
        return names;
    }

    private static Map<String, Integer> requiredOps() {
        Map<String, Integer> ops = new TreeMap<>();
        ops.put("ACCEPT", Uring.OP_ACCEPT);
        ops.put("ASYNC_CANCEL", Uring.OP_ASYNC_CANCEL);
        ops.put("CONNECT", Uring.OP_CONNECT);
        ops.put("READ", Uring.OP_READ);
        ops.put("RECV", Uring.OP_RECV);
        ops.put("SEND", Uring.OP_SEND);
        ops.put("TIMEOUT", Uring.OP_TIMEOUT);
        ops.put("WRITEV", Uring.OP_WRITEV);
        return Collections.unmodifiableMap(ops);
    }
}

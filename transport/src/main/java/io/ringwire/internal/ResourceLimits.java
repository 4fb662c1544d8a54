package io.ringwire.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Process resource limits ({@code getrlimit}/{@code setrlimit}); -1 stands for unlimited. */
public final class ResourceLimits {
    public static final int RLIMIT_NOFILE = Linux.require("RLIMIT_NOFILE");
    public static final int RLIMIT_MEMLOCK = Linux.require("RLIMIT_MEMLOCK");

    private ResourceLimits() {
    }

    /** A soft and a hard limit. */
    public record Limit(long soft, long hard) {
        public boolean isUnlimited() {
            return soft == -1;
        }
    }

    public static Limit get(int resource) throws IOException {
        UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
        try {
            Errors.check("getrlimit", null, Native.getrlimit(resource, out.addressOffset()));
            return new Limit(out.getLong(0), out.getLong(8));
        } finally {
            org.agrona.BufferUtil.free(out);
        }
    }

    /** Sets the limits; raising the hard limit needs CAP_SYS_RESOURCE. */
    public static void set(int resource, Limit limit) throws IOException {
        Errors.check("setrlimit", null, Native.setrlimit(resource, limit.soft(), limit.hard()));
    }
}

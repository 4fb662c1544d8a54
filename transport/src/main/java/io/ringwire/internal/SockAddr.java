package io.ringwire.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes and decodes {@code struct sockaddr_in} and {@code sockaddr_in6} in native memory.
 *
 * <p>Offsets come from {@link Linux}; ports and IPv4 addresses are in network byte order. Not used
 * on the data path: only on bind, connect, accept with addresses, and address queries.
 */
public final class SockAddr {
    private SockAddr() {
    }

    /** Room enough for any address family ringwire uses. */
    public static final int CAPACITY = Linux.SIZEOF_SOCKADDR_STORAGE;

    /** Writes {@code address} at {@code buf[0..]} and returns the sockaddr length. */
    public static int encode(InetSocketAddress address, UnsafeBuffer buf) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        buf.setMemory(0, CAPACITY, (byte) 0);
        InetAddress ip = address.getAddress();
        if (ip instanceof Inet4Address) {
            buf.putShort(0, (short) Linux.AF_INET, ByteOrder.nativeOrder());
            buf.putShort(Linux.OFFSETOF_SOCKADDR_IN_PORT, (short) address.getPort(), ByteOrder.BIG_ENDIAN);
            buf.putBytes(Linux.OFFSETOF_SOCKADDR_IN_ADDR, ip.getAddress());
            return Linux.SIZEOF_SOCKADDR_IN;
        }
        Inet6Address ip6 = (Inet6Address) ip;
        buf.putShort(0, (short) Linux.AF_INET6, ByteOrder.nativeOrder());
        buf.putShort(Linux.OFFSETOF_SOCKADDR_IN6_PORT, (short) address.getPort(), ByteOrder.BIG_ENDIAN);
        buf.putBytes(Linux.OFFSETOF_SOCKADDR_IN6_ADDR, ip6.getAddress());
        buf.putInt(Linux.OFFSETOF_SOCKADDR_IN6_SCOPE_ID, ip6.getScopeId(), ByteOrder.nativeOrder());
        return Linux.SIZEOF_SOCKADDR_IN6;
    }

    /** Reads the sockaddr at {@code buf[0..length)}; null if the family is not IPv4 or IPv6. */
    public static InetSocketAddress decode(UnsafeBuffer buf, int length) {
        if (length < 2) {
            return null;
        }
        int family = buf.getShort(0, ByteOrder.nativeOrder());
        try {
            if (family == Linux.AF_INET) {
                byte[] ip = new byte[4];
                buf.getBytes(Linux.OFFSETOF_SOCKADDR_IN_ADDR, ip);
                int port = buf.getShort(Linux.OFFSETOF_SOCKADDR_IN_PORT, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            if (family == Linux.AF_INET6) {
                byte[] ip = new byte[16];
                buf.getBytes(Linux.OFFSETOF_SOCKADDR_IN6_ADDR, ip);
                int port = buf.getShort(Linux.OFFSETOF_SOCKADDR_IN6_PORT, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                int scope = buf.getInt(Linux.OFFSETOF_SOCKADDR_IN6_SCOPE_ID, ByteOrder.nativeOrder());
                InetAddress addr = scope == 0 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, scope);
                return new InetSocketAddress(addr, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("kernel returned a malformed address", e);
        }
        return null;
    }

    /** {@code 127.0.0.1:80} or {@code [::1]:80}: the literal address, never a reverse lookup. */
    public static String format(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return address.getHostString() + ":" + address.getPort();
        }
        InetAddress ip = address.getAddress();
        String host = ip instanceof Inet6Address ip6 ? "[" + compress(ip6) + "]" : ip.getHostAddress();
        return host + ":" + address.getPort();
    }

    /**
     * The RFC 5952 text of an IPv6 address ({@code ::1}, not the JDK's {@code 0:0:0:0:0:0:0:1}):
     * lower-case hex without leading zeros, the longest run of two or more zero groups (the first
     * of equal runs) written as {@code ::}, and the JDK's {@code %scope} suffix kept.
     */
    static String compress(Inet6Address ip) {
        byte[] b = ip.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        String jdk = ip.getHostAddress();
        int scope = jdk.indexOf('%');
        return scope < 0 ? sb.toString() : sb.append(jdk, scope, jdk.length()).toString();
    }

    /** The address family constant for {@code address}. */
    public static int family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address ? Linux.AF_INET : Linux.AF_INET6;
    }
}

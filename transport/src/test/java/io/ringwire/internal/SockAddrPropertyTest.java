package io.ringwire.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

/** encode then decode gives back the address, for any IPv4 or IPv6 address and port. */
class SockAddrPropertyTest {
    private final UnsafeBuffer buf = new UnsafeBuffer(ByteBuffer.allocateDirect(SockAddr.CAPACITY));

    @Property(tries = 500)
    void ipv4RoundTrips(@ForAll @Size(4) byte[] ip, @ForAll @IntRange(min = 0, max = 65535) int port) throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(ip), port);
        InetSocketAddress back = SockAddr.decode(buf, SockAddr.encode(a, buf));
        assertInstanceOf(Inet4Address.class, back.getAddress());
        assertEquals(a, back);
    }

    @Property(tries = 500)
    void ipv6RoundTrips(@ForAll @Size(16) byte[] ip, @ForAll @IntRange(min = 0, max = 65535) int port,
                        @ForAll @IntRange(min = 0, max = 64) int scope) throws Exception {
        // An IPv4-mapped address (::ffff:a.b.c.d) decodes as the IPv4 address, as the JDK does; see SockAddrTest.
        Assume.that(!isV4Mapped(ip));
        Inet6Address ip6 = Inet6Address.getByAddress(null, ip, scope);
        InetSocketAddress back = SockAddr.decode(buf, SockAddr.encode(new InetSocketAddress(ip6, port), buf));
        Inet6Address back6 = assertInstanceOf(Inet6Address.class, back.getAddress());
        assertArrayEquals(ip, back6.getAddress());
        assertEquals(scope, back6.getScopeId());
        assertEquals(port, back.getPort());
    }

    /** The compressed text parses back to the same address. */
    @Property(tries = 500)
    void formattedIpv6ParsesBack(@ForAll @Size(16) byte[] ip) throws Exception {
        Assume.that(!isV4Mapped(ip));
        String text = SockAddr.compress(Inet6Address.getByAddress(null, ip, -1));
        assertArrayEquals(ip, InetAddress.getByName(text).getAddress(), text);
    }

    private static boolean isV4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xFF && ip[11] == (byte) 0xFF;
    }
}

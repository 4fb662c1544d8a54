package io.ringwire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** sockaddr encoding in native memory: layout, byte order, and the text form used in messages. */
@Timeout(10)
class SockAddrTest {
    private final UnsafeBuffer buf = new UnsafeBuffer(ByteBuffer.allocateDirect(SockAddr.CAPACITY));

    @Test
    void ipv4LayoutIsNetworkOrder() throws Exception {
        int len = SockAddr.encode(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 0x1F90), buf);
        assertEquals(Linux.SIZEOF_SOCKADDR_IN, len);
        assertEquals(Linux.AF_INET, buf.getShort(0, ByteOrder.nativeOrder()));
        assertEquals(0x1F, buf.getByte(Linux.OFFSETOF_SOCKADDR_IN_PORT) & 0xFF, "port high byte first");
        assertEquals(0x90, buf.getByte(Linux.OFFSETOF_SOCKADDR_IN_PORT + 1) & 0xFF);
        byte[] ip = new byte[4];
        buf.getBytes(Linux.OFFSETOF_SOCKADDR_IN_ADDR, ip);
        assertEquals(InetAddress.getByName("10.1.2.3"), InetAddress.getByAddress(ip));
    }

    @Test
    void ipv6LayoutCarriesScope() throws Exception {
        Inet6Address ip = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);
        int len = SockAddr.encode(new InetSocketAddress(ip, 443), buf);
        assertEquals(Linux.SIZEOF_SOCKADDR_IN6, len);
        assertEquals(Linux.AF_INET6, buf.getShort(0, ByteOrder.nativeOrder()));
        assertEquals(443, buf.getShort(Linux.OFFSETOF_SOCKADDR_IN6_PORT, ByteOrder.BIG_ENDIAN));
        assertEquals(3, buf.getInt(Linux.OFFSETOF_SOCKADDR_IN6_SCOPE_ID, ByteOrder.nativeOrder()));
        InetSocketAddress back = SockAddr.decode(buf, len);
        Inet6Address back6 = assertInstanceOf(Inet6Address.class, back.getAddress());
        assertEquals(3, back6.getScopeId());
        assertEquals(443, back.getPort());
    }

    @Test
    void encodingClearsWhatAnEarlierAddressLeftBehind() throws Exception {
        SockAddr.encode(new InetSocketAddress(InetAddress.getByName("ffff:ffff::ffff"), 65535), buf);
        int len = SockAddr.encode(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80), buf);
        for (int i = len; i < SockAddr.CAPACITY; i++) {
            assertEquals(0, buf.getByte(i), "byte " + i);
        }
    }

    @Test
    void decodeRejectsUnknownFamiliesAndShortInput() {
        buf.setMemory(0, SockAddr.CAPACITY, (byte) 0);
        buf.putShort(0, (short) 1, ByteOrder.nativeOrder()); // AF_UNIX
        assertNull(SockAddr.decode(buf, SockAddr.CAPACITY));
        assertNull(SockAddr.decode(buf, 1));
    }

    @Test
    void unresolvedAddressesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SockAddr.encode(InetSocketAddress.createUnresolved("example.invalid", 80), buf));
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, 80, 127.0.0.1:80",
            "::1, 80, [::1]:80",
            "::, 7000, [::]:7000",
            "2001:db8:0:0:1:0:0:1, 1, [2001:db8::1:0:0:1]:1",
            "2001:0:0:1:0:0:0:1, 2, [2001:0:0:1::1]:2",
            "2001:db8:0:1:1:1:1:1, 3, [2001:db8:0:1:1:1:1:1]:3",
            "fe80:0:0:0:0:0:0:0, 4, [fe80::]:4",
            "0:0:0:0:0:0:0:abcd, 5, [::abcd]:5",
            "2001:DB8:A:B:C:D:E:F, 6, [2001:db8:a:b:c:d:e:f]:6",
    })
    void formatsLiteralAddressesAsRfc5952(String host, int port, String expected) throws Exception {
        assertEquals(expected, SockAddr.format(new InetSocketAddress(InetAddress.getByName(host), port)));
    }

    @Test
    void formatKeepsTheScopeAndNeverResolves() throws Exception {
        Inet6Address scoped = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 2);
        assertEquals("[fe80::1%2]:9", SockAddr.format(new InetSocketAddress(scoped, 9)));
        assertEquals("example.invalid:80", SockAddr.format(InetSocketAddress.createUnresolved("example.invalid", 80)));
    }

    @Test
    void familyFollowsTheAddressType() throws Exception {
        assertEquals(Linux.AF_INET, SockAddr.family(new InetSocketAddress(Inet4Address.getByName("127.0.0.1"), 1)));
        assertEquals(Linux.AF_INET6, SockAddr.family(new InetSocketAddress(InetAddress.getByName("::1"), 1)));
    }
}

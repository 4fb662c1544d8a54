package io.ringwire.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringwire.protocol.testutil.Feeder;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Every way in (array, direct buffer, bare address through the scratch) agrees with java.util.zip.CRC32. */
class Crc32Test {

    @Property(tries = 300)
    void matchesTheJdkOverTwoPartsInAnyBufferKind(@ForAll @Size(max = 100) byte[] a, @ForAll @Size(max = 3000) byte[] b,
                                                   @ForAll Feeder.Kind kindA, @ForAll Feeder.Kind kindB,
                                                   @ForAll @IntRange(max = 15) int offset) {
        CRC32 jdk = new CRC32();
        jdk.update(a);
        jdk.update(b);
        ByteBuffer ma = ByteBuffer.allocateDirect(a.length + 16);
        ByteBuffer mb = ByteBuffer.allocateDirect(b.length + 16);
        try {
            DirectBuffer ba = buffer(kindA, a, offset, ma);
            DirectBuffer bb = buffer(kindB, b, offset, mb);
            Crc32 crc = new Crc32();
            assertEquals((int) jdk.getValue(), crc.of(ba, offset, a.length, bb, offset, b.length));
            assertEquals((int) jdk.getValue(), crc.of(ba, offset, a.length, bb, offset, b.length), "again, reusing the windows");
        } finally {
            BufferUtil.free(ma);
            BufferUtil.free(mb);
        }
    }

    @Property(tries = 100)
    void rawBuffersLongerThanTheScratchMatchTheJdk(@ForAll @IntRange(min = 4000, max = 20000) int length, @ForAll long seed) {
        byte[] data = new byte[length];
        new java.util.Random(seed).nextBytes(data);
        CRC32 jdk = new CRC32();
        jdk.update(data);
        ByteBuffer m = ByteBuffer.allocateDirect(length);
        try {
            UnsafeBuffer raw = new UnsafeBuffer(BufferUtil.address(m), length);
            raw.putBytes(0, data);
            assertEquals((int) jdk.getValue(), new Crc32().of(raw, 0, length));
        } finally {
            BufferUtil.free(m);
        }
    }

    private static DirectBuffer buffer(Feeder.Kind kind, byte[] bytes, int offset, ByteBuffer direct) {
        UnsafeBuffer b = switch (kind) {
            case HEAP -> new UnsafeBuffer(new byte[bytes.length + 16]);
            case DIRECT -> new UnsafeBuffer(direct);
            case RAW -> new UnsafeBuffer(BufferUtil.address(direct), direct.capacity());
        };
        b.putBytes(offset, bytes);
        return b;
    }
}

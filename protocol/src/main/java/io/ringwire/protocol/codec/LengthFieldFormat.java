package io.ringwire.protocol.codec;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Where a frame's length is written and what it counts; shared by {@link LengthFieldDecoder} and
 * {@link LengthFieldEncoder}. Immutable and thread-safe.
 *
 * <p>A frame is {@code fieldOffset} bytes of the application's own, the length field of
 * {@code fieldSize} bytes (1, 2, 4 or 8; unsigned) in {@code order}, then the rest. Its whole
 * length is {@code fieldOffset + fieldSize + value + adjustment}: with adjustment 0 the field counts
 * the bytes after it; with {@code -(fieldOffset + fieldSize)} it counts the whole frame. Frames
 * longer than {@code maxFrame} bytes (everything included) are refused from the length field
 * alone. The decoder hands on each frame without its first {@code bytesToStrip} bytes.
 */
public final class LengthFieldFormat {
    private final int fieldOffset;
    private final int fieldSize;
    private final ByteOrder order;
    private final int adjustment;
    private final int maxFrame;
    private final int bytesToStrip;

    private LengthFieldFormat(Builder b) {
        this.fieldOffset = b.fieldOffset;
        this.fieldSize = b.fieldSize;
        this.order = b.order;
        this.adjustment = b.adjustment;
        this.maxFrame = b.maxFrame;
        this.bytesToStrip = b.bytesToStrip;
    }

    /** A 4-byte big-endian field at offset 0 counting the bytes after it, max 16 MiB, stripped. */
    public static LengthFieldFormat defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int fieldOffset() {
        return fieldOffset;
    }

    public int fieldSize() {
        return fieldSize;
    }

    public ByteOrder order() {
        return order;
    }

    public int adjustment() {
        return adjustment;
    }

    public int maxFrame() {
        return maxFrame;
    }

    public int bytesToStrip() {
        return bytesToStrip;
    }

    /** {@code fieldOffset + fieldSize}: the bytes needed before a frame's length is known. */
    public int headerLength() {
        return fieldOffset + fieldSize;
    }

    @Override
    public String toString() {
        return "LengthFieldFormat[offset=" + fieldOffset + " size=" + fieldSize + " order=" + order
                + " adjustment=" + adjustment + " max=" + maxFrame + " strip=" + bytesToStrip + "]";
    }

    public static final class Builder {
        private int fieldOffset;
        private int fieldSize = 4;
        private ByteOrder order = ByteOrder.BIG_ENDIAN;
        private int adjustment;
        private int maxFrame = 16 * 1024 * 1024;
        private int bytesToStrip = -1;

        private Builder() {
        }

        public Builder fieldOffset(int offset) {
            if (offset < 0 || offset > 1024) {
                throw new IllegalArgumentException("field offset must be within 0..1024: " + offset);
            }
            this.fieldOffset = offset;
            return this;
        }

        /** 1, 2, 4 or 8 bytes, read as an unsigned number. */
        public Builder fieldSize(int size) {
            if (size != 1 && size != 2 && size != 4 && size != 8) {
                throw new IllegalArgumentException("field size must be 1, 2, 4 or 8 bytes: " + size);
            }
            this.fieldSize = size;
            return this;
        }

        public Builder order(ByteOrder order) {
            this.order = Objects.requireNonNull(order, "order");
            return this;
        }

        /** Added to the field's value to give the bytes that follow the field; may be negative. */
        public Builder adjustment(int adjustment) {
            this.adjustment = adjustment;
            return this;
        }

        /** The largest frame accepted, header included; at most {@link Cumulation#MAX_LIMIT}. */
        public Builder maxFrame(int maxFrame) {
            if (maxFrame < 1 || maxFrame > Cumulation.MAX_LIMIT) {
                throw new IllegalArgumentException("max frame must be within 1.." + Cumulation.MAX_LIMIT + ": " + maxFrame);
            }
            this.maxFrame = maxFrame;
            return this;
        }

        /** Bytes cut from the front of each decoded frame; at most the header. Default: the whole header. */
        public Builder bytesToStrip(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes to strip must not be negative: " + bytes);
            }
            this.bytesToStrip = bytes;
            return this;
        }

        public LengthFieldFormat build() {
            int header = fieldOffset + fieldSize;
            if (bytesToStrip < 0) {
                bytesToStrip = header;
            }
            if (bytesToStrip > header) {
                throw new IllegalArgumentException("bytes to strip (" + bytesToStrip
                        + ") must not pass the end of the length field (" + header + ")");
            }
            if (header > maxFrame) {
                throw new IllegalArgumentException("max frame (" + maxFrame + ") is shorter than the header (" + header + ")");
            }
            return new LengthFieldFormat(this);
        }
    }
}

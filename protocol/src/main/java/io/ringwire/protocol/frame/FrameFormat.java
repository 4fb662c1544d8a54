package io.ringwire.protocol.frame;

/**
 * The layout of the binary frame protocol, version 1 (the contract, "The binary frame protocol"):
 * a 13-byte header, then {@code body_len} body bytes. All integers are big-endian.
 *
 * <pre>
 * offset size field
 *   0     2   magic 0x424D ("BM")
 *   2     1   version 1
 *   3     2   cmd
 *   5     4   body_len (unsigned)
 *   9     4   crc32 (IEEE) over header bytes 0..8, then the body
 * </pre>
 */
public final class FrameFormat {
    public static final int MAGIC = 0x424D;
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 13;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 2;
    public static final int CMD_OFFSET = 3;
    public static final int BODY_LENGTH_OFFSET = 5;
    public static final int CRC_OFFSET = 9;
    /** The CRC covers the header up to, not including, its own field. */
    public static final int CRC_COVERED_HEADER = CRC_OFFSET;

    /** The server's limit on body_len unless told otherwise ({@code --max-frame}). */
    public static final int DEFAULT_MAX_BODY = 16 * 1024 * 1024;
    /** The largest body_len a limit may allow, so that a whole frame's length fits in an int. */
    public static final int MAX_BODY_LIMIT = Integer.MAX_VALUE - 64 - HEADER_LENGTH;

    private FrameFormat() {
    }
}

package io.ringwire.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Test files with known content, and digests of streams, for the zero-copy tests. */
public final class Files2 {
    private Files2() {
    }

    /** A file of {@code size} bytes of {@link TestData#streamByte} content, written in 1 MiB steps. */
    public static Path streamFile(Path dir, String name, long size) throws IOException {
        Path p = dir.resolve(name);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long at = 0; at < size; at += buf.length) {
                int n = (int) Math.min(buf.length, size - at);
                TestData.fillStream(buf, n, at);
                out.write(buf, 0, n);
            }
        }
        return p;
    }

    /** SHA-256 of {@code length} bytes of the file from {@code offset}. */
    public static String sha256(Path file, long offset, long length) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            while (length > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, length));
                if (n < 0) {
                    throw new java.io.EOFException();
                }
                md.update(buf, 0, n);
                length -= n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Reads {@code in} to EOF: its SHA-256 and its length. */
    public static Digest sha256(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
            total += n;
        }
        return new Digest(HexFormat.of().formatHex(md.digest()), total);
    }

    public record Digest(String sha256, long length) {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

package io.ringwire.protocol.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Serves regular files under one root directory, as {@code GET PREFIX NAME}, with zero-copy
 * transfer ({@link HttpResponse#bodyFile}).
 *
 * <h2>What never gets served</h2>
 * NAME is percent-decoded once, then refused (403) if it is empty, absolute, holds a backslash or
 * a NUL, or has a {@code .} or {@code ..} segment, so {@code %2e%2e/} is caught as well as
 * {@code ../}. What is left is resolved with every symbolic link followed, and refused (403) unless
 * it still lies under the root's own real path: a symlink out of the root is not followed out. A
 * missing file, anything but a regular file, and a name that resolves to nothing (a file used as
 * a directory, a symlink loop, a segment too long) are 404; a name the server may not look
 * through (EACCES) is 403; a malformed escape is 400 and a close, as for any malformed request
 * (see {@link FileFailures}).
 *
 * <p>The file is opened when the response is written, before its head is queued
 * ({@link io.ringwire.Connection#sendFile(org.agrona.DirectBuffer, int, int, Path, long, long)}):
 * one that cannot be opened by then (unreadable to the server, gone, a FIFO in its place) gets
 * 403, 404 or 500 instead, and the responses pipelined before it are kept.
 *
 * <p>Checks and open are separate steps, so a directory under the root that someone swaps for a
 * symlink between them could still be followed: the root is meant to be a directory that only
 * trusted users write to. Runs on the loop thread: the metadata calls here block it briefly.
 */
public final class FileHandler implements HttpHandler {
    private static final System.Logger LOG = System.getLogger("io.ringwire.protocol.http");
    private final Path root;
    private final String prefix;

    /**
     * @param root   the directory to serve; resolved to its real path now
     * @param prefix the route's prefix, such as {@code /files/}
     * @throws IOException if the root does not exist
     */
    public FileHandler(Path root, String prefix) throws IOException {
        this.root = root.toRealPath();
        this.prefix = prefix;
        if (!Files.isDirectory(this.root)) {
            throw new IOException("not a directory: " + root);
        }
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws IOException {
        String raw = request.path();
        String name = raw.startsWith(prefix) ? raw.substring(prefix.length()) : "";
        String decoded = percentDecode(name);
        if (decoded == null) {
            // An invalid %-escape makes the request-target itself malformed (RFC 3986), and the
            // contract answers a malformed request with 400, then a close.
            FileFailures.respond(response, HttpStatus.BAD_REQUEST);
            response.closeConnection();
            return;
        }
        if (!isSafeRelative(decoded)) {
            FileFailures.respond(response, HttpStatus.FORBIDDEN);
            return;
        }
        Path real;
        BasicFileAttributes attrs;
        try {
            real = root.resolve(decoded).toRealPath();
            if (!real.startsWith(root)) {
                FileFailures.respond(response, HttpStatus.FORBIDDEN);
                return;
            }
            attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException e) {
            // The client's name, not the server, is at fault (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG,
            // EACCES on the way): an answer, not a 500 and a stack trace per request.
            int status = FileFailures.status(e);
            LOG.log(System.Logger.Level.DEBUG, () -> "GET " + raw + ": " + status + ", " + e.getMessage());
            FileFailures.respond(response, status);
            return;
        }
        if (!attrs.isRegularFile()) {
            FileFailures.respond(response, HttpStatus.NOT_FOUND);
            return;
        }
        response.contentType("application/octet-stream").bodyFile(real, attrs.size());
    }

    /** A non-empty relative path whose segments are all plain names. */
    static boolean isSafeRelative(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            return false;
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** Decodes %XX escapes into UTF-8 text; null if an escape is malformed or the bytes are not UTF-8. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                if (c > 0x7F) {
                    return null;
                }
                out.write(c);
                continue;
            }
            if (i + 2 >= s.length()) {
                return null;
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}

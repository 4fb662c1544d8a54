package io.ringwire.protocol.http;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/**
 * What a client is told when a file it asked for cannot be served, from the exception that said
 * so: {@code java.nio.file}'s when a name is resolved, the transport's (the same types) when
 * {@link io.ringwire.Connection#sendFile} opens it.
 *
 * <ul>
 * <li>403 for {@link AccessDeniedException} (EACCES, EPERM): the file is there, not for us.</li>
 * <li>404 for any other {@link FileSystemException}: the name leads to no regular file (ENOENT,
 *     ENOTDIR, ELOOP, ENAMETOOLONG, EISDIR, a FIFO). The JDK reports ENOTDIR, ELOOP and
 *     ENAMETOOLONG only as a reason text, so they cannot be told apart from a rarer EIO here;
 *     for a client they are all "nothing to serve".</li>
 * <li>500 for the rest: the system failed (out of descriptors, say), or the file changed between
 *     the handler's look and the open (shorter than its Content-Length).</li>
 * </ul>
 *
 * Stateless; any thread.
 */
final class FileFailures {
    private FileFailures() {
    }

    static int status(Throwable failure) {
        if (failure instanceof AccessDeniedException) {
            return HttpStatus.FORBIDDEN;
        }
        if (failure instanceof FileSystemException) {
            return HttpStatus.NOT_FOUND;
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    /** Fills {@code response} with {@code status} and a one-line text body. */
    static void respond(HttpResponse response, int status) {
        String text = switch (status) {
            case HttpStatus.FORBIDDEN -> "forbidden\n";
            case HttpStatus.NOT_FOUND -> "not found\n";
            case HttpStatus.BAD_REQUEST -> "malformed percent-encoding\n";
            default -> "internal server error\n";
        };
        response.status(status).contentType("text/plain").body(text);
    }
}

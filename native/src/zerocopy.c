/*
 * Zero-copy transfer: sendfile(2) for a file to a socket, splice(2) through a
 * pipe between two sockets, and the file and pipe calls they need (open,
 * fstat, pipe2, F_SETPIPE_SZ/F_GETPIPE_SZ). Syscalls only, as everywhere in
 * this layer: offsets, lengths and what to do on EAGAIN are decided in Java.
 *
 * EINTR is retried for sendfile and splice: an interrupted call has moved
 * nothing (a partial transfer returns its count instead), so repeating it
 * cannot lose or duplicate data.
 */
#include "ringwire.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * O_NONBLOCK so that opening a FIFO (or a device that waits for a peer) returns at once instead
 * of blocking the calling thread, usually an event loop, until a writer appears; the caller's
 * rw_file_size then refuses anything that is not a regular file. For a regular file the flag
 * changes nothing (open(2): "this flag has no effect for regular files and block devices"), so a
 * sendfile from a file not in the page cache still waits for the disk.
 */
int rw_open_read(const char *path)
{
    if (path == NULL)
        return -EINVAL;
    int fd;
    do {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    return fd < 0 ? -errno : fd;
}

int64_t rw_file_size(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
    return (int64_t)st.st_size;
}

int64_t rw_sendfile(int out_fd, int in_fd, int64_t offset, int count)
{
    if (offset < 0 || count < 0)
        return -EINVAL;
    off_t off = (off_t)offset;
    ssize_t n;
    do {
        n = sendfile(out_fd, in_fd, &off, (size_t)count);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (int64_t)n;
}

/* An offset of -1 means "this end has none" (a pipe or socket): NULL to the kernel. */
int64_t rw_splice(int fd_in, int64_t off_in, int fd_out, int64_t off_out, int len, unsigned flags)
{
    if (len < 0)
        return -EINVAL;
    loff_t in = (loff_t)off_in, out = (loff_t)off_out;
    ssize_t n;
    do {
        n = splice(fd_in, off_in < 0 ? NULL : &in, fd_out, off_out < 0 ? NULL : &out, (size_t)len, flags);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (int64_t)n;
}

/* Both ends in one value, read end in the high half: no out-parameter to allocate. */
int64_t rw_pipe(void)
{
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
        return -errno;
    return ((int64_t)fds[0] << 32) | (uint32_t)fds[1];
}

int rw_set_pipe_size(int fd, int size)
{
    int r = fcntl(fd, F_SETPIPE_SZ, size);
    return r < 0 ? -errno : r;
}

int rw_get_pipe_size(int fd)
{
    int r = fcntl(fd, F_GETPIPE_SZ);
    return r < 0 ? -errno : r;
}

/* ---- JNI: casts only ---- */

static jint JNICALL jni_open_read(JNIEnv *env, jclass cls, jlong path)
{
    (void)env;
    (void)cls;
    return rw_open_read(RW_ADDR(path));
}

static jlong JNICALL jni_file_size(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    return rw_file_size(fd);
}

static jlong JNICALL jni_sendfile(JNIEnv *env, jclass cls, jint out_fd, jint in_fd, jlong offset, jint count)
{
    (void)env;
    (void)cls;
    return rw_sendfile(out_fd, in_fd, offset, count);
}

static jlong JNICALL jni_splice(JNIEnv *env, jclass cls, jint fd_in, jlong off_in, jint fd_out, jlong off_out,
                                jint len, jint flags)
{
    (void)env;
    (void)cls;
    return rw_splice(fd_in, off_in, fd_out, off_out, len, (unsigned)flags);
}

static jlong JNICALL jni_pipe(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return rw_pipe();
}

static jint JNICALL jni_set_pipe_size(JNIEnv *env, jclass cls, jint fd, jint size)
{
    (void)env;
    (void)cls;
    return rw_set_pipe_size(fd, size);
}

static jint JNICALL jni_get_pipe_size(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    return rw_get_pipe_size(fd);
}

static const JNINativeMethod methods[] = {
    { "openRead", "(J)I", (void *)jni_open_read },
    { "fileSize", "(I)J", (void *)jni_file_size },
    { "sendfile", "(IIJI)J", (void *)jni_sendfile },
    { "splice", "(IJIJII)J", (void *)jni_splice },
    { "pipe", "()J", (void *)jni_pipe },
    { "setPipeSize", "(II)I", (void *)jni_set_pipe_size },
    { "getPipeSize", "(I)I", (void *)jni_get_pipe_size },
};

int ringwire_register_zerocopy(JNIEnv *env, jclass cls)
{
    return (*env)->RegisterNatives(env, cls, methods, RW_COUNT(methods));
}

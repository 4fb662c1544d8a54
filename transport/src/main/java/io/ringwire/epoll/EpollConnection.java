package io.ringwire.epoll;

import io.ringwire.ConnectionConfig;
import io.ringwire.ConnectionHandler;
import io.ringwire.buffer.FileRegion;
import io.ringwire.internal.Errno;
import io.ringwire.internal.Errors;
import io.ringwire.internal.Linux;
import io.ringwire.internal.Native;
import io.ringwire.internal.Sockets;
import io.ringwire.loop.AbstractConnection;
import io.ringwire.loop.ServerHooks;
import java.net.InetSocketAddress;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A TCP connection on an epoll loop: the readiness-driven read and write paths. What all
 * backends share is in {@link AbstractConnection}; the edge-triggered rules are in
 * {@link EpollEventLoop}. Confined to the loop thread.
 */
final class EpollConnection extends AbstractConnection {
    /** Reads per event before yielding to other connections (64 KiB each: up to 1 MiB). */
    static final int READ_BUDGET = 16;
    /** Bytes asked of one sendfile: a socket buffer takes far less at once, so this only caps the int. */
    private static final int MAX_SENDFILE = 1 << 30;
    /**
     * File bytes one flush sends before it yields to the loop's other connections: a reader as fast
     * as the disk would otherwise keep a large file's sendfile loop from ever seeing EAGAIN.
     */
    static final long FILE_BUDGET = 8L << 20;
    private final Runnable resumeFlush = this::flushNow;

    private final EpollEventLoop epoll;
    /** Registered with the loop's epoll set; (generation << 32) | slot, -1 when not. */
    final EpollHandle handle;
    /** The socket may hold unread data (or a FIN): set by events, cleared on EAGAIN or a short read. */
    private boolean mayHaveInput;
    /** The last event said the peer closed or failed: read to the end rather than stop at a short read. */
    private boolean peerGone;
    boolean inReadyQueue;
    /** The kernel refused part of a flush; the next EPOLLOUT edge resumes it. */
    private boolean writeBlocked;

    EpollConnection(EpollEventLoop loop, int fd, ConnectionHandler handler, ConnectionConfig config,
                    ServerHooks server, InetSocketAddress remote) {
        super(loop, fd, handler, config, server, remote);
        this.epoll = loop;
        this.handle = new EpollHandle(fd) {
            @Override
            void onEvent(int events) {
                EpollConnection.this.onEvent(events);
            }

            @Override
            void failed(Throwable cause) {
                internalFailure(cause);
            }

            @Override
            void closeForShutdown() {
                closeNow(null);
            }

            @Override
            EpollConnection connection() {
                return EpollConnection.this;
            }
        };
    }

    // ---- events ----

    private void onEvent(int events) {
        if (connecting) {
            finishConnect(events);
            return;
        }
        if (closed) {
            return;
        }
        // Writable again: resume a flush the kernel cut short. Bytes written but never flushed
        // stay queued: writability is no reason to send what the application has not asked to.
        if ((events & Linux.EPOLLOUT) != 0 && writeBlocked) {
            flushNow();
        }
        if ((events & (Linux.EPOLLIN | Linux.EPOLLRDHUP | Linux.EPOLLHUP | Linux.EPOLLERR)) != 0) {
            mayHaveInput = true;
            peerGone |= (events & (Linux.EPOLLRDHUP | Linux.EPOLLHUP | Linux.EPOLLERR)) != 0;
            if (autoRead && !inputShutdown) {
                readNow();
            } else if ((events & Linux.EPOLLERR) != 0) {
                // Paused, or past the peer's FIN (a reset after it), and the socket failed: no
                // later read would report it, so do it now.
                int err = Native.socketError(fd);
                if (err > 0) {
                    readFailed(-err);
                }
            }
        }
    }

    @Override
    protected void startConnect() {
        int r = Sockets.startConnect(fd, remote);
        if (r == 0) {
            established();
        } else if (r != -Errno.EINPROGRESS && r != -Errno.EINTR) {
            closeNow(Errors.newException("connect", remote, r));
        }
        // In progress (an interrupted connect goes on in the kernel too): EPOLLOUT brings the outcome.
    }

    private void finishConnect(int events) {
        int err = Native.socketError(fd);
        if (err > 0) {
            closeNow(Errors.newException("connect", remote, -err));
        } else if (err < 0) {
            closeNow(Errors.newException("getsockopt SO_ERROR", remote, err));
        } else if ((events & Linux.EPOLLOUT) != 0) {
            established();
        }
        // err == 0 without EPOLLOUT: a spurious wake-up; the real outcome comes as another event.
    }

    // ---- reading ----

    @Override
    protected void onReadResumed() {
        // Edge-triggered: data that came while paused (or with the handshake) raised its edge
        // already, and no new one will come for it. Look ourselves, from the ready queue.
        mayHaveInput = true;
        epoll.enqueueReady(this);
    }

    @Override
    protected void onReadPaused() {
        // Nothing to do: readNow checks autoRead, and the kernel keeps the data.
    }

    /** Run by the loop's ready queue: continue reading where the budget or a pause stopped. */
    void resumeRead() {
        if (!closed && autoRead && mayHaveInput && !inputShutdown) {
            readNow();
        }
    }

    private void readNow() {
        UnsafeBuffer buf = epoll.readBuffer;
        long address = buf.addressOffset();
        int capacity = buf.capacity();
        for (int budget = READ_BUDGET; ; budget--) {
            if (closed || !autoRead || inputShutdown) {
                return;
            }
            if (budget == 0) {
                epoll.enqueueReady(this);
                return;
            }
            int n = Native.read(fd, address, capacity);
            if (n > 0) {
                if (!deliver(buf, 0, n)) {
                    return;
                }
                // A short read drained the socket; new data raises a new edge. After RDHUP the FIN
                // raises none, so read on until it shows as 0.
                if (n < capacity && !peerGone) {
                    mayHaveInput = false;
                    return;
                }
            } else if (n == 0) {
                mayHaveInput = false;
                endOfInput();
                return;
            } else if (n == -Errno.EAGAIN) {
                mayHaveInput = false;
                return;
            } else {
                readFailed(n);
                return;
            }
        }
    }

    // ---- writing ----

    @Override
    protected void flushNow() {
        if (closed || connecting) {
            return;
        }
        writeBlocked = false;
        long fileBudget = FILE_BUDGET;
        while (!outbound.isEmpty()) {
            FileRegion file = outbound.dueFile();
            if (file != null) {
                if (fileBudget <= 0) {
                    epoll.execute(resumeFlush); // the rest after the loop's other work
                    break;
                }
                long before = file.remaining();
                if (!sendFileNow(file)) {
                    break;
                }
                fileBudget -= before - file.remaining();
                continue;
            }
            long described = outbound.fill(epoll.iov);
            // One segment goes through send(MSG_NOSIGNAL). writev cannot take that flag; a closed
            // peer then raises SIGPIPE, which the JVM ignores, and the call returns EPIPE either way.
            long n = epoll.iov.count() == 1
                    ? Native.send(fd, outbound.firstSegmentAddress(), (int) described, Linux.MSG_NOSIGNAL)
                    : Native.writev(fd, epoll.iov.address(), epoll.iov.count());
            if (n > 0) {
                sent(n);
                if (n < described) {
                    writeBlocked = true; // the socket buffer is full; EPOLLOUT brings us back
                    break;
                }
            } else if (n == -Errno.EAGAIN) {
                writeBlocked = true;
                break;
            } else {
                writeFailed((int) n);
                return;
            }
        }
        if (closed) {
            return; // a file region failed, or a completion callback closed the connection
        }
        afterFlush();
    }

    /**
     * One {@code sendfile} of the due region. Returns true to go on flushing; false when the socket
     * is full (EPOLLOUT resumes) or the connection closed. A short count is not taken as "full":
     * the file may have ended early, and only EAGAIN proves an EPOLLOUT edge will come, so the
     * loop asks again and hears EAGAIN, more bytes, or 0 (the file shrank).
     */
    private boolean sendFileNow(FileRegion file) {
        if (file.remaining() == 0) {
            fileSent(0);
            return !closed;
        }
        long n = Native.sendfile(fd, file.fd(), file.position(), (int) Math.min(file.remaining(), MAX_SENDFILE));
        if (n > 0) {
            loop.stats().sendfileBytes += n; // here, at the syscall: what proves the bytes skipped Java
            fileSent(n);
            return !closed;
        }
        if (n == -Errno.EAGAIN) {
            writeBlocked = true;
            return false;
        }
        if (n == 0) {
            fileShrank(file);
        } else {
            fileSendFailed((int) n);
        }
        return false;
    }

    // ---- closing ----

    /** Synchronous syscalls only: nothing of ours is in the kernel's hands after they return. */
    @Override
    protected void closeTransport() {
        discardOutbound();
        epoll.deregister(handle);
        Native.close(fd);
        transportReleased();
    }
}

package io.ringwire.protocol.testutil;

import io.ringwire.Connection;
import io.ringwire.EventLoop;
import io.ringwire.SocketOption;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/** A connection that records what is written to it, for encoder tests without sockets. */
public final class RecordingConnection implements Connection {
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    public int writes;
    public int flushes;
    /** What {@link #eventLoop()} returns; null makes it throw. */
    public EventLoop loop;
    /** Set by {@link #close()}. */
    public boolean closed;

    public String text() {
        return written.toString(StandardCharsets.ISO_8859_1);
    }

    public void clear() {
        written.reset();
        writes = 0;
        flushes = 0;
    }

    @Override
    public void write(DirectBuffer src, int offset, int length) {
        byte[] b = new byte[length];
        src.getBytes(offset, b);
        written.writeBytes(b);
        writes++;
    }

    @Override
    public void write(byte[] src, int offset, int length) {
        written.write(src, offset, length);
        writes++;
    }

    @Override
    public void write(ByteBuffer src) {
        byte[] b = new byte[src.remaining()];
        src.duplicate().get(b);
        written.writeBytes(b);
        writes++;
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public EventLoop eventLoop() {
        if (loop == null) {
            throw new UnsupportedOperationException();
        }
        return loop;
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 2);
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public long pendingOutboundBytes() {
        return 0;
    }

    @Override
    public long droppedBytes() {
        return 0;
    }

    @Override
    public void setAutoRead(boolean autoRead) {
    }

    @Override
    public void shutdownOutput() {
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) {
    }

    @Override
    public <T> T getOption(SocketOption<T> option) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setReadDeadline(java.time.Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setWriteDeadline(java.time.Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Object attachment() {
        return null;
    }

    @Override
    public void attach(Object attachment) {
    }
}

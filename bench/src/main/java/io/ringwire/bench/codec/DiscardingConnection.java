package io.ringwire.bench.codec;

import io.ringwire.Connection;
import io.ringwire.EventLoop;
import io.ringwire.SocketOption;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.agrona.DirectBuffer;

/**
 * A connection that only counts what is written to it: the server-path benchmarks measure the
 * protocol's work (decode, handle, encode) without a socket. Not for error paths: it has no loop.
 */
final class DiscardingConnection implements Connection {
    long written;
    long writes;
    long flushes;

    @Override
    public void write(DirectBuffer src, int offset, int length) {
        written += length + src.getByte(offset + length - 1);
        writes++;
    }

    @Override
    public void write(byte[] src, int offset, int length) {
        written += length;
        writes++;
    }

    @Override
    public void write(ByteBuffer src) {
        written += src.remaining();
        writes++;
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public EventLoop eventLoop() {
        throw new UnsupportedOperationException("no loop in a benchmark");
    }

    @Override
    public InetSocketAddress localAddress() {
        return null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    public boolean isOpen() {
        return true;
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

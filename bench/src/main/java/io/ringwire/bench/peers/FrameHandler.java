package io.ringwire.bench.peers;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The frame protocol of CONTRACT.md (version 1) as a Netty handler, behind Netty's stock
 * {@code LengthFieldBasedFrameDecoder}: it receives whole frames, header included, checks magic,
 * version and the IEEE CRC-32 ({@link CRC32}) and answers PING with PONG and ECHO with ECHO_REPLY,
 * carrying the same body. An unknown cmd gets an ERROR frame and the connection stays; a bad
 * magic, version or crc, or an over-limit body, gets an ERROR frame, then a close. Replies are
 * flushed once per batch of reads, so pipelined requests share a write.
 *
 * <p>One instance per channel (it holds a {@link CRC32}); runs on the channel's event loop only.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter {

    static final int HEADER = 13;
    static final int MAX_BODY = 16 * 1024 * 1024;
    private static final short MAGIC = 0x424D;
    private static final int PING = 1, PONG = 2, ECHO = 3, ECHO_REPLY = 4, ERROR = 0xFFFF;

    private final CRC32 crc = new CRC32();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            int base = in.readerIndex();
            int cmd = in.getUnsignedShort(base + 3);
            int bodyLen = in.getInt(base + 5);
            if (in.getShort(base) != MAGIC || in.getByte(base + 2) != 1) {
                fail(ctx, "bad magic or version");
                return;
            }
            if ((int) crc(in, base, base + HEADER, bodyLen) != in.getInt(base + 9)) {
                fail(ctx, "bad crc32");
                return;
            }
            int reply = cmd == PING ? PONG : cmd == ECHO ? ECHO_REPLY : -1;
            if (reply < 0) {
                ctx.write(error(ctx, "unknown cmd " + cmd), ctx.voidPromise());
                return;
            }
            ByteBuf out = ctx.alloc().buffer(HEADER + bodyLen);
            out.writeShort(MAGIC).writeByte(1).writeShort(reply).writeInt(bodyLen).writeInt(0);
            out.writeBytes(in, base + HEADER, bodyLen);
            out.setInt(9, (int) crc(out, 0, HEADER, bodyLen));
            ctx.write(out, ctx.voidPromise());
        } finally {
            in.release();
        }
    }

    /** CRC-32 over header bytes 0..8 at {@code header} and the body at {@code body}. */
    private long crc(ByteBuf buf, int header, int body, int bodyLen) {
        crc.reset();
        crc.update(buf.nioBuffer(header, 9));
        if (bodyLen > 0) crc.update(buf.nioBuffer(body, bodyLen));
        return crc.getValue();
    }

    private ByteBuf error(ChannelHandlerContext ctx, String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = ctx.alloc().buffer(HEADER + body.length);
        out.writeShort(MAGIC).writeByte(1).writeShort(ERROR).writeInt(body.length).writeInt(0).writeBytes(body);
        out.setInt(9, (int) crc(out, 0, HEADER, body.length));
        return out;
    }

    /** Framing can no longer be trusted: one ERROR frame, then close. */
    private void fail(ChannelHandlerContext ctx, String message) {
        ctx.writeAndFlush(error(ctx, message)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException) {
            fail(ctx, "body_len over the limit of " + MAX_BODY);
        } else {
            ctx.close();
        }
    }
}

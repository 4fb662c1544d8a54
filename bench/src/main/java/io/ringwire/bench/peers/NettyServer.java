package io.ringwire.bench.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A Netty 4.2 peer server for bench/compare: the same echo, HTTP {@code /plaintext} and frame
 * protocol service as {@code bin/ringwire echo|http|frame}, on one event-loop thread, so that the comparison runner can set
 * Netty's epoll and io_uring transports beside ringwire's backends.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *     -cp bench/target/benchmarks.jar io.ringwire.bench.peers.NettyServer \
 *     --mode echo|http|frame --transport epoll|io_uring|nio [--host 127.0.0.1] [--port 0] [--threads 1]</pre>
 *
 * <p>The first line on stdout is the CLI contract's ready line,
 * {@code listening MODE HOST:PORT backend=netty-TRANSPORT threads=N}. SIGTERM closes the server and
 * exits 0.
 */
public final class NettyServer {

    private NettyServer() {}

    public static void main(String[] args) throws Exception {
        String mode = "echo", transport = "epoll", host = "127.0.0.1";
        int port = 0, threads = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) usage("missing value for " + a);
            String v = args[++i];
            switch (a) {
                case "--mode" -> mode = v;
                case "--transport", "--backend" -> transport = v;
                case "--host" -> host = v;
                case "--port" -> port = parseInt(a, v);
                case "--threads" -> threads = parseInt(a, v);
                default -> usage("unknown argument " + a);
            }
        }
        if (!mode.equals("echo") && !mode.equals("http") && !mode.equals("frame")) {
            usage("--mode must be echo, http or frame, not " + mode);
        }

        IoHandlerFactory ioFactory;
        Class<? extends ServerChannel> channelClass;
        switch (transport) {
            case "epoll" -> {
                if (!Epoll.isAvailable()) unusable("epoll", Epoll.unavailabilityCause());
                ioFactory = EpollIoHandler.newFactory();
                channelClass = EpollServerSocketChannel.class;
            }
            case "io_uring" -> {
                if (!IoUring.isAvailable()) unusable("io_uring", IoUring.unavailabilityCause());
                ioFactory = IoUringIoHandler.newFactory();
                channelClass = IoUringServerSocketChannel.class;
            }
            case "nio" -> {
                ioFactory = NioIoHandler.newFactory();
                channelClass = NioServerSocketChannel.class;
            }
            default -> {
                usage("--transport must be epoll, io_uring or nio, not " + transport);
                return;
            }
        }

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, ioFactory);
        boolean http = mode.equals("http");
        boolean frame = mode.equals("frame");
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(channelClass)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // echo: on FIN, write back what is pending, then close (as `ringwire echo` does).
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, !http && !frame)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (frame) {
                                // Netty's stock decoder: body_len at offset 5, 4 bytes; the crc32 (4)
                                // follows it; the whole frame, header included, is passed on.
                                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(
                                        FrameHandler.MAX_BODY + FrameHandler.HEADER, 5, 4, 4, 0), new FrameHandler());
                            } else if (http) {
                                ch.pipeline().addLast(new HttpServerCodec(), new PlaintextHandler());
                            } else {
                                ch.pipeline().addLast(EchoHandler.INSTANCE);
                            }
                        }
                    });
            Channel server = b.bind(host, port).sync().channel();
            InetSocketAddress local = (InetSocketAddress) server.localAddress();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close().awaitUninterruptibly();
                group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
                stopped.countDown();
            }, "netty-peer-shutdown"));
            System.out.println("listening " + mode + " " + local.getAddress().getHostAddress() + ":" + local.getPort()
                    + " backend=netty-" + transport + " threads=" + threads);
            System.out.flush();
            server.closeFuture().sync();
            stopped.await();
        } finally {
            group.shutdownGracefully();
        }
    }

    private static int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            usage("bad value for " + name + ": " + v);
            return 0;
        }
    }

    private static void usage(String msg) {
        System.err.println("NettyServer: " + msg);
        System.exit(2);
    }

    private static void unusable(String transport, Throwable cause) {
        System.err.println("NettyServer: the " + transport + " transport is not usable here: " + cause);
        System.exit(1);
    }

    /** Writes back whatever it reads; flushes once per batch of reads. */
    @Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // The input side closed (half-closure): everything pending is flushed, then close.
            if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** GET /plaintext: 200, text/plain, "Hello, World!"; everything else 404. Keep-alive as asked. */
    static final class PlaintextHandler extends ChannelInboundHandlerAdapter {
        private static final ByteBuf BODY = Unpooled.unreleasableBuffer(Unpooled.directBuffer()
                .writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII))).asReadOnly();
        private static final ByteBuf NOT_FOUND = Unpooled.unreleasableBuffer(Unpooled.directBuffer()
                .writeBytes("Not Found".getBytes(StandardCharsets.US_ASCII))).asReadOnly();
        private static final CharSequence TEXT_PLAIN = io.netty.handler.codec.http.HttpHeaders.newEntity("text/plain");
        private static final CharSequence BODY_LENGTH = io.netty.handler.codec.http.HttpHeaders
                .newEntity(String.valueOf(BODY.readableBytes()));
        private static final CharSequence NF_LENGTH = io.netty.handler.codec.http.HttpHeaders
                .newEntity(String.valueOf(NOT_FOUND.readableBytes()));

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest req) {
                    boolean keepAlive = HttpUtil.isKeepAlive(req);
                    boolean ok = req.method() == HttpMethod.GET && "/plaintext".equals(req.uri());
                    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            ok ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND,
                            (ok ? BODY : NOT_FOUND).duplicate(), false);
                    res.headers()
                            .set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
                            .set(HttpHeaderNames.CONTENT_LENGTH, ok ? BODY_LENGTH : NF_LENGTH);
                    if (keepAlive) {
                        if (!req.protocolVersion().isKeepAliveDefault()) {
                            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                        }
                        ctx.write(res, ctx.voidPromise());
                    } else {
                        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
                    }
                } else if (msg instanceof LastHttpContent) {
                    // nothing: the GET has no body
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

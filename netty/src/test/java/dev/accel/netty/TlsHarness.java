package dev.accel.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Loopback TLS server and clients on Netty NIO for the tests and the benchmark. The server speaks a
 * one-byte protocol: {@code 'E'} echoes everything after it; {@code 'S'} followed by a 4-byte
 * length sends that many pattern bytes. Server-side exceptions are recorded in {@link
 * #serverErrors}.
 */
final class TlsHarness implements AutoCloseable {
  static final long TIMEOUT_SECONDS = 30;

  final EventLoopGroup serverGroup;
  final EventLoopGroup clientGroup;
  final Queue<Throwable> serverErrors = new ConcurrentLinkedQueue<>();
  private Channel serverChannel;
  private InetSocketAddress address;

  TlsHarness(int serverThreads, int clientThreads) {
    serverGroup =
        new MultiThreadIoEventLoopGroup(serverThreads, new DefaultThreadFactory("srv"), NioIoHandler.newFactory());
    clientGroup =
        new MultiThreadIoEventLoopGroup(clientThreads, new DefaultThreadFactory("cli"), NioIoHandler.newFactory());
  }

  InetSocketAddress address() {
    return address;
  }

  /** Starts the server; {@code ssl} makes the TLS handler of each accepted channel. */
  InetSocketAddress start(Function<Channel, ? extends ChannelHandler> ssl) throws InterruptedException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(serverGroup)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast("ssl", ssl.apply(ch));
                    ch.pipeline().addLast("app", new ServerApp());
                  }
                });
    serverChannel = b.bind("127.0.0.1", 0).sync().channel();
    address = (InetSocketAddress) serverChannel.localAddress();
    return address;
  }

  /** Pattern byte at stream offset {@code i} of a source response. */
  static byte pattern(long i) {
    return (byte) (i * 31 + 7);
  }

  private final class ServerApp extends ChannelInboundHandlerAdapter {
    private int mode = -1;
    private ByteBuf header;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      if (mode == -1) {
        mode = in.readByte();
      }
      if (mode == 'E') {
        if (in.isReadable()) {
          ctx.write(in);
        } else {
          in.release();
        }
        return;
      }
      if (header == null) {
        header = ctx.alloc().heapBuffer(4);
      }
      header.writeBytes(in, Math.min(in.readableBytes(), header.writableBytes()));
      in.release();
      if (!header.isWritable() && header.readerIndex() == 0) {
        int n = header.readInt();
        for (int off = 0; off < n; off += 64 * 1024) {
          int len = Math.min(64 * 1024, n - off);
          byte[] b = new byte[len];
          for (int i = 0; i < len; i++) {
            b[i] = pattern((long) off + i);
          }
          ctx.write(Unpooled.wrappedBuffer(b));
        }
        ctx.flush();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (header != null) {
        header.release();
        header = null;
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      serverErrors.add(cause);
      ctx.close();
    }
  }

  private Bootstrap client(SslContext clientContext, ChannelHandler app) {
    return new Bootstrap()
        .group(clientGroup)
        .channel(NioSocketChannel.class)
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                // No peer host/port: the client caches no session, so every handshake is full.
                ch.pipeline().addLast("ssl", clientContext.newHandler(ch.alloc()));
                if (app != null) {
                  ch.pipeline().addLast("app", app);
                } else {
                  // Handshake-only connections: the handshake future reports failures.
                  ch.pipeline().addLast("app", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                      ctx.close();
                    }
                  });
                }
              }
            });
  }

  /**
   * Runs {@code count} full handshakes, at most {@code concurrency} at once; each connection is
   * closed once its handshake succeeds. Fails on the first failed handshake.
   */
  void handshakes(SslContext clientContext, int count, int concurrency) throws Exception {
    Semaphore slots = new Semaphore(concurrency);
    List<CompletableFuture<Void>> all = new ArrayList<>(count);
    Bootstrap b = client(clientContext, null);
    for (int i = 0; i < count; i++) {
      if (!slots.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("handshake slots not released within " + TIMEOUT_SECONDS + " s");
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      all.add(done);
      done.whenComplete((v, e) -> slots.release());
      b.connect(address)
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  done.completeExceptionally(f.cause());
                  return;
                }
                Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                ch.pipeline()
                    .get(SslHandler.class)
                    .handshakeFuture()
                    .addListener(
                        h -> {
                          if (h.isSuccess()) {
                            ch.close().addListener(c -> done.complete(null));
                          } else {
                            ch.close();
                            done.completeExceptionally(h.cause());
                          }
                        });
              });
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** One connected client channel after its handshake, with {@code app} as the last handler. */
  Channel connect(SslContext clientContext, ChannelHandler app) throws Exception {
    Channel ch = client(clientContext, app).connect(address).sync().channel();
    try {
      ch.pipeline().get(SslHandler.class).handshakeFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Thread.sleep(100); // let the server record its side
      for (Throwable t : serverErrors) {
        e.addSuppressed(t);
      }
      throw e;
    }
    return ch;
  }

  /** Client side of {@code 'S'}: collects {@code n} bytes or fails with the pipeline's error. */
  static final class Fetch extends ChannelInboundHandlerAdapter {
    final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final byte[] buf;
    private int pos;

    Fetch(int n) {
      buf = new byte[n];
    }

    void request(Channel ch) {
      ch.writeAndFlush(Unpooled.buffer(5).writeByte('S').writeInt(buf.length));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        int len = Math.min(in.readableBytes(), buf.length - pos);
        in.readBytes(buf, pos, len);
        pos += len;
        if (pos == buf.length) {
          result.complete(buf);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new java.io.IOException("closed after " + pos + " bytes"));
    }
  }

  /**
   * Client side of {@code 'E'}: sends {@code data} in {@code chunk}-byte writes, one chunk after the
   * echo of the previous one, running {@code afterChunk} (with the chunk index) before the next.
   */
  static final class Echo extends ChannelInboundHandlerAdapter {
    final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final byte[] data;
    private final byte[] received;
    private final int chunk;
    private final IntConsumer afterChunk;
    private int sent;
    private int pos;
    private int chunkIndex;

    Echo(byte[] data, int chunk, IntConsumer afterChunk) {
      this.data = data;
      this.received = new byte[data.length];
      this.chunk = chunk;
      this.afterChunk = afterChunk;
    }

    void begin(Channel ch) {
      ch.eventLoop()
          .execute(
              () -> {
                ch.write(Unpooled.wrappedBuffer(new byte[] {'E'}));
                sendNext(ch);
              });
    }

    private void sendNext(Channel ch) {
      int len = Math.min(chunk, data.length - sent);
      ch.writeAndFlush(Unpooled.wrappedBuffer(data, sent, len));
      sent += len;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        int len = Math.min(in.readableBytes(), received.length - pos);
        in.readBytes(received, pos, len);
        pos += len;
      } finally {
        ReferenceCountUtil.release(msg);
      }
      if (pos == sent) {
        if (pos == data.length) {
          result.complete(received);
          return;
        }
        Channel ch = ctx.channel();
        int index = chunkIndex++;
        // The hook may block (fault injection): run it off the event loop, then continue there.
        CompletableFuture.runAsync(() -> afterChunk.accept(index))
            .whenComplete(
                (v, e) -> {
                  if (e != null) {
                    result.completeExceptionally(e);
                  } else {
                    ch.eventLoop().execute(() -> sendNext(ch));
                  }
                });
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new java.io.IOException("closed after " + pos + " bytes"));
    }
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}

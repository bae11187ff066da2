package dev.accel.netty.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLException;

/**
 * A TLS 1.3 record layer (RFC 8446 section 5) that owns a connection after the handshake, in the
 * manner of kernel TLS: it frames, seals and opens application records itself — sequence numbers,
 * per-record nonces (IV XOR sequence, section 5.3), the record header as AAD, inner content type
 * and padding — and hands the AES-GCM work to a shared {@link RecordBatcher}, so records of many
 * channels travel to the device together. Results are delivered strictly in record order per
 * direction, whatever order the batcher completes them in. It handles alerts (close_notify both
 * ways, fatal alerts), KeyUpdate (section 4.6.3) in both directions, and ignores the
 * compatibility-mode change_cipher_spec record.
 *
 * <p>Inbound ByteBufs are TLS bytes from the wire; outbound ByteBufs are application data. All
 * state is confined to the channel's event loop.
 */
public final class Tls13RecordHandler extends ChannelDuplexHandler {
  /** RFC 8446 section 5.1: plaintext fragments are at most 2^14 bytes. */
  public static final int MAX_FRAGMENT = 1 << 14;

  private static final int TYPE_CCS = 20;
  private static final int TYPE_ALERT = 21;
  private static final int TYPE_HANDSHAKE = 22;
  private static final int TYPE_APPLICATION = 23;
  private static final int HS_KEY_UPDATE = 24;
  private static final int ALERT_CLOSE_NOTIFY = 0;
  private static final int ALERT_USER_CANCELED = 90;
  private static final int ALERT_UNEXPECTED_MESSAGE = 10;
  private static final int ALERT_BAD_RECORD_MAC = 20;
  private static final int ALERT_RECORD_OVERFLOW = 22;
  private static final int ALERT_INTERNAL_ERROR = 80;
  private static final int TAG_LEN = 16;

  /** One inbound record, opened or being opened. */
  private static final class In {
    final byte[] header;
    final byte[] body;
    CompletableFuture<byte[]> result;

    In(byte[] header, byte[] body) {
      this.header = header;
      this.body = body;
    }
  }

  /** One outbound record being sealed. */
  private record Out(byte[] header, CompletableFuture<byte[]> result, ChannelPromise promise, boolean closeAfter) {}

  private final RecordBatcher batcher;
  private final Tls13KeySchedule schedule;
  private final String aes = "AES";
  private final int keyLenBytes;

  private byte[] readSecret;
  private byte[] writeSecret;
  private SecretKey readKey;
  private SecretKey writeKey;
  private byte[] readIv;
  private byte[] writeIv;
  /** Sequence number of the next record to open / seal under the current key. */
  private long readSeq;

  private long writeSeq;

  private ByteBuf cumulation;
  private final ArrayDeque<In> inbound = new ArrayDeque<>();
  private final ArrayDeque<Out> outbound = new ArrayDeque<>();
  private boolean closeNotifySent;
  private boolean failed;
  /** The channel went inactive while records were still being opened: tell the pipeline later. */
  private boolean inactivePending;
  private ChannelHandlerContext ctx;

  /** Counters for tests: KeyUpdates received and sent, close_notify received. */
  private final AtomicLong keyUpdatesReceived = new AtomicLong();

  private final AtomicLong keyUpdatesSent = new AtomicLong();
  private volatile boolean closeNotifyReceived;
  private volatile int fatalAlertReceived = -1;

  /**
   * @param hash the cipher suite's hash: {@code SHA-256} (TLS_AES_128_GCM_SHA256) or {@code
   *     SHA-384} (TLS_AES_256_GCM_SHA384)
   * @param keyLenBytes 16 or 32
   * @param readSecret the peer's application traffic secret (copied)
   * @param writeSecret this side's application traffic secret (copied)
   */
  public Tls13RecordHandler(
      RecordBatcher batcher, String hash, int keyLenBytes, byte[] readSecret, byte[] writeSecret) {
    this.batcher = batcher;
    this.schedule = new Tls13KeySchedule(hash);
    this.keyLenBytes = keyLenBytes;
    setRead(readSecret.clone());
    setWrite(writeSecret.clone());
  }

  private void setRead(byte[] secret) {
    readSecret = secret;
    readKey = new SecretKeySpec(schedule.expandLabel(secret, "key", keyLenBytes), aes);
    readIv = schedule.expandLabel(secret, "iv", 12);
    readSeq = 0;
  }

  private void setWrite(byte[] secret) {
    writeSecret = secret;
    writeKey = new SecretKeySpec(schedule.expandLabel(secret, "key", keyLenBytes), aes);
    writeIv = schedule.expandLabel(secret, "iv", 12);
    writeSeq = 0;
  }

  private static byte[] nonce(byte[] iv, long seq) {
    byte[] n = iv.clone();
    for (int i = 0; i < 8; i++) {
      n[n.length - 1 - i] ^= (byte) (seq >>> (8 * i));
    }
    return n;
  }

  public long keyUpdatesReceived() {
    return keyUpdatesReceived.get();
  }

  public long keyUpdatesSent() {
    return keyUpdatesSent.get();
  }

  public boolean closeNotifyReceived() {
    return closeNotifyReceived;
  }

  /**
   * The description code of the fatal alert the peer sent (RFC 8446 section 6.2), or -1. Kept here
   * as well as fired as an exception because a peer that sends an alert usually closes at once: if
   * the close overtakes the record's decryption, the pipeline is gone when the alert is read and
   * the exception reaches no handler.
   */
  public int fatalAlertReceived() {
    return fatalAlertReceived;
  }

  /** Sends a KeyUpdate asking the peer to update too (RFC 8446 section 4.6.3). */
  public void requestKeyUpdate(Channel channel) {
    channel.eventLoop().execute(() -> sendKeyUpdate(true));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    cumulation = ctx.alloc().heapBuffer();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
    Arrays.fill(readSecret, (byte) 0);
    Arrays.fill(writeSecret, (byte) 0);
  }

  // ---- inbound -------------------------------------------------------------------------------

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (failed) {
        return;
      }
      cumulation.writeBytes(in);
    } finally {
      in.release();
    }
    while (cumulation.readableBytes() >= 5) {
      int start = cumulation.readerIndex();
      int type = cumulation.getUnsignedByte(start);
      int len = cumulation.getUnsignedShort(start + 3);
      if (len > MAX_FRAGMENT + 256) {
        fatal(ALERT_RECORD_OVERFLOW, "record of " + len + " bytes");
        return;
      }
      if (cumulation.readableBytes() < 5 + len) {
        break;
      }
      byte[] header = new byte[5];
      byte[] body = new byte[len];
      cumulation.readBytes(header).readBytes(body);
      if (type == TYPE_CCS) {
        continue; // compatibility mode (RFC 8446 appendix D.4)
      }
      if (type != TYPE_APPLICATION) {
        fatal(ALERT_UNEXPECTED_MESSAGE, "outer record type " + type + " after the handshake");
        return;
      }
      In r = new In(header, body);
      submitOpen(r);
      inbound.add(r);
    }
    cumulation.discardSomeReadBytes();
  }

  private void submitOpen(In r) {
    CompletableFuture<byte[]> f = batcher.open(readKey, nonce(readIv, readSeq++), r.header, r.body);
    r.result = f;
    f.whenComplete((v, e) -> ctx.executor().execute(this::drainInbound));
  }

  private void drainInbound() {
    drainInboundRecords();
    fireInactiveWhenDrained();
  }

  private void drainInboundRecords() {
    boolean delivered = false;
    while (!failed && !inbound.isEmpty() && inbound.peek().result.isDone()) {
      In r = inbound.poll();
      byte[] plain;
      try {
        plain = r.result.join();
      } catch (CompletionException e) {
        Throwable c = e.getCause();
        fatal(
            c instanceof AEADBadTagException ? ALERT_BAD_RECORD_MAC : ALERT_INTERNAL_ERROR,
            String.valueOf(c));
        return;
      }
      int end = plain.length - 1;
      while (end >= 0 && plain[end] == 0) {
        end--; // padding (RFC 8446 section 5.4)
      }
      if (end < 0) {
        fatal(ALERT_UNEXPECTED_MESSAGE, "record without content type");
        return;
      }
      int type = plain[end];
      switch (type) {
        case TYPE_APPLICATION -> {
          if (end > 0) {
            ctx.fireChannelRead(Unpooled.wrappedBuffer(plain, 0, end));
            delivered = true;
          }
        }
        case TYPE_ALERT -> {
          if (!onAlert(plain, end)) {
            return;
          }
        }
        case TYPE_HANDSHAKE -> {
          if (!onHandshake(plain, end)) {
            return;
          }
        }
        default -> {
          fatal(ALERT_UNEXPECTED_MESSAGE, "inner content type " + type);
          return;
        }
      }
    }
    if (delivered) {
      ctx.fireChannelReadComplete();
    }
  }

  private void fireInactiveWhenDrained() {
    if (inactivePending && (inbound.isEmpty() || failed)) {
      inactivePending = false;
      inbound.clear();
      ctx.fireChannelInactive();
    }
  }

  /** Returns true when reading goes on (user_canceled). */
  private boolean onAlert(byte[] plain, int len) {
    if (len != 2) {
      fatal(ALERT_UNEXPECTED_MESSAGE, "alert of " + len + " bytes");
      return false;
    }
    int desc = plain[1] & 0xff;
    if (desc == ALERT_USER_CANCELED) {
      return true; // RFC 8446 section 6.1: followed by close_notify
    }
    if (desc == ALERT_CLOSE_NOTIFY) {
      closeNotifyReceived = true;
      failed = true; // nothing after close_notify is read
      ctx.fireChannelReadComplete();
      closeAfterPeer();
      return false;
    }
    failed = true;
    fatalAlertReceived = desc;
    ctx.fireExceptionCaught(new SSLException("Received fatal alert: " + alertName(desc) + " (" + desc + ")"));
    ctx.close();
    return false;
  }

  /** Answers the peer's close_notify with ours (RFC 8446 section 6.1), then closes. */
  private void closeAfterPeer() {
    if (!closeNotifySent && ctx.channel().isActive()) {
      closeNotifySent = true;
      seal(new byte[] {1, ALERT_CLOSE_NOTIFY, TYPE_ALERT}, null, true);
    } else {
      ctx.close();
    }
  }

  /** Post-handshake messages; only KeyUpdate is expected from a client. */
  private boolean onHandshake(byte[] plain, int len) {
    int pos = 0;
    while (pos < len) {
      if (len - pos < 4) {
        fatal(ALERT_UNEXPECTED_MESSAGE, "fragmented post-handshake message");
        return false;
      }
      int msgType = plain[pos] & 0xff;
      int msgLen = ((plain[pos + 1] & 0xff) << 16) | ((plain[pos + 2] & 0xff) << 8) | (plain[pos + 3] & 0xff);
      if (msgType != HS_KEY_UPDATE || msgLen != 1 || pos + 5 > len) {
        fatal(ALERT_UNEXPECTED_MESSAGE, "post-handshake message type " + msgType);
        return false;
      }
      boolean updateRequested = plain[pos + 4] == 1;
      pos += 5;
      keyUpdatesReceived.incrementAndGet();
      setRead(schedule.nextSecret(readSecret));
      // Records after the KeyUpdate were submitted under the old key: open them again.
      for (In r : inbound) {
        submitOpen(r);
      }
      if (updateRequested) {
        sendKeyUpdate(false);
      }
    }
    return true;
  }

  // ---- outbound ------------------------------------------------------------------------------

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.write(msg, promise);
      return;
    }
    try {
      if (closeNotifySent || failed) {
        promise.tryFailure(new SSLException("TLS connection closing"));
        return;
      }
      if (!buf.isReadable()) {
        promise.trySuccess();
        return;
      }
      while (buf.isReadable()) {
        int n = Math.min(MAX_FRAGMENT, buf.readableBytes());
        byte[] inner = new byte[n + 1];
        buf.readBytes(inner, 0, n);
        inner[n] = TYPE_APPLICATION;
        seal(inner, buf.isReadable() ? null : promise, false);
      }
    } finally {
      buf.release();
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    // Records are written and flushed as their seals complete (drainOutbound).
  }

  private void seal(byte[] inner, ChannelPromise promise, boolean closeAfter) {
    int len = inner.length + TAG_LEN;
    byte[] header = {TYPE_APPLICATION, 3, 3, (byte) (len >>> 8), (byte) len};
    CompletableFuture<byte[]> f = batcher.seal(writeKey, nonce(writeIv, writeSeq++), header, inner);
    outbound.add(new Out(header, f, promise, closeAfter));
    f.whenComplete((v, e) -> ctx.executor().execute(this::drainOutbound));
  }

  private void drainOutbound() {
    boolean wrote = false;
    while (!outbound.isEmpty() && outbound.peek().result().isDone()) {
      Out o = outbound.poll();
      byte[] sealed;
      try {
        sealed = o.result().join();
      } catch (CompletionException e) {
        if (o.promise() != null) {
          o.promise().tryFailure(e.getCause());
        }
        failed = true;
        ctx.fireExceptionCaught(e.getCause());
        ctx.close();
        return;
      }
      ByteBuf wire = ctx.alloc().buffer(5 + sealed.length).writeBytes(o.header()).writeBytes(sealed);
      if (o.closeAfter()) {
        ChannelPromise p = o.promise() != null ? o.promise() : ctx.newPromise();
        ctx.writeAndFlush(wire).addListener(f -> ctx.close(p));
        return;
      }
      ctx.write(wire, o.promise() != null ? o.promise() : ctx.voidPromise());
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
  }

  private void sendKeyUpdate(boolean requestPeer) {
    if (closeNotifySent || failed) {
      return;
    }
    seal(new byte[] {HS_KEY_UPDATE, 0, 0, 1, (byte) (requestPeer ? 1 : 0), TYPE_HANDSHAKE}, null, false);
    keyUpdatesSent.incrementAndGet();
    setWrite(schedule.nextSecret(writeSecret));
  }

  /** Sends close_notify after every pending record, then closes the channel. */
  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (closeNotifySent || failed || !ctx.channel().isActive()) {
      ctx.close(promise);
      return;
    }
    closeNotifySent = true;
    seal(new byte[] {1, ALERT_CLOSE_NOTIFY, TYPE_ALERT}, promise, true);
  }

  /** RFC 8446 section 6 names, as SunJSSE's messages use them, for the alerts this layer can meet. */
  private static String alertName(int desc) {
    return switch (desc) {
      case ALERT_UNEXPECTED_MESSAGE -> "unexpected_message";
      case ALERT_BAD_RECORD_MAC -> "bad_record_mac";
      case ALERT_RECORD_OVERFLOW -> "record_overflow";
      case 40 -> "handshake_failure";
      case 47 -> "illegal_parameter";
      case 50 -> "decode_error";
      case 51 -> "decrypt_error";
      case ALERT_INTERNAL_ERROR -> "internal_error";
      default -> "alert";
    };
  }


  /** Sends a fatal alert (encrypted, after pending records) and closes. */
  private void fatal(int alert, String why) {
    if (failed) {
      return;
    }
    ctx.fireExceptionCaught(new SSLException("TLS record layer: " + why + " (alert " + alert + ")"));
    if (!closeNotifySent && ctx.channel().isActive()) {
      closeNotifySent = true;
      seal(new byte[] {2, (byte) alert, TYPE_ALERT}, null, true);
    } else {
      ctx.close();
    }
    failed = true;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (Out o : outbound) {
      if (o.promise() != null) {
        o.promise().tryFailure(new SSLException("connection closed"));
      }
    }
    outbound.clear();
    inactivePending = true;
    fireInactiveWhenDrained();
  }
}

package dev.accel.netty.records;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * Runs a TLS 1.3 server handshake with Bouncy Castle's non-blocking {@link TlsServerProtocol}
 * (AES-GCM suites, RSA-PSS certificate signature), then replaces itself with a {@link
 * Tls13RecordHandler} built from the application traffic secrets: from then on BC is gone and
 * every record is sealed and opened through the shared {@link RecordBatcher}.
 *
 * <p>Records are offered to BC one at a time so that BC consumes exactly the handshake: bytes
 * after the client's Finished go, unread, to the record handler (whose sequence numbers therefore
 * start at 0 in both directions). BC's TLS 1.3 server sends no NewSessionTicket, so nothing is
 * written under the application keys before the record handler takes over.
 */
public final class BcTls13Handshaker extends ByteToMessageDecoder {
  /** Name of the record handler in the pipeline after the handshake. */
  public static final String RECORD_HANDLER = "accel-tls13-records";

  private final RecordBatcher batcher;
  private final Server server;
  private final TlsServerProtocol protocol = new TlsServerProtocol();
  private Promise<Tls13RecordHandler> handshake;
  private boolean done;

  /**
   * @param chain server certificate first (RSA)
   * @param key its private key; the handshake signature is made through JCA with BC's default
   *     crypto ("SHA256WITHRSAANDMGF1", which only the BC provider registers)
   */
  public BcTls13Handshaker(RecordBatcher batcher, X509Certificate[] chain, PrivateKey key) {
    this(batcher, new JcaTlsCryptoProvider().create(new SecureRandom(), new SecureRandom()), chain, key);
  }

  /**
   * With the handshake crypto given: {@code new AccelBcTls.CryptoProvider(accel, true).create(new
   * SecureRandom())} signs the CertificateVerify on Accel, so {@code key} may be Accel's
   * device-resident handle. BC's handshake is synchronous: the signature runs on the event loop.
   */
  public BcTls13Handshaker(
      RecordBatcher batcher, JcaTlsCrypto crypto, X509Certificate[] chain, PrivateKey key) {
    this.batcher = Objects.requireNonNull(batcher, "batcher");
    this.server = new Server(Objects.requireNonNull(crypto, "crypto"), chain, key);
  }

  /** Completes with the record handler once the handshake is done; fails with its error. */
  public Future<Tls13RecordHandler> handshakeFuture() {
    return handshake;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    handshake = ctx.executor().newPromise();
    protocol.accept(server);
    super.handlerAdded(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    while (!done && in.readableBytes() >= 5) {
      int len = in.getUnsignedShort(in.readerIndex() + 3);
      if (in.readableBytes() < 5 + len) {
        return;
      }
      byte[] record = new byte[5 + len];
      in.readBytes(record);
      try {
        protocol.offerInput(record);
      } catch (IOException e) {
        flushOutput(ctx); // BC queued the alert
        handshake.tryFailure(e);
        ctx.close();
        return;
      }
      flushOutput(ctx);
      if (server.secrets != null) {
        done = true;
        Secrets s = server.secrets;
        Tls13RecordHandler records =
            new Tls13RecordHandler(batcher, s.hash(), s.keyLenBytes(), s.client(), s.server());
        Arrays.fill(s.client(), (byte) 0);
        Arrays.fill(s.server(), (byte) 0);
        ctx.pipeline().addAfter(ctx.name(), RECORD_HANDLER, records);
        ctx.pipeline().remove(this); // what is left of `in` goes to the record handler
        handshake.trySuccess(records);
      }
    }
  }

  private void flushOutput(ChannelHandlerContext ctx) {
    int n = protocol.getAvailableOutputBytes();
    if (n > 0) {
      byte[] b = new byte[n];
      protocol.readOutput(b, 0, n);
      ctx.writeAndFlush(ctx.alloc().buffer(n).writeBytes(b));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    handshake.tryFailure(new IOException("closed during the handshake"));
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    handshake.tryFailure(cause);
    ctx.close();
  }

  private record Secrets(String hash, int keyLenBytes, byte[] client, byte[] server) {}

  /** TLS 1.3 only, AES-GCM only, one RSA certificate signed with rsa_pss_rsae_sha256. */
  private static final class Server extends DefaultTlsServer {
    private final X509Certificate[] chain;
    private final PrivateKey key;
    volatile Secrets secrets;

    Server(JcaTlsCrypto crypto, X509Certificate[] chain, PrivateKey key) {
      super(crypto);
      this.chain = chain.clone();
      this.key = key;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return ProtocolVersion.TLSv13.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
      return new int[] {CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384};
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
      JcaTlsCrypto crypto = (JcaTlsCrypto) getCrypto();
      CertificateEntry[] entries = new CertificateEntry[chain.length];
      for (int i = 0; i < chain.length; i++) {
        entries[i] = new CertificateEntry(new JcaTlsCertificate(crypto, chain[i]), null);
      }
      return new JcaDefaultTlsCredentialedSigner(
          new TlsCryptoParameters(context),
          crypto,
          key,
          new Certificate(new byte[0], entries),
          SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
      super.notifyHandshakeComplete();
      SecurityParameters sp = context.getSecurityParametersConnection();
      boolean aes256 = sp.getCipherSuite() == CipherSuite.TLS_AES_256_GCM_SHA384;
      // extract() hands over the bytes and destroys BC's copy: BC no longer runs this connection.
      secrets =
          new Secrets(
              aes256 ? "SHA-384" : "SHA-256",
              aes256 ? 32 : 16,
              sp.getTrafficSecretClient().extract(),
              sp.getTrafficSecretServer().extract());
    }
  }
}

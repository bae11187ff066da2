package dev.accel.netty;

import dev.accel.AccelProvider;
import dev.accel.api.AccelCrypto;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;

/**
 * One-line server {@link SslContext}s whose handshake signatures are computed by Accel.
 *
 * <ul>
 *   <li>BoringSSL (netty-tcnative): {@link #serverContext(AccelProvider, X509Certificate[],
 *       PrivateKey)} — BoringSSL never sees the key; it asks {@link AccelAsyncPrivateKeyMethod}
 *       for each signature and the event loop keeps running while the device signs.
 *   <li>JSSE: {@link #jdkServerContext(X509Certificate[], PrivateKey)} with a device-resident key
 *       handle, and {@link #newHandler(SslContext, ByteBufAllocator)} so that JSSE's delegated
 *       tasks (the RSASSA-PSS signature among them) block a virtual thread, never the event loop.
 * </ul>
 *
 * Record crypto (AES-GCM) is configured separately: see docs/tls.md and {@link AccelBcTls}.
 */
public final class AccelSsl {
  private AccelSsl() {}

  /** Lazily created: one virtual thread per JSSE delegated task. */
  private static final class Holder {
    static final ExecutorService DELEGATED_TASKS = Executors.newVirtualThreadPerTaskExecutor();
  }

  /**
   * A BoringSSL server context that signs with {@code key} on {@code accel}, batched across
   * connections: {@code serverContext(accel.crypto(), chain, key)}.
   */
  public static SslContext serverContext(AccelProvider accel, X509Certificate[] chain, PrivateKey key)
      throws SSLException {
    return serverContext(accel.crypto(), chain, key);
  }

  /**
   * A BoringSSL server context that signs with {@code key} through Accel, batched across
   * connections.
   *
   * @param crypto Accel's batch API ({@code AccelProvider#crypto()})
   * @param chain the server certificate first, then its issuers (RSA)
   * @param key the matching RSA private key, typically a device-resident handle
   * @throws SSLException if BoringSSL (netty-tcnative) is not available, or the context cannot be
   *     built
   */
  public static SslContext serverContext(AccelCrypto crypto, X509Certificate[] chain, PrivateKey key)
      throws SSLException {
    return serverContextBuilder(new AccelAsyncPrivateKeyMethod(crypto, key), chain).build();
  }

  /**
   * A BoringSSL server context builder wired to {@code method} (keep the method to read its
   * {@link AccelAsyncPrivateKeyMethod#stats()}); protocols, ciphers and ALPN may still be set.
   *
   * @throws SSLException if BoringSSL (netty-tcnative) is not available
   */
  public static SslContextBuilder serverContextBuilder(
      AccelAsyncPrivateKeyMethod method, X509Certificate[] chain) throws SSLException {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(chain, "chain");
    if (!OpenSsl.isAvailable()) {
      throw new SSLException("BoringSSL (netty-tcnative) is not available", OpenSsl.unavailabilityCause());
    }
    if (!OpenSsl.supportsKeyManagerFactory()) {
      throw new SSLException("this netty-tcnative build does not support key manager factories");
    }
    OpenSslX509KeyManagerFactory kmf;
    try {
      kmf = OpenSslX509KeyManagerFactory.newKeyless(chain);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new SSLException("cannot build a keyless key manager from the chain", e);
    }
    return SslContextBuilder.forServer(kmf)
        .sslProvider(SslProvider.OPENSSL)
        .option(OpenSslContextOption.ASYNC_PRIVATE_KEY_METHOD, method);
  }

  /**
   * A JSSE server context serving {@code chain} with {@code key} through an {@link
   * AccelKeyManager}. With a device-resident handle the signature runs on Accel; Accel must be
   * installed ({@code Security.addProvider}) at any position, because the handle is accepted only
   * by Accel. Create handlers with {@link #newHandler(SslContext, ByteBufAllocator)}.
   */
  public static SslContext jdkServerContext(X509Certificate[] chain, PrivateKey key) throws SSLException {
    return jdkServerContextBuilder(chain, key).build();
  }

  /** The builder behind {@link #jdkServerContext}; protocols and ciphers may still be set. */
  public static SslContextBuilder jdkServerContextBuilder(X509Certificate[] chain, PrivateKey key) {
    return SslContextBuilder.forServer(new AccelKeyManager(chain, key)).sslProvider(SslProvider.JDK);
  }

  /**
   * {@code context.newHandler(alloc, executor)} with a virtual-thread executor for delegated
   * tasks: a JSSE handshake signature blocks a virtual thread while the device works, and the
   * event loop serves other connections. Harmless for BoringSSL contexts.
   */
  public static SslHandler newHandler(SslContext context, ByteBufAllocator alloc) {
    return context.newHandler(alloc, delegatedTaskExecutor());
  }

  /** The shared virtual-thread-per-task executor used by {@link #newHandler}. */
  public static Executor delegatedTaskExecutor() {
    return Holder.DELEGATED_TASKS;
  }
}

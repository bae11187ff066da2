package dev.accel.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import dev.accel.api.AccelKeys;
import io.netty.handler.ssl.OpenSslAsyncPrivateKeyMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** BoringSSL server whose handshake signatures come from Accel (emu, hpre-920 profile). */
class BoringSslAsyncSigningTest {
  private static NativeDevice device;
  private static AccelProvider accel;
  private static PrivateKey handle;

  @BeforeAll
  static void setUp() throws Exception {
    device = TestSupport.emu(EmulatorControl.Profile.HPRE_920);
    accel = TestSupport.accel(device, Map.of("accel.device.timeout.ms", "5000"));
    handle = AccelKeys.deviceResident(TestPki.rsa2048().key());
  }

  @AfterAll
  static void tearDown() {
    device.close();
  }

  @ParameterizedTest(name = "{0} {1} client")
  @CsvSource({"TLSv1.3,boringssl", "TLSv1.3,jdk", "TLSv1.2,boringssl", "TLSv1.2,jdk"})
  void everyFullHandshakeIsSignedOnTheDevice(String protocol, String client) throws Exception {
    AccelAsyncPrivateKeyMethod method = new AccelAsyncPrivateKeyMethod(TestCrypto.of(accel), handle);
    SslContext server = AccelSsl.serverContextBuilder(method, TestPki.rsa2048().chain()).protocols(protocol).build();
    int handshakes = 24;
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> server.newHandler(ch.alloc()));
      accel.resetStats();
      h.handshakes(TestSupport.client(client, protocol), handshakes, 12);
      assertTrue(h.serverErrors.isEmpty(), () -> "server errors: " + h.serverErrors);
    }
    var stats = accel.stats();
    assertEquals(handshakes, stats.ops(TestSupport.RSA_PRIVATE, TestSupport.DEVICE), stats::render);
    assertEquals(0, stats.ops(TestSupport.RSA_PRIVATE, TestSupport.SOFTWARE), stats::render);
    assertEquals(handshakes, method.stats().signatures(), method.stats()::toString);
    assertEquals(0, method.stats().failures());
  }

  @Test
  void concurrentHandshakesShareSigningBatches() throws Exception {
    AccelAsyncPrivateKeyMethod method = new AccelAsyncPrivateKeyMethod(TestCrypto.of(accel), handle, 64, 1);
    SslContext server = AccelSsl.serverContextBuilder(method, TestPki.rsa2048().chain()).build();
    try (TlsHarness h = new TlsHarness(1, 2)) {
      h.start(ch -> server.newHandler(ch.alloc()));
      h.handshakes(TestSupport.client("boringssl", "TLSv1.3"), 64, 32);
    }
    var s = method.stats();
    assertEquals(64, s.signatures(), s::toString);
    // One batch in flight: every signature that arrives meanwhile joins the next batch.
    assertTrue(s.batches() < s.signatures(), s::toString);
  }

  @Test
  void signaturesRequestedInOneEventLoopIterationLeaveInOneBatch() throws Exception {
    AccelAsyncPrivateKeyMethod method = new AccelAsyncPrivateKeyMethod(TestCrypto.of(accel), handle);
    byte[] message = "CertificateVerify".getBytes(StandardCharsets.US_ASCII);
    io.netty.channel.DefaultEventLoop loop = new io.netty.channel.DefaultEventLoop();
    try {
      // Ten handshakes reaching their signature while the loop handles one wake-up: the submission
      // runs after the loop's current work, so they leave together although a slot was free.
      List<Future<byte[]>> sigs =
          loop.submit(
                  () -> {
                    List<Future<byte[]>> out = new java.util.ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                      out.add(method.sign(null, TlsSignatureScheme.RSA_PSS_RSAE_SHA256, message));
                    }
                    return out;
                  })
              .get(10, TimeUnit.SECONDS);
      Signature v = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
      v.setParameter(TlsSignatureScheme.of(TlsSignatureScheme.RSA_PSS_RSAE_SHA256).params());
      for (Future<byte[]> f : sigs) {
        v.initVerify(TestPki.rsa2048().cert().getPublicKey());
        v.update(message);
        assertTrue(v.verify(f.get(10, TimeUnit.SECONDS)));
      }
      var s = method.stats();
      assertEquals(1, s.batches(), s::toString);
      assertEquals(1, s.histogram()[4], s::toString); // the 9..16 bucket
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    // Off an event loop nothing waits: with nothing in flight the first leaves alone at once.
    AccelAsyncPrivateKeyMethod direct = new AccelAsyncPrivateKeyMethod(TestCrypto.of(accel), handle);
    Future<byte[]> first = direct.sign(null, TlsSignatureScheme.RSA_PSS_RSAE_SHA256, message);
    assertEquals(1, direct.stats().batches(), direct.stats()::toString);
    assertTrue(first.await(10, TimeUnit.SECONDS));
  }

  /** Batches handed to signAll by the method, completed by the test. */
  private static final class HeldBatches {
    final List<List<java.util.concurrent.CompletableFuture<byte[]>>> batches =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    final dev.accel.api.AccelCrypto crypto =
        (dev.accel.api.AccelCrypto)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {dev.accel.api.AccelCrypto.class},
                (proxy, m, args) -> {
                  if (!m.getName().equals("signAll")) {
                    throw new UnsupportedOperationException(m.getName());
                  }
                  List<java.util.concurrent.CompletableFuture<byte[]>> fs = new java.util.ArrayList<>();
                  for (int i = 0; i < ((List<?>) args[3]).size(); i++) {
                    fs.add(new java.util.concurrent.CompletableFuture<>());
                  }
                  batches.add(fs);
                  return fs;
                });

    int size(int batch) {
      return batches.get(batch).size();
    }

    void complete(int batch) {
      batches.get(batch).forEach(f -> f.complete(new byte[256]));
    }
  }

  @Test
  void nagleRuleALoneSignatureLeavesAtOnceAPartialBatchWaitsAFullOneOverlaps() {
    HeldBatches held = new HeldBatches();
    AccelAsyncPrivateKeyMethod method = new AccelAsyncPrivateKeyMethod(held.crypto, handle, 64, 2, 8);
    int pss = TlsSignatureScheme.RSA_PSS_RSAE_SHA256;
    method.sign(null, pss, new byte[1]); // nothing in flight: leaves at once, alone
    assertEquals(1, held.batches.size());
    for (int i = 0; i < 7; i++) { // one batch out, fewer than 8 waiting: they wait
      method.sign(null, pss, new byte[1]);
    }
    assertEquals(1, held.batches.size());
    method.sign(null, pss, new byte[1]); // the 8th: a full batch overlaps the one out
    assertEquals(2, held.batches.size());
    assertEquals(8, held.size(1));
    for (int i = 0; i < 9; i++) { // two out (the most): even a full batch waits
      method.sign(null, pss, new byte[1]);
    }
    assertEquals(2, held.batches.size());
    held.complete(0); // a slot frees: the 9 waiting leave together
    assertEquals(3, held.batches.size());
    assertEquals(9, held.size(2));
    held.complete(1);
    held.complete(2);
    method.sign(null, pss, new byte[1]); // idle again: at once
    assertEquals(4, held.batches.size());
    assertEquals(1, held.size(3));
    var s = method.stats();
    assertEquals(19, s.signatures(), s::toString);
    assertEquals(0, s.failures(), s::toString);
  }

  @Test
  void aCorruptedDeviceSignatureIsCaughtAndTheHandshakeStillSucceeds() throws Exception {
    AccelAsyncPrivateKeyMethod method = new AccelAsyncPrivateKeyMethod(TestCrypto.of(accel), handle);
    SslContext server = AccelSsl.serverContextBuilder(method, TestPki.rsa2048().chain()).build();
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> server.newHandler(ch.alloc()));
      accel.resetStats();
      device.emulator().orElseThrow().inject(EmulatorControl.Fault.CORRUPT, 1, 0);
      h.handshakes(TestSupport.client("boringssl", "TLSv1.3"), 2, 1);
    } finally {
      device.emulator().orElseThrow().inject(EmulatorControl.Fault.CLEAR, 0, 0);
    }
    assertTrue(
        accel.stats().opsWithReason(TestSupport.RSA_PRIVATE, "fallback-verify-fault") >= 1,
        accel.stats()::render);
  }

  @ParameterizedTest(name = "0x{0}")
  @ValueSource(strings = {"0201", "0401", "0501", "0601", "0804", "0805", "0806"})
  void eachRsaSchemeSignsWhatTheJdkVerifies(String hex) throws Exception {
    int codePoint = Integer.parseInt(hex, 16);
    TlsSignatureScheme scheme = TlsSignatureScheme.of(codePoint);
    AccelAsyncPrivateKeyMethod method = new AccelAsyncPrivateKeyMethod(TestCrypto.of(accel), handle);
    byte[] message = "TLS 1.3, server CertificateVerify".getBytes(StandardCharsets.US_ASCII);
    byte[] sig = method.sign(null, codePoint, message).get(10, TimeUnit.SECONDS);
    Signature v = Signature.getInstance(scheme.jcaAlgorithm(), "SunRsaSign");
    v.initVerify(TestPki.rsa2048().cert().getPublicKey());
    if (scheme.params() != null) {
      v.setParameter(scheme.params());
    }
    v.update(message);
    assertTrue(v.verify(sig), scheme::toString);
  }

  @Test
  void nonRsaSchemesAndKeyExchangeDecryptFailTheFuture() throws Exception {
    AccelAsyncPrivateKeyMethod method = new AccelAsyncPrivateKeyMethod(TestCrypto.of(accel), handle);
    Future<byte[]> ecdsa =
        method.sign(null, OpenSslAsyncPrivateKeyMethod.SSL_SIGN_ECDSA_SECP256R1_SHA256, new byte[32]);
    assertTrue(ecdsa.await(5, TimeUnit.SECONDS));
    assertInstanceOf(java.security.InvalidKeyException.class, ecdsa.cause());
    Future<byte[]> decrypt = method.decrypt(null, new byte[256]);
    assertTrue(decrypt.await(5, TimeUnit.SECONDS));
    assertInstanceOf(UnsupportedOperationException.class, decrypt.cause());
    assertEquals(2, method.stats().failures());
  }

  @Test
  void schemeCodePointsMatchNetty() {
    int[][] pairs = {
      {TlsSignatureScheme.RSA_PKCS1_SHA1, OpenSslAsyncPrivateKeyMethod.SSL_SIGN_RSA_PKCS1_SHA1},
      {TlsSignatureScheme.RSA_PKCS1_SHA256, OpenSslAsyncPrivateKeyMethod.SSL_SIGN_RSA_PKCS1_SHA256},
      {TlsSignatureScheme.RSA_PKCS1_SHA384, OpenSslAsyncPrivateKeyMethod.SSL_SIGN_RSA_PKCS1_SHA384},
      {TlsSignatureScheme.RSA_PKCS1_SHA512, OpenSslAsyncPrivateKeyMethod.SSL_SIGN_RSA_PKCS1_SHA512},
      {TlsSignatureScheme.RSA_PSS_RSAE_SHA256, OpenSslAsyncPrivateKeyMethod.SSL_SIGN_RSA_PSS_RSAE_SHA256},
      {TlsSignatureScheme.RSA_PSS_RSAE_SHA384, OpenSslAsyncPrivateKeyMethod.SSL_SIGN_RSA_PSS_RSAE_SHA384},
      {TlsSignatureScheme.RSA_PSS_RSAE_SHA512, OpenSslAsyncPrivateKeyMethod.SSL_SIGN_RSA_PSS_RSAE_SHA512},
    };
    for (int[] p : pairs) {
      assertEquals(p[1], p[0]);
    }
    assertEquals(null, TlsSignatureScheme.of(OpenSslAsyncPrivateKeyMethod.SSL_SIGN_RSA_PKCS1_MD5_SHA1));
    assertArrayEquals(new int[0], new int[0]);
  }
}

package dev.accel.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import dev.accel.api.RouteStats;
import dev.accel.netty.records.BcTls13Handshaker;
import dev.accel.netty.records.RecordBatcher;
import dev.accel.netty.records.Tls13RecordHandler;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.Security;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel-TLS-style record layer: a Bouncy Castle TLS 1.3 handshake, then {@link
 * Tls13RecordHandler} seals and opens every record through a shared {@link RecordBatcher} on
 * Accel, against unmodified BoringSSL and JSSE clients. Own JVM: JSSE's key limit is lowered so
 * that the JSSE client sends KeyUpdates, and the BC provider signs the handshake.
 */
class RecordHandlerTest {
  static {
    // JSSE sends KeyUpdate (update_requested) after this many bytes under one key.
    Security.setProperty("jdk.tls.keyLimits", "AES/GCM/NoPadding KeyUpdate 2^17");
  }

  private static NativeDevice device;
  private static AccelProvider accel;
  private static RecordBatcher batcher;
  private final LinkedBlockingQueue<BcTls13Handshaker> handshakers = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Channel> serverChannels = new LinkedBlockingQueue<>();

  @BeforeAll
  static void setUp() throws Exception {
    Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
    device = TestSupport.emu(EmulatorControl.Profile.FAST);
    accel = TestSupport.accel(device, Map.of());
    batcher = new RecordBatcher(TestCrypto.of(accel), 64, 4, TimeUnit.MILLISECONDS.toNanos(500));
  }

  @AfterAll
  static void tearDown() {
    batcher.close();
    Security.removeProvider("BC");
    device.close();
  }

  @BeforeEach
  void clear() {
    handshakers.clear();
    serverChannels.clear();
  }

  private TlsHarness server(RecordBatcher b) throws Exception {
    TlsHarness h = new TlsHarness(1, 1);
    TestPki pki = TestPki.rsa2048();
    h.start(
        ch -> {
          BcTls13Handshaker hs = new BcTls13Handshaker(b, pki.chain(), pki.key());
          handshakers.add(hs);
          serverChannels.add(ch);
          return hs;
        });
    return h;
  }

  private Tls13RecordHandler records() throws Exception {
    BcTls13Handshaker hs = handshakers.poll(10, TimeUnit.SECONDS);
    return hs.handshakeFuture().get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0} client")
  @ValueSource(strings = {"boringssl", "jdk"})
  void recordsFlowThroughAccelInSharedBatches(String client) throws Exception {
    byte[] data = new byte[1 << 20];
    new Random(3).nextBytes(data);
    RecordBatcher.Stats before = batcher.stats();
    Tls13RecordHandler records;
    try (TlsHarness h = server(batcher)) {
      TlsHarness.Echo echo = new TlsHarness.Echo(data, 64 * 1024, i -> {});
      Channel ch = h.connect(TestSupport.client(client, "TLSv1.3"), echo);
      records = records();
      accel.resetStats();
      echo.begin(ch);
      assertArrayEquals(data, echo.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS));
      assertTrue(ch.isActive());
      ch.close().sync();
      assertTrue(h.serverErrors.isEmpty(), () -> "server errors: " + h.serverErrors);
    }
    RouteStats s = accel.stats();
    long minRecords = data.length / Tls13RecordHandler.MAX_FRAGMENT;
    assertTrue(s.ops(TestSupport.SEAL, TestSupport.DEVICE) >= minRecords, s::render);
    assertTrue(s.ops(TestSupport.OPEN, TestSupport.DEVICE) >= minRecords, s::render);
    RecordBatcher.Stats after = batcher.stats();
    assertTrue(after.records() - before.records() >= 2 * minRecords, after::toString);
    if (client.equals("jdk")) {
      // 1 MiB under a 128 KiB key limit: the JSSE client updated its keys and asked us to.
      assertTrue(records.keyUpdatesReceived() >= 4, "KeyUpdates received: " + records.keyUpdatesReceived());
      assertTrue(records.keyUpdatesSent() >= 4, "KeyUpdates sent: " + records.keyUpdatesSent());
    }
  }

  @Test
  void theHandshakeCanBeSignedOnAccelWithTheDeviceResidentKey() throws Exception {
    TestPki pki = TestPki.rsa2048();
    java.security.PrivateKey handle = dev.accel.api.AccelKeys.deviceResident(pki.key());
    org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto crypto =
        new AccelBcTls.CryptoProvider(accel, true).create(new java.security.SecureRandom());
    byte[] data = new byte[64 * 1024];
    new Random(5).nextBytes(data);
    accel.resetStats();
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(
          ch -> {
            BcTls13Handshaker hs = new BcTls13Handshaker(batcher, crypto, pki.chain(), handle);
            handshakers.add(hs);
            return hs;
          });
      for (String client : new String[] {"boringssl", "jdk"}) {
        TlsHarness.Echo echo = new TlsHarness.Echo(data, 16 * 1024, i -> {});
        Channel ch = h.connect(TestSupport.client(client, "TLSv1.3"), echo);
        records();
        echo.begin(ch);
        assertArrayEquals(data, echo.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        ch.close().sync();
      }
      assertTrue(h.serverErrors.isEmpty(), () -> "server errors: " + h.serverErrors);
    }
    RouteStats s = accel.stats();
    assertEquals(2, s.ops(TestSupport.RSA_PRIVATE, TestSupport.DEVICE), s::render);
    assertEquals(0, s.ops(TestSupport.RSA_PRIVATE, TestSupport.SOFTWARE), s::render);
  }

  @Test
  void recordsOfManyChannelsShareDeviceBatches() throws Exception {
    int channels = 6;
    byte[] data = new byte[256 * 1024];
    new Random(6).nextBytes(data);
    // One submission in flight: records of every channel that arrive meanwhile join the next.
    try (RecordBatcher shared =
            new RecordBatcher(TestCrypto.of(accel), 64, 1, TimeUnit.MILLISECONDS.toNanos(500));
        TlsHarness h = server(shared)) {
      java.util.List<TlsHarness.Echo> echoes = new java.util.ArrayList<>();
      java.util.List<Channel> chs = new java.util.ArrayList<>();
      for (int i = 0; i < channels; i++) {
        TlsHarness.Echo echo = new TlsHarness.Echo(data, 64 * 1024, k -> {});
        chs.add(h.connect(TestSupport.client(i % 2 == 0 ? "boringssl" : "jdk", "TLSv1.3"), echo));
        echoes.add(echo);
        records();
      }
      echoes.forEach(e -> e.begin(chs.get(echoes.indexOf(e))));
      for (TlsHarness.Echo e : echoes) {
        assertArrayEquals(data, e.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS));
      }
      for (Channel ch : chs) {
        ch.close().sync();
      }
      RecordBatcher.Stats st = shared.stats();
      assertTrue(st.records() >= 2L * channels * data.length / Tls13RecordHandler.MAX_FRAGMENT, st::toString);
      assertTrue(st.averageBatch() > 1.0, st::toString);
    }
  }

  @Test
  void serverRequestedKeyUpdateWithBoringSsl() throws Exception {
    byte[] data = new byte[512 * 1024];
    new Random(4).nextBytes(data);
    try (TlsHarness h = server(batcher)) {
      Tls13RecordHandler[] holder = new Tls13RecordHandler[1];
      Channel[] serverCh = new Channel[1];
      TlsHarness.Echo echo =
          new TlsHarness.Echo(
              data,
              32 * 1024,
              i -> {
                if (i == 3 || i == 9) {
                  holder[0].requestKeyUpdate(serverCh[0]);
                }
              });
      Channel ch = h.connect(TestSupport.client("boringssl", "TLSv1.3"), echo);
      holder[0] = records();
      serverCh[0] = serverChannels.poll(5, TimeUnit.SECONDS);
      echo.begin(ch);
      assertArrayEquals(data, echo.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS));
      assertEquals(2, holder[0].keyUpdatesSent());
      assertEquals(2, holder[0].keyUpdatesReceived(), "BoringSSL answers update_requested");
      ch.close().sync();
    }
  }

  @ParameterizedTest(name = "{0} client")
  @ValueSource(strings = {"boringssl", "jdk"})
  void closeNotifyBothWays(String client) throws Exception {
    try (TlsHarness h = server(batcher)) {
      // Client closes: the server sees close_notify and answers with its own.
      TlsHarness.Echo echo = new TlsHarness.Echo(new byte[100], 100, i -> {});
      Channel ch = h.connect(TestSupport.client(client, "TLSv1.3"), echo);
      Tls13RecordHandler records = records();
      Channel server = serverChannels.poll(5, TimeUnit.SECONDS);
      echo.begin(ch);
      echo.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      ch.close().sync();
      assertTrue(server.closeFuture().await(5, TimeUnit.SECONDS));
      // The TCP close may overtake the opening of the last record: wait for it to be read.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!records.closeNotifyReceived() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(records.closeNotifyReceived());
      assertTrue(h.serverErrors.isEmpty(), () -> "server errors: " + h.serverErrors);

      // Server closes: the client's SslHandler receives a valid close_notify.
      TlsHarness.Echo echo2 = new TlsHarness.Echo(new byte[100], 100, i -> {});
      Channel ch2 = h.connect(TestSupport.client(client, "TLSv1.3"), echo2);
      records();
      Channel server2 = serverChannels.poll(5, TimeUnit.SECONDS);
      echo2.begin(ch2);
      echo2.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      var sslClosed = ch2.pipeline().get(SslHandler.class).sslCloseFuture(); // before it is removed
      server2.close().sync();
      assertTrue(sslClosed.await(5, TimeUnit.SECONDS));
      assertTrue(sslClosed.isSuccess(), () -> String.valueOf(sslClosed.cause()));
    }
  }

  @Test
  void aTagBitFlippedInAccelsSealFailsThePeerWithBadRecordMac() throws Exception {
    try (TlsHarness h = server(batcher)) {
      TlsHarness.Fetch fetch = new TlsHarness.Fetch(64 * 1024);
      Channel ch = h.connect(TestSupport.client("boringssl", "TLSv1.3"), fetch);
      Tls13RecordHandler records = records();
      device.emulator().orElseThrow().inject(EmulatorControl.Fault.CORRUPT, 1, 0);
      try {
        fetch.request(ch);
        ExecutionException e =
            assertThrows(
                ExecutionException.class,
                () -> fetch.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        TestSupport.assertPeerRejectedCorruptRecord(e, () -> records.fatalAlertReceived() == 20);
      } finally {
        device.emulator().orElseThrow().inject(EmulatorControl.Fault.CLEAR, 0, 0);
      }
    }
  }

  @Test
  void aStalledDeviceIsOvertakenByTheCpuWithTheSameKeyAndNonce() throws Exception {
    byte[] data = new byte[256 * 1024];
    new Random(5).nextBytes(data);
    try (RecordBatcher quick =
            new RecordBatcher(TestCrypto.of(accel), 64, 4, TimeUnit.MILLISECONDS.toNanos(20));
        TlsHarness h = server(quick)) {
      TlsHarness.Echo echo =
          new TlsHarness.Echo(
              data,
              32 * 1024,
              i -> {
                if (i == 2) {
                  // Every device request now takes 300 ms more: a stall.
                  device.emulator().orElseThrow().inject(EmulatorControl.Fault.DELAY, 1_000_000, 300_000);
                }
              });
      Channel ch = h.connect(TestSupport.client("boringssl", "TLSv1.3"), echo);
      records();
      echo.begin(ch);
      try {
        assertArrayEquals(data, echo.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS));
      } finally {
        device.emulator().orElseThrow().inject(EmulatorControl.Fault.CLEAR, 0, 0);
      }
      assertTrue(ch.isActive());
      assertTrue(quick.stats().cpuAfterStall() > 0, quick.stats()::toString);
      ch.close().sync();
    }
  }
}

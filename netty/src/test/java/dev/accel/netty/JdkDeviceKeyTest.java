package dev.accel.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import dev.accel.api.AccelKeys;
import io.netty.handler.ssl.SslContext;
import java.security.PrivateKey;
import java.security.Security;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * JSSE server with Accel's opaque device-resident key through {@link AccelKeyManager}: the
 * handshake works only once Accel is installed, every full handshake is one device signature, and
 * JSSE's signing task runs on a virtual thread. Runs in its own JVM (installs Accel globally).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JdkDeviceKeyTest {
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
    Security.removeProvider(AccelProvider.NAME);
    device.close();
  }

  @Test
  @Order(1)
  void theOpaqueKeyCannotSignWithoutAccel() throws Exception {
    assertNull(Security.getProvider(AccelProvider.NAME));
    assertNull(handle.getEncoded(), "a device-resident key has no encoding");
    SslContext server = AccelSsl.jdkServerContext(TestPki.rsa2048().chain(), handle);
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> AccelSsl.newHandler(server, ch.alloc()));
      for (String client : new String[] {"jdk", "boringssl"}) {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
          assertThrows(
              Exception.class,
              () -> h.handshakes(TestSupport.client(client, protocol), 1, 1),
              client + " " + protocol);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} client")
  @Order(2)
  @CsvSource({"TLSv1.3,jdk", "TLSv1.3,boringssl", "TLSv1.2,jdk", "TLSv1.2,boringssl"})
  void withAccelInstalledEveryFullHandshakeIsOneDeviceSignature(String protocol, String client)
      throws Exception {
    // At the end of the list: the handle routes to Accel through SupportedKeyClasses alone.
    if (Security.getProvider(AccelProvider.NAME) == null) {
      Security.addProvider(accel);
    }
    AtomicInteger tasks = new AtomicInteger();
    AtomicInteger onVirtualThreads = new AtomicInteger();
    Executor delegated = AccelSsl.delegatedTaskExecutor();
    Executor counting =
        r ->
            delegated.execute(
                () -> {
                  tasks.incrementAndGet();
                  if (Thread.currentThread().isVirtual()) {
                    onVirtualThreads.incrementAndGet();
                  }
                  r.run();
                });
    SslContext server =
        AccelSsl.jdkServerContextBuilder(TestPki.rsa2048().chain(), handle).protocols(protocol).build();
    int handshakes = 16;
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> server.newHandler(ch.alloc(), counting));
      accel.resetStats();
      h.handshakes(TestSupport.client(client, protocol), handshakes, 8);
      assertTrue(h.serverErrors.isEmpty(), () -> "server errors: " + h.serverErrors);
    }
    var stats = accel.stats();
    assertEquals(handshakes, stats.ops(TestSupport.RSA_PRIVATE, TestSupport.DEVICE), stats::render);
    assertEquals(0, stats.ops(TestSupport.RSA_PRIVATE, TestSupport.SOFTWARE), stats::render);
    assertTrue(tasks.get() >= handshakes, "delegated tasks: " + tasks.get());
    assertEquals(tasks.get(), onVirtualThreads.get());
  }

  @Test
  @Order(3)
  void theOneLineHandlerUsesVirtualThreads() throws Exception {
    if (Security.getProvider(AccelProvider.NAME) == null) {
      Security.addProvider(accel);
    }
    SslContext server = AccelSsl.jdkServerContext(TestPki.rsa2048().chain(), handle);
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> AccelSsl.newHandler(server, ch.alloc()));
      accel.resetStats();
      h.handshakes(TestSupport.client("jdk", "TLSv1.3"), 4, 4);
    }
    assertEquals(4, accel.stats().ops(TestSupport.RSA_PRIVATE, TestSupport.DEVICE));
  }

  @Test
  @Order(4)
  void keyManagerServesOnlyItsKeyType() {
    AccelKeyManager km = new AccelKeyManager(TestPki.rsa2048().chain(), handle);
    assertEquals(AccelKeyManager.ALIAS, km.chooseEngineServerAlias("RSA", null, null));
    assertNull(km.chooseEngineServerAlias("EC", null, null));
    assertNull(km.chooseEngineServerAlias("RSASSA-PSS", null, null));
    assertNull(km.chooseEngineClientAlias(new String[] {"RSA"}, null, null));
    assertEquals(handle, km.getPrivateKey(AccelKeyManager.ALIAS));
    assertNull(km.getPrivateKey("other"));
    assertEquals(TestPki.rsa2048().cert(), km.getCertificateChain(AccelKeyManager.ALIAS)[0]);
  }
}

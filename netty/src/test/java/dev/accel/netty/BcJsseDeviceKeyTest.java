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
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * BCJSSE server signing its RSA-PSS handshake signatures with Accel's opaque device-resident key
 * ({@code AccelBcTls.jsseProvider(accel, true)} + {@link AccelKeyManager}): every full handshake is
 * one device signature. Accel is not installed in the provider list; the BC provider is (last),
 * as in any BCJSSE deployment. Own JVM.
 */
class BcJsseDeviceKeyTest {
  private static NativeDevice device;
  private static AccelProvider accel;
  private static PrivateKey handle;

  @BeforeAll
  static void setUp() throws Exception {
    device = TestSupport.emu(EmulatorControl.Profile.HPRE_920);
    accel = TestSupport.accel(device, Map.of("accel.device.timeout.ms", "5000"));
    handle = AccelKeys.deviceResident(TestPki.rsa2048().key());
    Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
  }

  @AfterAll
  static void tearDown() {
    Security.removeProvider("BC");
    device.close();
  }

  private static SslContext server(Provider bcjsse, String protocol) throws SSLException {
    return SslContextBuilder.forServer(new AccelKeyManager(TestPki.rsa2048().chain(), handle))
        .sslProvider(SslProvider.JDK)
        .sslContextProvider(bcjsse)
        .protocols(protocol)
        .build();
  }

  @ParameterizedTest(name = "{0} {1} client")
  @CsvSource({"TLSv1.3,jdk", "TLSv1.3,boringssl", "TLSv1.2,jdk", "TLSv1.2,boringssl"})
  void everyFullHandshakeIsOneDeviceSignature(String protocol, String client) throws Exception {
    assertNull(Security.getProvider(AccelProvider.NAME));
    SslContext server = server(AccelBcTls.jsseProvider(accel, true), protocol);
    int handshakes = 12;
    accel.resetStats();
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> server.newHandler(ch.alloc()));
      h.handshakes(TestSupport.client(client, protocol), handshakes, 4);
      assertTrue(h.serverErrors.isEmpty(), () -> "server errors: " + h.serverErrors);
    }
    var stats = accel.stats();
    assertEquals(handshakes, stats.ops(TestSupport.RSA_PRIVATE, TestSupport.DEVICE), stats::render);
    assertEquals(0, stats.ops(TestSupport.RSA_PRIVATE, TestSupport.SOFTWARE), stats::render);
  }

  @Test
  void withoutAccelSigningTheOpaqueKeyCannotSign() throws Exception {
    SslContext server = server(AccelBcTls.jsseProvider(accel), "TLSv1.3");
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> server.newHandler(ch.alloc()));
      assertThrows(Exception.class, () -> h.handshakes(TestSupport.client("boringssl", "TLSv1.3"), 1, 1));
    }
  }
}

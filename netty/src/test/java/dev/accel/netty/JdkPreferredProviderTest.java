package dev.accel.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.accel.AccelProvider;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.MessageDigest;
import java.security.Security;
import java.util.Map;
import javax.crypto.Cipher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JSSE record crypto through Accel registered LAST, selected for AES-GCM only by the security
 * property {@code jdk.security.provider.preferred} (set before the provider list is first used —
 * this class runs in its own JVM). SHA-2 and RSA stay with the JDK.
 */
class JdkPreferredProviderTest extends RecordOffloadContract {
  static {
    Security.setProperty("jdk.security.provider.preferred", "AES/GCM/NoPadding:Accel");
  }

  private static NativeDevice device;
  private static AccelProvider accel;

  @BeforeAll
  static void setUp() throws Exception {
    device = TestSupport.emu(EmulatorControl.Profile.FAST);
    accel = TestSupport.accel(device, Map.of());
    Security.addProvider(accel);
  }

  @AfterAll
  static void tearDown() {
    Security.removeProvider(AccelProvider.NAME);
    device.close();
  }

  @Override
  NativeDevice device() {
    return device;
  }

  @Override
  AccelProvider accel() {
    return accel;
  }

  @Override
  boolean jdkClientUsesAccel() {
    return true;
  }

  @Override
  SslContext serverContext(String protocol) throws Exception {
    TestPki pki = TestPki.rsa2048();
    return SslContextBuilder.forServer(pki.key(), pki.chain())
        .sslProvider(SslProvider.JDK)
        .protocols(protocol)
        .build();
  }

  @Test
  void onlyAesGcmIsTakenFromAccel() throws Exception {
    assertEquals(AccelProvider.NAME, Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName());
    assertEquals("SUN", MessageDigest.getInstance("SHA-256").getProvider().getName());
  }
}

package dev.accel.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.accel.AccelProvider;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.Security;
import java.util.Map;
import javax.crypto.Cipher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JSSE (SunJSSE) server whose record AES-GCM comes from Accel because Accel is first in the
 * provider list. Runs in its own JVM. The server key is an ordinary RSA key.
 */
class JdkRecordOffloadTest extends RecordOffloadContract {
  private static NativeDevice device;
  private static AccelProvider accel;

  @BeforeAll
  static void setUp() throws Exception {
    device = TestSupport.emu(EmulatorControl.Profile.FAST);
    accel = TestSupport.accel(device, Map.of());
    Security.insertProviderAt(accel, 1);
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
  void jsseFindsAccelFirst() throws Exception {
    assertEquals(AccelProvider.NAME, Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName());
  }
}

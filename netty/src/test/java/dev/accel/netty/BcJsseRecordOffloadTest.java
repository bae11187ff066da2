package dev.accel.netty;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.accel.AccelProvider;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.Provider;
import java.security.Security;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BCJSSE server whose record AEAD — and nothing else — runs on Accel through {@link AccelBcTls}.
 * Accel is not installed in the provider list: JSSE clients in this JVM use SunJCE. Own JVM.
 */
class BcJsseRecordOffloadTest extends RecordOffloadContract {
  private static NativeDevice device;
  private static AccelProvider accel;
  private static Provider bcjsse;

  @BeforeAll
  static void setUp() throws Exception {
    device = TestSupport.emu(EmulatorControl.Profile.FAST);
    accel = TestSupport.accel(device, Map.of());
    bcjsse = AccelBcTls.jsseProvider(accel);
    // BCJSSE signs TLS 1.3 RSA-PSS as "SHA256WITHRSAANDMGF1", a name only BC registers; as in any
    // BCJSSE deployment, the BC provider sits in the list (last: it must not take AES-GCM).
    Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
  }

  @AfterAll
  static void tearDown() {
    Security.removeProvider("BC");
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
    return false;
  }

  @Override
  SslContext serverContext(String protocol) throws Exception {
    TestPki pki = TestPki.rsa2048();
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", pki.key(), new char[0], pki.chain());
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX", bcjsse);
    kmf.init(ks, new char[0]);
    return SslContextBuilder.forServer(kmf)
        .sslProvider(SslProvider.JDK)
        .sslContextProvider(bcjsse)
        .protocols(protocol)
        .build();
  }

  @Test
  void theServerEngineIsBcjsseAndAccelIsNotInstalled() throws Exception {
    assertNull(Security.getProvider(AccelProvider.NAME));
    SslContext ctx = serverContext("TLSv1.3");
    assertSame(
        bcjsse,
        ((io.netty.handler.ssl.JdkSslContext) ctx).context().getProvider());
  }
}

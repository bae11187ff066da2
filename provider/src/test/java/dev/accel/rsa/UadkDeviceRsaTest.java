package dev.accel.rsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.DeviceCapabilities;
import dev.accel.router.Router;
import dev.accel.testing.Tier;
import java.security.KeyPair;
import java.security.interfaces.RSAKey;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The RSA suite on the uadk backend bound to the UADK TEST DOUBLE (provider/pom.xml's surefire
 * execution {@code uadk-double}); the provider fails to build if the uadk device does not open.
 */
class UadkDeviceRsaTest extends AbstractRsaTierTest {
  private static final AccelProvider PROVIDER = Tier.UADK.newProvider();

  @Override
  protected AccelProvider provider() {
    return PROVIDER;
  }

  @Override
  protected boolean deviceTier() {
    return true;
  }

  @Override
  protected String softwareLabel() {
    return PROVIDER.router().softwareLabel();
  }

  /** HPRE's key sizes run on the device; any other size (here 1025 bits) goes to software. */
  @Test
  void keySizesOutsideTheDeviceGoToSoftware() throws Exception {
    DeviceCapabilities caps = PROVIDER.router().devices().get(0).capabilities();
    long device = 0;
    long software = 0;
    for (KeyPair kp : List.of(RsaTestKeys.rsa1024(), RsaTestKeys.rsa2048(), RsaTestKeys.rsa3072(),
        RsaTestKeys.rsa4096(), RsaTestKeys.rsa1025())) {
      int bits = ((RSAKey) kp.getPublic()).getModulus().bitLength();
      PROVIDER.resetStats();
      byte[] msg = RsaTestKeys.randomBytes(32);
      assertTrue(java.util.Arrays.equals(sign("SHA256withRSA", SUN_RSA, kp.getPrivate(), msg),
          sign("SHA256withRSA", PROVIDER, kp.getPrivate(), msg)), "key " + bits);
      long onDevice = PROVIDER.stats().ops(Router.ALG_RSA_PRIVATE, "device");
      boolean expected = bits == 1024 || bits == 2048 || bits == 3072 || bits == 4096;
      assertEquals(expected, caps.supportsRsa(bits, true), "uadk capabilities for " + bits + " bits: " + caps);
      assertEquals(expected ? 1 : 0, onDevice, "key " + bits + " caps " + caps + "\n" + PROVIDER.renderStats());
      if (expected) {
        device++;
      } else {
        software++;
      }
    }
    assertEquals(4, device);
    assertEquals(1, software);
  }

  @AfterAll
  static void showCounters() {
    System.out.println("[uadk] " + PROVIDER.renderStats());
  }
}

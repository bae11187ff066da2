package dev.accel.bench;

import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.DeviceSelfTest;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.RSAPrivateCrtKeySpec;

/** The fixed RSA-2048 test key of the provider's self-test, as a JCA key. */
final class BenchKeys {
  private BenchKeys() {}

  static PrivateKey rsa2048() throws Exception {
    RsaKeyMaterial k = DeviceSelfTest.rsaTestKey();
    return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
        k.modulus(), k.publicExponent(), k.privateExponent(), k.p(), k.q(), k.dp(), k.dq(), k.qinv()));
  }
}

package dev.accel.api;

import dev.accel.rsa.RsaKeys;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;

/** Public factory for Accel-specific key objects. */
public final class AccelKeys {
  private AccelKeys() {}

  /**
   * Returns a device-resident handle for {@code key}: a {@link PrivateKey} (and {@link
   * java.security.interfaces.RSAKey}, whose modulus it reports) that only Accel's Signature and
   * Cipher services accept; it never reveals its private parts ({@code getEncoded()} is null). The
   * CRT parts are copied into Accel; the caller may discard {@code key}.
   *
   * @throws InvalidKeyException if the key is not a usable two-prime CRT key (size limits as
   *     SunRsaSign)
   */
  public static PrivateKey deviceResident(RSAPrivateCrtKey key) throws InvalidKeyException {
    return RsaKeys.deviceResident(key);
  }
}

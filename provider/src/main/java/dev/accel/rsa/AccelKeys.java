package dev.accel.rsa;

import java.security.InvalidKeyException;
import java.security.interfaces.RSAPrivateCrtKey;

/** Public factory for Accel-specific key objects. */
public final class AccelKeys {
  private AccelKeys() {}

  /**
   * Returns a device-resident handle for {@code key}: a {@link java.security.PrivateKey} that only
   * Accel's Signature and Cipher services accept (see {@link AccelRsaPrivateKeyHandle}). The CRT
   * parts are copied into Accel; the caller may discard {@code key}.
   *
   * @throws InvalidKeyException if the key is not a usable two-prime CRT key (size limits as
   *     SunRsaSign)
   */
  public static AccelRsaPrivateKeyHandle deviceResident(RSAPrivateCrtKey key) throws InvalidKeyException {
    if (key == null) {
      throw new InvalidKeyException("Key must not be null");
    }
    RsaKeys.Converted c = RsaKeys.convert(key);
    if (!c.material().hasCrt()) {
      throw new InvalidKeyException("Some of the CRT-specific components are not available");
    }
    return new AccelRsaPrivateKeyHandle(c.material());
  }
}

package dev.accel.spi;

import dev.accel.rsa.AccelRsaPrivateKeyHandle;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;

/**
 * KeyFactory "RSA" and "RSASSA-PSS". Key objects, their encodings (X.509 SubjectPublicKeyInfo,
 * PKCS#8 PrivateKeyInfo) and every validity rule are the JDK's own: this class delegates to the
 * SunRsaSign KeyFactory, so keys it returns are standard {@code RSAPublicKey}/{@code
 * RSAPrivateCrtKey} objects that every provider accepts. {@code RSAMultiPrimePrivateCrtKeySpec}
 * gives a private-exponent key (SunRsaSign's behaviour), never a two-prime CRT key.
 *
 * <p>Accel's device-resident handle translates to itself and has no exportable key spec.
 */
public abstract class RsaKeyFactory extends KeyFactorySpi {
  private final KeyFactory jdk;

  protected RsaKeyFactory(String algorithm) {
    try {
      this.jdk = KeyFactory.getInstance(algorithm, "SunRsaSign");
    } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
      throw new ProviderException("SunRsaSign KeyFactory " + algorithm + " not available", e);
    }
  }

  @Override
  protected PublicKey engineGeneratePublic(KeySpec keySpec) throws InvalidKeySpecException {
    return jdk.generatePublic(keySpec);
  }

  @Override
  protected PrivateKey engineGeneratePrivate(KeySpec keySpec) throws InvalidKeySpecException {
    return jdk.generatePrivate(keySpec);
  }

  @Override
  protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> keySpec) throws InvalidKeySpecException {
    if (key instanceof AccelRsaPrivateKeyHandle) {
      throw new InvalidKeySpecException("A device-resident key has no exportable key specification");
    }
    return jdk.getKeySpec(key, keySpec);
  }

  @Override
  protected Key engineTranslateKey(Key key) throws InvalidKeyException {
    if (key instanceof AccelRsaPrivateKeyHandle) {
      return key;
    }
    return jdk.translateKey(key);
  }

  public static final class Rsa extends RsaKeyFactory {
    public Rsa() {
      super("RSA");
    }
  }

  public static final class Pss extends RsaKeyFactory {
    public Pss() {
      super("RSASSA-PSS");
    }
  }
}

package dev.accel.spi;

import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyPairGeneratorSpi;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;

/**
 * KeyPairGenerator "RSA" and "RSASSA-PSS". Prime generation is SunRsaSign's (FIPS 186-4 style
 * probable primes, default size 3072 bits as in JDK 25, {@code RSAKeyGenParameterSpec} with the
 * same limits and exceptions); Accel adds no key generation of its own because the accelerators
 * offer none and key generation is not on any hot path.
 */
public abstract class RsaKeyPairGenerator extends KeyPairGeneratorSpi {
  private final KeyPairGenerator jdk;

  protected RsaKeyPairGenerator(String algorithm) {
    try {
      this.jdk = KeyPairGenerator.getInstance(algorithm, "SunRsaSign");
    } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
      throw new ProviderException("SunRsaSign KeyPairGenerator " + algorithm + " not available", e);
    }
  }

  @Override
  public void initialize(int keysize, SecureRandom random) {
    jdk.initialize(keysize, random);
  }

  @Override
  public void initialize(AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidAlgorithmParameterException {
    jdk.initialize(params, random);
  }

  @Override
  public KeyPair generateKeyPair() {
    return jdk.generateKeyPair();
  }

  public static final class Rsa extends RsaKeyPairGenerator {
    public Rsa() {
      super("RSA");
    }
  }

  public static final class Pss extends RsaKeyPairGenerator {
    public Pss() {
      super("RSASSA-PSS");
    }
  }
}

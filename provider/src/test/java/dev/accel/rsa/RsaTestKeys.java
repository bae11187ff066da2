package dev.accel.rsa;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAMultiPrimePrivateCrtKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAOtherPrimeInfo;
import java.security.spec.RSAPublicKeySpec;

/**
 * RSA keys shared by every RSA test (key generation is slow on small machines): generated once per
 * JVM with SunRsaSign, plus a three-prime key built by hand (no JDK generator makes them).
 */
final class RsaTestKeys {
  static final SecureRandom RANDOM = new SecureRandom();

  private RsaTestKeys() {}

  private static final class Holder {
    static final KeyPair RSA_2048 = generate(2048);
    static final KeyPair RSA_2048_B = generate(2048);
    static final KeyPair RSA_1024 = generate(1024);
    static final KeyPair RSA_3072 = generate(3072);
    static final KeyPair RSA_4096 = generate(4096);
    /** modulus length not a multiple of 8: emLen = k - 1 for PSS with some sizes. */
    static final KeyPair RSA_1025 = generate(1025);
    static final KeyPair MULTI_PRIME = multiPrime(2048);
  }

  static KeyPair rsa2048() {
    return Holder.RSA_2048;
  }

  static KeyPair rsa2048b() {
    return Holder.RSA_2048_B;
  }

  static KeyPair rsa1024() {
    return Holder.RSA_1024;
  }

  static KeyPair rsa3072() {
    return Holder.RSA_3072;
  }

  static KeyPair rsa4096() {
    return Holder.RSA_4096;
  }

  static KeyPair rsa1025() {
    return Holder.RSA_1025;
  }

  /** Public key (SunRsaSign) and an {@link RSAMultiPrimePrivateCrtKey} with three primes. */
  static KeyPair multiPrime() {
    return Holder.MULTI_PRIME;
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static KeyPair generate(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
      g.initialize(bits, RANDOM);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static KeyPair multiPrime(int bits) {
    BigInteger e = BigInteger.valueOf(65537);
    while (true) {
      BigInteger p = BigInteger.probablePrime(bits / 3 + 1, RANDOM);
      BigInteger q = BigInteger.probablePrime(bits / 3 + 1, RANDOM);
      BigInteger r = BigInteger.probablePrime(bits - 2 * (bits / 3 + 1), RANDOM);
      BigInteger n = p.multiply(q).multiply(r);
      BigInteger lambda = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE))
          .multiply(r.subtract(BigInteger.ONE));
      if (n.bitLength() != bits || !e.gcd(lambda).equals(BigInteger.ONE) || p.equals(q) || q.equals(r)
          || p.equals(r)) {
        continue;
      }
      BigInteger d = e.modInverse(lambda);
      BigInteger dp = d.mod(p.subtract(BigInteger.ONE));
      BigInteger dq = d.mod(q.subtract(BigInteger.ONE));
      BigInteger qinv = q.modInverse(p);
      BigInteger dr = d.mod(r.subtract(BigInteger.ONE));
      BigInteger tr = p.multiply(q).modInverse(r);
      try {
        RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA", "SunRsaSign")
            .generatePublic(new RSAPublicKeySpec(n, e));
        return new KeyPair(pub, new MultiPrimeKey(n, e, d, p, q, dp, dq, qinv,
            new RSAOtherPrimeInfo[] {new RSAOtherPrimeInfo(r, dr, tr)}));
      } catch (Exception ex) {
        throw new AssertionError(ex);
      }
    }
  }

  /** A third-party style multi-prime key object (RFC 8017 section 3.2, u = 3). */
  record MultiPrimeKey(BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q, BigInteger dp,
      BigInteger dq, BigInteger qinv, RSAOtherPrimeInfo[] others) implements RSAMultiPrimePrivateCrtKey {
    @Override
    public BigInteger getPublicExponent() {
      return e;
    }

    @Override
    public BigInteger getPrimeP() {
      return p;
    }

    @Override
    public BigInteger getPrimeQ() {
      return q;
    }

    @Override
    public BigInteger getPrimeExponentP() {
      return dp;
    }

    @Override
    public BigInteger getPrimeExponentQ() {
      return dq;
    }

    @Override
    public BigInteger getCrtCoefficient() {
      return qinv;
    }

    @Override
    public RSAOtherPrimeInfo[] getOtherPrimeInfo() {
      return others.clone();
    }

    @Override
    public BigInteger getPrivateExponent() {
      return d;
    }

    @Override
    public String getAlgorithm() {
      return "RSA";
    }

    @Override
    public String getFormat() {
      return null;
    }

    @Override
    public byte[] getEncoded() {
      return null;
    }

    @Override
    public BigInteger getModulus() {
      return n;
    }
  }

  /** An RSA key of "another provider" that exposes only its encoding (like a PKCS#11 wrapper). */
  record EncodedOnlyPrivateKey(byte[] encoded) implements java.security.PrivateKey {
    @Override
    public String getAlgorithm() {
      return "RSA";
    }

    @Override
    public String getFormat() {
      return "PKCS#8";
    }

    @Override
    public byte[] getEncoded() {
      return encoded.clone();
    }
  }

  record EncodedOnlyPublicKey(byte[] encoded) implements java.security.PublicKey {
    @Override
    public String getAlgorithm() {
      return "RSA";
    }

    @Override
    public String getFormat() {
      return "X.509";
    }

    @Override
    public byte[] getEncoded() {
      return encoded.clone();
    }
  }

  static RSAPrivateCrtKey crt(KeyPair kp) {
    return (RSAPrivateCrtKey) kp.getPrivate();
  }
}

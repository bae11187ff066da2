package dev.accel.soft;

import dev.accel.core.RsaKeyMaterial;
import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * RSA arithmetic shared by the tiers that compute with {@link BigInteger}: the RFC 8017 section
 * 4.1 / 4.2 integer conversions and base blinding of private-key operations.
 *
 * <p>Blinding (the countermeasure to timing attacks on RSADP/RSASP1 described in RFC 8017 section
 * 5.1.2, note 1): with a random r coprime to n, the exponentiation runs on {@code c * r^e mod n}
 * and the result is multiplied by {@code r^-1 mod n}. When a private key carries no public
 * exponent, {@code u = r} and {@code v = (r^-1)^d mod n} give the same effect at the cost of one
 * more exponentiation (the JDK's RSACore does the same).
 */
public final class RsaMath {
  private static final SecureRandom RANDOM = new SecureRandom();

  private RsaMath() {}

  /** OS2IP (RFC 8017 section 4.2). */
  public static BigInteger os2ip(byte[] input) {
    return new BigInteger(1, input);
  }

  /** I2OSP (RFC 8017 section 4.1) to exactly {@code lenBytes} bytes; the value must fit. */
  public static byte[] i2osp(BigInteger x, int lenBytes) {
    byte[] raw = x.toByteArray();
    if (raw.length == lenBytes) {
      return raw;
    }
    byte[] out = new byte[lenBytes];
    if (raw.length > lenBytes) {
      // Only a leading sign byte can be in excess.
      System.arraycopy(raw, raw.length - lenBytes, out, 0, lenBytes);
    } else {
      System.arraycopy(raw, 0, out, lenBytes - raw.length, raw.length);
    }
    return out;
  }

  /** A blinding pair (u, v): the private op computes {@code ((c*u mod n)^d mod n) * v mod n}. */
  public record Blinding(BigInteger u, BigInteger v) {
    public BigInteger blind(BigInteger c, BigInteger n) {
      return c.multiply(u).mod(n);
    }

    public BigInteger unblind(BigInteger m, BigInteger n) {
      return m.multiply(v).mod(n);
    }
  }

  /** A fresh blinding pair for {@code key}. */
  public static Blinding newBlinding(RsaKeyMaterial key) {
    BigInteger n = key.modulus();
    BigInteger e = key.publicExponent();
    while (true) {
      BigInteger r = new BigInteger(n.bitLength() - 1, RANDOM);
      if (r.signum() == 0 || !r.gcd(n).equals(BigInteger.ONE)) {
        continue;
      }
      BigInteger rInv = r.modInverse(n);
      if (e != null) {
        return new Blinding(r.modPow(e, n), rInv);
      }
      return new Blinding(r, rInv.modPow(key.privateExponent(), n));
    }
  }

  /**
   * RSADP with blinding, using CRT (RFC 8017 section 5.1.2, step 2b) for two-prime CRT keys and the
   * private exponent otherwise (multi-prime keys included).
   */
  public static BigInteger privateOp(RsaKeyMaterial key, BigInteger c) {
    BigInteger n = key.modulus();
    Blinding b = newBlinding(key);
    BigInteger blinded = b.blind(c, n);
    BigInteger m;
    if (key.hasCrt()) {
      BigInteger m1 = blinded.modPow(key.dp(), key.p());
      BigInteger m2 = blinded.modPow(key.dq(), key.q());
      BigInteger h = m1.subtract(m2).multiply(key.qinv()).mod(key.p());
      m = m2.add(key.q().multiply(h));
    } else {
      m = blinded.modPow(key.privateExponent(), n);
    }
    return b.unblind(m, n);
  }

  public static BigInteger publicOp(RsaKeyMaterial key, BigInteger m) {
    return m.modPow(key.publicExponent(), key.modulus());
  }
}

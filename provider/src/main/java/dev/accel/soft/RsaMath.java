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
    // A fresh pair costs a gcd, an inverse and an exponentiation (~1 ms of host CPU per RSA-2048
    // operation on a small core). Like OpenSSL's BN_BLINDING_update and the JDK's RSACore, the
    // pair of a key is instead updated by squaring (u^2, v^2 is again a valid pair, for a new r^2),
    // each use taking a distinct pair, and regenerated from fresh randomness every
    // BLINDING_REFRESH uses.
    BlindingCache cache = key.derived(BLINDING_OWNER, k -> new BlindingCache());
    BigInteger n = key.modulus();
    while (true) {
      Blinding b = cache.pair.get();
      if (b == null || cache.uses.incrementAndGet() % BLINDING_REFRESH == 0) {
        Blinding fresh = freshBlinding(key);
        cache.pair.set(new Blinding(fresh.u().multiply(fresh.u()).mod(n), fresh.v().multiply(fresh.v()).mod(n)));
        return fresh;
      }
      Blinding next = new Blinding(b.u().multiply(b.u()).mod(n), b.v().multiply(b.v()).mod(n));
      if (cache.pair.compareAndSet(b, next)) {
        return b;
      }
    }
  }

  private static final Object BLINDING_OWNER = new Object();
  private static final int BLINDING_REFRESH = 64;

  /** The evolving blinding pair of one key (cached on the key, dropped with it). */
  private static final class BlindingCache implements AutoCloseable {
    final java.util.concurrent.atomic.AtomicReference<Blinding> pair = new java.util.concurrent.atomic.AtomicReference<>();
    final java.util.concurrent.atomic.AtomicInteger uses = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void close() {
      pair.set(null);
    }
  }

  private static Blinding freshBlinding(RsaKeyMaterial key) {
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

package dev.accel.core;

import java.math.BigInteger;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An RSA key as the lower layers see it (RFC 8017 section 3): modulus and public exponent always;
 * for private keys the private exponent and, when the key is a two-prime CRT key, its CRT parts.
 *
 * <p>Multi-prime keys are never represented as two-prime CRT keys: {@link #hasCrt()} is false for
 * them and {@link #isMultiPrime()} is true, so the router sends them to a software tier that
 * handles them. Per-owner derivatives (device sessions) are cached like {@link AesKeyMaterial}'s.
 */
public final class RsaKeyMaterial {
  private final BigInteger n;
  private final BigInteger e; // may be null for a private key that does not carry it
  private final BigInteger d; // null for public keys
  private final BigInteger p, q, dp, dq, qinv; // all null unless a two-prime CRT key
  private final boolean multiPrime;
  private final ConcurrentHashMap<Object, AutoCloseable> derived = new ConcurrentHashMap<>();
  private volatile byte[] modulusOctets; // I2OSP(n, k), made on first use; public, never handed out

  private RsaKeyMaterial(
      BigInteger n,
      BigInteger e,
      BigInteger d,
      BigInteger p,
      BigInteger q,
      BigInteger dp,
      BigInteger dq,
      BigInteger qinv,
      boolean multiPrime) {
    this.n = n;
    this.e = e;
    this.d = d;
    this.p = p;
    this.q = q;
    this.dp = dp;
    this.dq = dq;
    this.qinv = qinv;
    this.multiPrime = multiPrime;
  }

  public static RsaKeyMaterial ofPublic(BigInteger n, BigInteger e) {
    return new RsaKeyMaterial(n, e, null, null, null, null, null, null, false);
  }

  /** A private key without CRT parts (or a multi-prime key, with {@code multiPrime} true). */
  public static RsaKeyMaterial ofPrivate(BigInteger n, BigInteger e, BigInteger d, boolean multiPrime) {
    return new RsaKeyMaterial(n, e, d, null, null, null, null, null, multiPrime);
  }

  public static RsaKeyMaterial ofCrt(
      BigInteger n,
      BigInteger e,
      BigInteger d,
      BigInteger p,
      BigInteger q,
      BigInteger dp,
      BigInteger dq,
      BigInteger qinv) {
    return new RsaKeyMaterial(n, e, d, p, q, dp, dq, qinv, false);
  }

  public BigInteger modulus() {
    return n;
  }

  public int modulusBits() {
    return n.bitLength();
  }

  /** Modulus length in bytes: the length of every raw RSA input and output (RFC 8017 k). */
  public int modulusBytes() {
    return (n.bitLength() + 7) / 8;
  }

  /**
   * True when {@code x}, exactly {@link #modulusBytes()} long, read as a big-endian unsigned
   * integer (OS2IP), is below n (RFC 8017 sections 5.1.1 step 1, 5.1.2 step 1, 5.2.1 step 1, 5.2.2
   * step 1), without converting it to a {@link BigInteger}. Not constant time: the representatives
   * checked here are public (ciphertexts, signatures, encoded messages of a public hash) or blinded.
   */
  public boolean isBelowModulus(byte[] x) {
    byte[] nb = modulusOctets;
    if (nb == null) {
      byte[] raw = n.toByteArray();
      int k = modulusBytes();
      nb = new byte[k];
      // toByteArray has one leading sign byte exactly when the top bit of the top byte is set.
      System.arraycopy(raw, raw.length - Math.min(raw.length, k), nb, k - Math.min(raw.length, k), Math.min(raw.length, k));
      modulusOctets = nb;
    }
    if (x.length != nb.length) {
      throw new IllegalArgumentException("representative must be exactly " + nb.length + " bytes, got " + x.length);
    }
    return java.util.Arrays.compareUnsigned(x, nb) < 0;
  }

  public BigInteger publicExponent() {
    return e;
  }

  public BigInteger privateExponent() {
    return d;
  }

  public boolean isPrivate() {
    return d != null;
  }

  /** The derivative already cached for {@code owner}, or null (per-request fast path, no lambda). */
  @SuppressWarnings("unchecked")
  public <T extends AutoCloseable> T cached(Object owner) {
    return (T) derived.get(owner);
  }

  /** True for a two-prime key carrying p, q, dp, dq, qinv (and the public exponent). */
  public boolean hasCrt() {
    return p != null && e != null;
  }

  public boolean isMultiPrime() {
    return multiPrime;
  }

  public BigInteger p() {
    return p;
  }

  public BigInteger q() {
    return q;
  }

  public BigInteger dp() {
    return dp;
  }

  public BigInteger dq() {
    return dq;
  }

  public BigInteger qinv() {
    return qinv;
  }

  @SuppressWarnings("unchecked")
  public <T extends AutoCloseable> T derived(Object owner, java.util.function.Function<RsaKeyMaterial, T> factory) {
    return (T) derived.computeIfAbsent(owner, o -> factory.apply(this));
  }

  public void forget(Object owner) {
    AesKeyMaterial.closeQuietly(derived.remove(owner));
  }
}

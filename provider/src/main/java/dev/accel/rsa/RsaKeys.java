package dev.accel.rsa;

import dev.accel.core.RsaKeyMaterial;
import java.io.IOException;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAMultiPrimePrivateCrtKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converts any provider's RSA keys into {@link RsaKeyMaterial}, with SunRsaSign's validity rules
 * (RSAKeyFactory / RSAPublicKeyImpl): modulus of at least 512 and at most 16384 bits (rounded up to
 * a whole byte), a public exponent of at most 64 bits when the modulus exceeds 3072 bits, {@code 3
 * <= e < n}. Failures are {@link InvalidKeyException}s with SunRsaSign's messages.
 *
 * <p>Results are cached per key object (identity, weakly held), so re-initialising a Signature or
 * Cipher with the same key object does not re-read or re-parse it. A multi-prime key ({@link
 * RSAMultiPrimePrivateCrtKey}, or PKCS#8 with RSAPrivateKey version 1) is never turned into a
 * two-prime CRT key: it becomes a private-exponent key marked multi-prime.
 */
public final class RsaKeys {
  public static final int MIN_MODULUS_BITS = 512;
  public static final int MAX_MODULUS_BITS = 16384;
  /** Above this modulus size the public exponent is limited to {@link #MAX_RESTRICTED_EXP_BITS}. */
  public static final int MAX_MODULUS_BITS_UNRESTRICTED_EXP = 3072;

  public static final int MAX_RESTRICTED_EXP_BITS = 64;
  private static final BigInteger THREE = BigInteger.valueOf(3);
  private static final String RSA_OID = "1.2.840.113549.1.1.1";
  private static final String PSS_OID = "1.2.840.113549.1.1.10";

  /** What a key converts to: its material and, for RSASSA-PSS keys, the key's parameters. */
  public record Converted(RsaKeyMaterial material, AlgorithmParameterSpec params) {
    public boolean isPrivate() {
      return material.isPrivate();
    }
  }

  private static final class IdentityWeakKey extends WeakReference<Key> {
    private final int hash;

    IdentityWeakKey(Key key, ReferenceQueue<Key> q) {
      super(key, q);
      this.hash = System.identityHashCode(key);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof IdentityWeakKey other)) {
        return false;
      }
      Key k = get();
      return k != null && k == other.get();
    }
  }

  private static final ConcurrentHashMap<IdentityWeakKey, Converted> CACHE = new ConcurrentHashMap<>();
  private static final ReferenceQueue<Key> CLEARED = new ReferenceQueue<>();
  /** Keys beyond this many live entries are converted but not cached. */
  private static final int CACHE_MAX = 4096;

  private RsaKeys() {}

  /**
   * Converts {@code key} like SunRsaSign's {@code RSAKeyFactory.toRSAKey}: any RSA or RSASSA-PSS
   * key object, or an X.509/PKCS#8-encoded key of another provider; plus Accel's {@link
   * AccelRsaPrivateKeyHandle}.
   */
  public static Converted convert(Key key) throws InvalidKeyException {
    if (key == null) {
      throw new InvalidKeyException("Key must not be null");
    }
    if (key instanceof AccelRsaPrivateKeyHandle h) {
      return new Converted(h.material(), null);
    }
    expunge();
    IdentityWeakKey probe = new IdentityWeakKey(key, null);
    Converted c = CACHE.get(probe);
    if (c != null) {
      return c;
    }
    c = convertUncached(key);
    if (CACHE.size() < CACHE_MAX) {
      CACHE.putIfAbsent(new IdentityWeakKey(key, CLEARED), c);
    }
    return c;
  }

  private static void expunge() {
    java.lang.ref.Reference<? extends Key> r;
    while ((r = CLEARED.poll()) != null) {
      CACHE.remove(r);
    }
  }

  /** The handle behind {@link dev.accel.api.AccelKeys#deviceResident}. */
  public static AccelRsaPrivateKeyHandle deviceResident(java.security.interfaces.RSAPrivateCrtKey key)
      throws InvalidKeyException {
    if (key == null) {
      throw new InvalidKeyException("Key must not be null");
    }
    Converted c = convert(key);
    if (!c.material().hasCrt()) {
      throw new InvalidKeyException("Some of the CRT-specific components are not available");
    }
    return new AccelRsaPrivateKeyHandle(c.material());
  }

  /** True when {@code key} is the caller's handle type or one of the standard RSA interfaces. */
  public static boolean isDeviceHandle(Key key) {
    return key instanceof AccelRsaPrivateKeyHandle;
  }

  private static Converted convertUncached(Key key) throws InvalidKeyException {
    String alg = key.getAlgorithm();
    if (alg == null) {
      throw new InvalidKeyException(new ProviderException("Key algorithm should not be null"));
    }
    if (!alg.contains("PSS") && !alg.contains("RSA")) {
      throw new InvalidKeyException(new ProviderException("Unsupported algorithm " + alg));
    }
    AlgorithmParameterSpec params = key instanceof RSAKey rk ? rk.getParams() : null;
    if (key instanceof RSAPublicKey pub) {
      return new Converted(publicMaterial(pub.getModulus(), pub.getPublicExponent()), params);
    }
    if (key instanceof RSAPrivateCrtKey crt) {
      return new Converted(crtMaterial(crt.getModulus(), crt.getPublicExponent(), crt.getPrivateExponent(),
          crt.getPrimeP(), crt.getPrimeQ(), crt.getPrimeExponentP(), crt.getPrimeExponentQ(),
          crt.getCrtCoefficient()), params);
    }
    if (key instanceof RSAMultiPrimePrivateCrtKey mp) {
      checkKeyLengths(mp.getModulus().bitLength(), mp.getPublicExponent());
      return new Converted(RsaKeyMaterial.ofPrivate(mp.getModulus(), mp.getPublicExponent(),
          mp.getPrivateExponent(), true), params);
    }
    if (key instanceof RSAPrivateKey priv) {
      checkKeyLengths(priv.getModulus().bitLength(), null);
      return new Converted(RsaKeyMaterial.ofPrivate(priv.getModulus(), null, priv.getPrivateExponent(), false),
          params);
    }
    if (key instanceof PublicKey) {
      if (!"X.509".equalsIgnoreCase(key.getFormat())) {
        throw new InvalidKeyException("Unsupported key format " + key.getFormat());
      }
      return parseX509(key.getEncoded());
    }
    if (key instanceof PrivateKey) {
      if (!"PKCS#8".equalsIgnoreCase(key.getFormat())) {
        throw new InvalidKeyException("Unsupported key format " + key.getFormat());
      }
      byte[] encoded = key.getEncoded();
      try {
        return parsePkcs8(encoded);
      } finally {
        if (encoded != null) {
          java.util.Arrays.fill(encoded, (byte) 0);
        }
      }
    }
    throw new InvalidKeyException("Neither a public nor a private key");
  }

  private static RsaKeyMaterial publicMaterial(BigInteger n, BigInteger e) throws InvalidKeyException {
    checkKeyLengths(n.bitLength(), e);
    // RSAPublicKeyImpl.checkExponentRange
    if (e.compareTo(n) >= 0) {
      throw new InvalidKeyException("exponent is larger than modulus");
    }
    if (e.compareTo(THREE) < 0) {
      throw new InvalidKeyException("exponent is smaller than 3");
    }
    return RsaKeyMaterial.ofPublic(n, e);
  }

  private static RsaKeyMaterial crtMaterial(BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q,
      BigInteger dp, BigInteger dq, BigInteger qinv) throws InvalidKeyException {
    if (e == null || p == null || q == null || dp == null || dq == null || qinv == null
        || e.signum() == 0 || p.signum() == 0 || q.signum() == 0 || dp.signum() == 0 || dq.signum() == 0
        || qinv.signum() == 0) {
      // SunRsaSign treats a CRT key with missing parts as a plain private-exponent key.
      checkKeyLengths(n.bitLength(), null);
      return RsaKeyMaterial.ofPrivate(n, null, d, false);
    }
    checkKeyLengths(n.bitLength(), e);
    return RsaKeyMaterial.ofCrt(n, e, d, p, q, dp, dq, qinv);
  }

  /**
   * SunRsaSign's {@code RSAKeyFactory.checkRSAProviderKeyLengths}: the modulus length rounded up to
   * a multiple of 8 must lie in [512, 16384]; exponent at most 64 bits above 3072-bit moduli.
   */
  public static void checkKeyLengths(int modulusBits, BigInteger e) throws InvalidKeyException {
    int len = (modulusBits + 7) & ~7;
    if (len < MIN_MODULUS_BITS) {
      throw new InvalidKeyException("RSA keys must be at least " + MIN_MODULUS_BITS + " bits long");
    }
    if (len > MAX_MODULUS_BITS) {
      throw new InvalidKeyException("RSA keys must be no longer than " + MAX_MODULUS_BITS + " bits");
    }
    if (e != null && len > MAX_MODULUS_BITS_UNRESTRICTED_EXP && e.bitLength() > MAX_RESTRICTED_EXP_BITS
        && !"false".equalsIgnoreCase(System.getProperty("sun.security.rsa.restrictRSAExponent", "true"))) {
      throw new InvalidKeyException("RSA exponents can be no longer than " + MAX_RESTRICTED_EXP_BITS
          + " bits  if modulus is greater than " + MAX_MODULUS_BITS_UNRESTRICTED_EXP + " bits");
    }
  }

  /** SubjectPublicKeyInfo (RFC 5280 4.1) holding an RSAPublicKey (RFC 8017 A.1.1). */
  private static Converted parseX509(byte[] encoded) throws InvalidKeyException {
    if (encoded == null) {
      throw new InvalidKeyException("Missing key encoding");
    }
    try {
      Der.Reader top = new Der.Reader(encoded);
      Der.Reader spki = top.next(Der.SEQUENCE).contents();
      top.expectEnd();
      AlgorithmParameterSpec params = parseAlgId(spki.next(Der.SEQUENCE));
      Der.Value bits = spki.next(Der.BIT_STRING);
      spki.expectEnd();
      if (bits.length() < 1 || bits.buf()[bits.start()] != 0) {
        throw new IOException("Invalid BIT STRING");
      }
      Der.Reader keyTop = new Der.Reader(bits.buf(), bits.start() + 1, bits.end());
      Der.Reader rsa = keyTop.next(Der.SEQUENCE).contents();
      keyTop.expectEnd();
      BigInteger n = rsa.next().integerValue();
      BigInteger e = rsa.next().integerValue();
      rsa.expectEnd();
      return new Converted(publicMaterial(n, e), params);
    } catch (IOException e) {
      throw new InvalidKeyException("Invalid RSA public key", e);
    }
  }

  /** PrivateKeyInfo (RFC 5208) holding an RSAPrivateKey (RFC 8017 A.1.2), version 0 or 1. */
  private static Converted parsePkcs8(byte[] encoded) throws InvalidKeyException {
    if (encoded == null) {
      throw new InvalidKeyException("Missing key encoding");
    }
    try {
      Der.Reader top = new Der.Reader(encoded);
      Der.Reader pki = top.next(Der.SEQUENCE).contents();
      top.expectEnd();
      BigInteger version = pki.next().integerValue();
      if (version.signum() != 0 && !version.equals(BigInteger.ONE)) {
        throw new IOException("Unsupported PKCS#8 version");
      }
      AlgorithmParameterSpec params = parseAlgId(pki.next(Der.SEQUENCE));
      Der.Value octets = pki.next(Der.OCTET_STRING);
      Der.Reader keyTop = new Der.Reader(octets.buf(), octets.start(), octets.end());
      Der.Reader rsa = keyTop.next(Der.SEQUENCE).contents();
      keyTop.expectEnd();
      BigInteger v = rsa.next().integerValue();
      BigInteger[] f = new BigInteger[8];
      for (int i = 0; i < 8; i++) {
        f[i] = rsa.next().integerValue();
      }
      if (v.equals(BigInteger.ONE)) {
        // RFC 8017 A.1.2: version 1 (multi) carries otherPrimeInfos; never treat as two-prime CRT.
        if (!rsa.hasMore()) {
          throw new IOException("multi-prime key without otherPrimeInfos");
        }
        checkKeyLengths(f[0].bitLength(), f[1]);
        return new Converted(RsaKeyMaterial.ofPrivate(f[0], f[1], f[2], true), params);
      }
      if (v.signum() != 0) {
        throw new IOException("Version must be 0 or 1");
      }
      rsa.expectEnd();
      return new Converted(crtMaterial(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]), params);
    } catch (IOException e) {
      throw new InvalidKeyException("Invalid RSA private key", e);
    }
  }

  private static AlgorithmParameterSpec parseAlgId(Der.Value algId) throws IOException {
    Der.Reader r = algId.contents();
    String oid = r.next(Der.OID).oidValue();
    if (RSA_OID.equals(oid)) {
      if (r.hasMore()) {
        r.next(Der.NULL);
      }
      r.expectEnd();
      return null;
    }
    if (PSS_OID.equals(oid)) {
      if (!r.hasMore()) {
        return null;
      }
      Der.Value p = r.next();
      r.expectEnd();
      return PssParams.decode(java.util.Arrays.copyOfRange(p.buf(), p.start() - headerLen(p), p.end()));
    }
    throw new IOException("Not an RSA key: " + oid);
  }

  private static int headerLen(Der.Value v) {
    int len = v.length();
    return 2 + (len < 0x80 ? 0 : len < 0x100 ? 1 : len < 0x10000 ? 2 : 3);
  }
}

package dev.accel.soft;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.DeviceException;
import dev.accel.engine.Engine;
import dev.accel.engine.IncrementalDigest;
import dev.accel.engine.Op;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.RSAPublicKeySpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.DestroyFailedException;

/**
 * The JDK's own providers as an engine: SunJCE {@code AES/GCM/NoPadding}, SUN {@code
 * MessageDigest} and SunJCE {@code RSA/ECB/NoPadding}. It serves as the {@code jdk} software tier,
 * and as the cpu device's in-process kernels (the JIT's AES-GCM and SHA intrinsics, which no
 * downcall beats for small messages).
 *
 * <p>Cost: the target is at most 1.05x calling the JDK directly, so nothing is looked up per
 * request. Each thread keeps one SunJCE GCM cipher, one SunJCE RSA cipher and one digest per
 * algorithm (JCA lookups cost microseconds); each key keeps its {@link SecretKeySpec} or JDK key
 * objects; results go straight into the caller's array (SunJCE's GCM decryption checks the tag
 * before it writes any plaintext). SunJCE's per-instance IV-reuse guard is not Accel's rule (the
 * SPI enforces the JCA rule per Cipher): when the thread's cipher refuses a key and IV because its
 * previous encryption used them, it is re-initialised once with a throw-away IV first.
 *
 * <p>RSA private-key operations run in SunJCE's sign mode (a private key in {@code
 * ENCRYPT_MODE}): RSACore then blinds and verifies the CRT result with the public exponent before
 * releasing it, exactly as SunRsaSign's signatures do. (Decrypt mode does not verify: a faulty CRT
 * key there yields a result that factors n.)
 */
public final class JdkTier implements Engine {
  private static final String SUNJCE = "SunJCE";
  private static final String SUN = "SUN";
  private static final String SUNRSASIGN = "SunRsaSign";
  private static final DigestAlgorithm[] DIGESTS = DigestAlgorithm.values();
  private static final MessageDigest[] PROTOTYPES = new MessageDigest[DIGESTS.length];

  static {
    for (DigestAlgorithm a : DIGESTS) {
      try {
        PROTOTYPES[a.ordinal()] = MessageDigest.getInstance(a.jcaName(), SUN);
      } catch (GeneralSecurityException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  private final String name;

  /** This thread's JDK objects (see the class comment). */
  private static final class PerThread {
    Cipher gcm;
    Cipher rsa;
    byte[] scratch = new byte[1024];
    final MessageDigest[] digests = new MessageDigest[DIGESTS.length];
  }

  private static final ThreadLocal<PerThread> THREAD = ThreadLocal.withInitial(PerThread::new);

  /** @param name {@code jdk} as a software tier; the kernel label inside the cpu device */
  public JdkTier(String name) {
    this.name = name;
  }

  public JdkTier() {
    this("jdk");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isSoftware() {
    return true;
  }

  @Override
  public boolean inline() {
    return true;
  }

  /** SunJCE's GCM takes tags of 96..128 bits only (JCA-CONTRACT.md); BC-style shorter tags go elsewhere. */
  @Override
  public boolean supports(Op op) {
    return switch (op) {
      case Op.GcmSeal s -> s.tagLenBytes() >= 12;
      case Op.GcmOpen o -> o.tagLenBytes() >= 12;
      case Op.Digest d -> true;
      case Op.RsaPrivate r -> true;
      case Op.RsaPublic r -> true;
    };
  }

  /** SunJCE's RSACore blinds and, in sign mode, verifies every CRT result. */
  @Override
  public boolean protectsRsa() {
    return true;
  }

  @Override
  public int run(Op op) throws DeviceException, AEADBadTagException {
    return switch (op) {
      case Op.GcmSeal s -> gcmSeal(s);
      case Op.GcmOpen o -> gcmOpen(o);
      case Op.Digest d -> digest(d);
      case Op.RsaPrivate r -> rsaPrivate(r);
      case Op.RsaPublic r -> rsaPublic(r);
    };
  }

  // ---- AES-GCM ------------------------------------------------------------------------------

  /** The key as SunJCE takes it, built once per key; destroyed with the key material. */
  private record JdkAesKey(SecretKeySpec spec) implements AutoCloseable {
    @Override
    public void close() {
      try {
        spec.destroy();
      } catch (DestroyFailedException ignored) {
        // SecretKeySpec wipes its copy on destroy; older versions cannot, nothing more to do
      }
    }
  }

  private SecretKeySpec spec(AesKeyMaterial key) {
    JdkAesKey k = key.cached(this);
    if (k == null) {
      k = key.derived(this, m -> new JdkAesKey(new SecretKeySpec(m.rawKey(), "AES")));
    }
    return k.spec();
  }

  private Cipher gcmCipher(int mode, AesKeyMaterial key, byte[] iv, int tagLenBytes) {
    PerThread t = THREAD.get();
    try {
      if (t.gcm == null) {
        t.gcm = Cipher.getInstance("AES/GCM/NoPadding", SUNJCE);
      }
      SecretKeySpec spec = spec(key);
      GCMParameterSpec params = new GCMParameterSpec(tagLenBytes * 8, iv);
      try {
        t.gcm.init(mode, spec, params);
      } catch (InvalidAlgorithmParameterException reuse) {
        // SunJCE: "Cannot reuse iv for GCM encryption" compares with this thread's previous
        // encryption, possibly another caller's. A throw-away IV resets that memory.
        t.gcm.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
        t.gcm.init(mode, spec, params);
      }
      return t.gcm;
    } catch (GeneralSecurityException e) {
      t.gcm = null;
      throw new ProviderException("SunJCE AES/GCM refused a validated request", e);
    }
  }

  private int gcmSeal(Op.GcmSeal s) {
    Cipher c = gcmCipher(Cipher.ENCRYPT_MODE, s.key(), s.iv(), s.tagLenBytes());
    try {
      if (s.aadLen() > 0) {
        c.updateAAD(s.aad(), s.aadOff(), s.aadLen());
      }
      // SunJCE handles an output that overlaps the input (it copies the input first).
      return c.doFinal(s.in(), s.inOff(), s.inLen(), s.out(), s.outOff());
    } catch (GeneralSecurityException e) {
      THREAD.get().gcm = null;
      throw new ProviderException("SunJCE AES/GCM encryption failed", e);
    }
  }

  private int gcmOpen(Op.GcmOpen o) throws AEADBadTagException {
    Cipher c = gcmCipher(Cipher.DECRYPT_MODE, o.key(), o.iv(), o.tagLenBytes());
    try {
      if (o.aadLen() > 0) {
        c.updateAAD(o.aad(), o.aadOff(), o.aadLen());
      }
      // SunJCE decrypts and authenticates in one pass and zeroes its output on a mismatch; the
      // JCA contract here is an untouched output (JCA-CONTRACT.md), so the plaintext is staged
      // and copied out only once the tag verified.
      int n = o.dataLen();
      byte[] tmp = scratch(n);
      try {
        int got = c.doFinal(o.in(), o.inOff(), o.inLen(), tmp, 0);
        System.arraycopy(tmp, 0, o.out(), o.outOff(), got);
        return got;
      } finally {
        java.util.Arrays.fill(tmp, 0, n, (byte) 0);
      }
    } catch (AEADBadTagException e) {
      throw new AEADBadTagException("Tag mismatch");
    } catch (GeneralSecurityException e) {
      THREAD.get().gcm = null;
      throw new ProviderException("SunJCE AES/GCM decryption failed", e);
    }
  }

  /**
   * Staged plaintext up to this size stays with the thread (wiped after each open); larger opens
   * stage in a fresh array. 1 MiB, as the cpu device's own staging: a fresh array per large open is
   * a G1 humongous allocation each time (milliseconds per 1 MiB open, docs/benchmarks.md).
   */
  private static final int SCRATCH_KEEP_BYTES = 1 << 20;

  private static byte[] scratch(int n) {
    if (n > SCRATCH_KEEP_BYTES) {
      return new byte[n];
    }
    PerThread t = THREAD.get();
    if (t.scratch.length < n) {
      t.scratch = new byte[Math.min(SCRATCH_KEEP_BYTES, Math.max(n, 2 * t.scratch.length))];
    }
    return t.scratch;
  }

  // ---- SHA-2 --------------------------------------------------------------------------------

  private static MessageDigest threadDigest(DigestAlgorithm alg) {
    PerThread t = THREAD.get();
    MessageDigest md = t.digests[alg.ordinal()];
    if (md == null) {
      md = clonePrototype(alg);
      t.digests[alg.ordinal()] = md;
    }
    return md;
  }

  private static MessageDigest clonePrototype(DigestAlgorithm alg) {
    try {
      return (MessageDigest) PROTOTYPES[alg.ordinal()].clone(); // no provider lookup
    } catch (CloneNotSupportedException e) {
      throw new ProviderException(e);
    }
  }

  private static int digest(Op.Digest d) {
    MessageDigest md = threadDigest(d.alg());
    try {
      md.update(d.in(), d.off(), d.len());
      return md.digest(d.out(), d.outOff(), d.alg().digestLenBytes());
    } catch (DigestException e) {
      md.reset();
      throw new ProviderException(e);
    }
  }

  /** A streaming SUN digest (the JIT's SHA intrinsics), for digests of unknown length. */
  @Override
  public IncrementalDigest newDigest(DigestAlgorithm alg) {
    return new JdkDigest(alg, clonePrototype(alg));
  }

  @Override
  public java.security.MessageDigestSpi jvmDigestSpi(DigestAlgorithm alg) {
    try {
      // The SPI object itself (sun.security.provider.SHA2$SHA256, ...): Service.newInstance hands
      // it out without the MessageDigest wrapper that getInstance adds.
      return (java.security.MessageDigestSpi)
          PROTOTYPES[alg.ordinal()].getProvider().getService("MessageDigest", alg.jcaName()).newInstance(null);
    } catch (GeneralSecurityException | ClassCastException | NullPointerException e) {
      return null; // another JDK: Accel's own digest class streams into SUN instead
    }
  }

  /** A {@link MessageDigest} as an {@link IncrementalDigest}. */
  static final class JdkDigest implements IncrementalDigest {
    private final DigestAlgorithm alg;
    private final MessageDigest md;

    JdkDigest(DigestAlgorithm alg, MessageDigest md) {
      this.alg = alg;
      this.md = md;
    }

    @Override
    public DigestAlgorithm algorithm() {
      return alg;
    }

    @Override
    public void update(byte input) {
      md.update(input);
    }

    @Override
    public void update(byte[] input, int offset, int len) {
      md.update(input, offset, len);
    }

    @Override
    public void digest(byte[] out, int outOffset) {
      try {
        md.digest(out, outOffset, alg.digestLenBytes());
      } catch (DigestException e) {
        throw new IllegalArgumentException(e);
      }
    }

    @Override
    public void reset() {
      md.reset();
    }

    @Override
    public IncrementalDigest copy() {
      try {
        return new JdkDigest(alg, (MessageDigest) md.clone());
      } catch (CloneNotSupportedException e) {
        throw new ProviderException(e);
      }
    }
  }

  // ---- RSA ----------------------------------------------------------------------------------

  /** JDK key objects built once per key (SunRsaSign validates keys when it builds them). */
  private record JdkRsaKeys(PrivateKey priv, PublicKey pub) implements AutoCloseable {
    @Override
    public void close() {}
  }

  private JdkRsaKeys keys(RsaKeyMaterial key) {
    JdkRsaKeys cached = key.cached(this);
    if (cached != null) {
      return cached;
    }
    return key.derived(
        this,
        k -> {
          try {
            KeyFactory kf = KeyFactory.getInstance("RSA", SUNRSASIGN);
            PrivateKey priv = null;
            if (k.hasCrt()) {
              priv =
                  kf.generatePrivate(
                      new RSAPrivateCrtKeySpec(
                          k.modulus(), k.publicExponent(), k.privateExponent(), k.p(), k.q(), k.dp(), k.dq(), k.qinv()));
            } else if (k.isPrivate()) {
              // Non-CRT and multi-prime keys: SunRsaSign exponentiates with d (and blinds).
              priv = kf.generatePrivate(new RSAPrivateKeySpec(k.modulus(), k.privateExponent()));
            }
            PublicKey pub =
                k.publicExponent() == null
                    ? null
                    : kf.generatePublic(new RSAPublicKeySpec(k.modulus(), k.publicExponent()));
            return new JdkRsaKeys(priv, pub);
          } catch (GeneralSecurityException e) {
            throw new ProviderException("SunRsaSign rejected the key", e);
          }
        });
  }

  /**
   * Raw RSA through SunJCE's NoPadding cipher into {@code out} (exactly k bytes, leading zeros kept).
   *
   * @throws DeviceException DEVICE_ERROR when RSACore's check of a CRT result failed
   */
  private static int rawRsa(int mode, java.security.Key key, byte[] input, byte[] out) throws DeviceException {
    PerThread t = THREAD.get();
    try {
      if (t.rsa == null) {
        t.rsa = Cipher.getInstance("RSA/ECB/NoPadding", SUNJCE);
      }
      t.rsa.init(mode, key);
      byte[] r = t.rsa.doFinal(input);
      int k = out.length;
      // SunJCE strips nothing for NoPadding but may return fewer bytes than k: left-pad.
      java.util.Arrays.fill(out, 0, Math.max(0, k - r.length), (byte) 0);
      System.arraycopy(r, Math.max(0, r.length - k), out, Math.max(0, k - r.length), Math.min(k, r.length));
      java.util.Arrays.fill(r, (byte) 0);
      return k;
    } catch (BadPaddingException e) {
      // RSACore: "RSA private key operation failed" - its CRT result check failed.
      throw new DeviceException(DeviceException.Reason.FAULTY_RESULT, 0, "SunJCE RSA: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      t.rsa = null;
      throw new ProviderException("SunJCE RSA/ECB/NoPadding failed", e);
    }
  }

  private int rsaPrivate(Op.RsaPrivate r) throws DeviceException {
    // ENCRYPT_MODE with a private key is RSACipher's sign mode: RSACore.rsa(.., verify = true).
    return rawRsa(Cipher.ENCRYPT_MODE, keys(r.key()).priv(), r.input(), r.out());
  }

  private int rsaPublic(Op.RsaPublic r) throws DeviceException {
    return rawRsa(Cipher.ENCRYPT_MODE, keys(r.key()).pub(), r.input(), r.out());
  }
}

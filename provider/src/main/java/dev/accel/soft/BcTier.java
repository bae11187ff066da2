package dev.accel.soft;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.DeviceException;
import dev.accel.engine.Engine;
import dev.accel.engine.IncrementalDigest;
import dev.accel.engine.Op;
import java.math.BigInteger;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.ExtendedDigest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.digests.SHA512tDigest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.util.Memoable;

/**
 * The default software tier: Bouncy Castle's lightweight API. This is the only class in Accel that
 * imports {@code org.bouncycastle}.
 *
 * <p>AES-GCM runs through one {@link GCMBlockCipher} per thread, re-initialised per request: BC's
 * GCM multiplier precomputes a 4 KiB table from H = AES_K(0^128) and skips that work when the key
 * did not change, which is what BC's own JCE {@code Cipher} gets across {@code init} calls; a
 * fresh instance per request recomputed it every time (5x slower than BC at 16 bytes). BC's
 * nonce-reuse guard works per instance and is not Accel's rule (the SPI enforces the JCA rule), so
 * a request it refuses runs on a fresh instance. The thread's instance holds the last key's
 * schedule until its next request, as BC's own {@code Cipher} does until it is dropped.
 * Decryption writes into a per-thread scratch buffer and copies to the caller only after BC
 * verified the tag; encryption writes straight into the caller's buffer unless it aliases the
 * input. RSA private-key operations blind the
 * input explicitly ({@link RsaMath}) around {@link RSAEngine}, which uses CRT for two-prime CRT
 * keys and the private exponent otherwise.
 */
public final class BcTier implements Engine {

  @Override
  public String name() {
    return "bc";
  }

  /** Bouncy Castle's own JCA provider (a new instance), for side-by-side comparisons ({@code accel speed}). */
  public static java.security.Provider jcaProvider() {
    return new org.bouncycastle.jce.provider.BouncyCastleProvider();
  }

  @Override
  public boolean isSoftware() {
    return true;
  }

  @Override
  public boolean inline() {
    return true;
  }

  @Override
  public boolean supports(Op op) {
    return true;
  }

  /** Blinds explicitly ({@link RsaMath}); BC's RSA core checks every CRT result before returning it. */
  @Override
  public boolean protectsRsa() {
    return true;
  }

  @Override
  public int run(Op op) throws DeviceException, AEADBadTagException {
    return switch (op) {
      case Op.GcmSeal s -> gcmSeal(s.key(), s.iv(), s.tagLenBytes(), s.aad(), s.aadOff(), s.aadLen(), s.in(), s.inOff(), s.inLen(), s.out(), s.outOff());
      case Op.GcmOpen o -> gcmOpen(o.key(), o.iv(), o.tagLenBytes(), o.aad(), o.aadOff(), o.aadLen(), o.in(), o.inOff(), o.inLen(), o.out(), o.outOff());
      case Op.Digest d -> digest(d.alg(), d.in(), d.off(), d.len(), d.out(), d.outOff());
      case Op.RsaPrivate r -> copyOut(rsaPrivate(r.key(), r.input()), r.out());
      case Op.RsaPublic r -> copyOut(rsaPublic(r.key(), r.input()), r.out());
    };
  }

  private static int copyOut(byte[] result, byte[] out) {
    System.arraycopy(result, 0, out, 0, out.length);
    Arrays.fill(result, (byte) 0);
    return out.length;
  }

  /** This thread's GCM instance and scratch buffer (see the class comment). */
  private static final class GcmSlot {
    GCMModeCipher cipher;
    byte[] scratch = new byte[1024];
  }

  private static final ThreadLocal<GcmSlot> GCM = ThreadLocal.withInitial(GcmSlot::new);

  /** Scratch arrays up to this size stay with the thread; larger ones are per request. */
  private static final int SCRATCH_KEEP_BYTES = 64 * 1024;

  private static byte[] scratch(int n) {
    if (n > SCRATCH_KEEP_BYTES) {
      return new byte[n];
    }
    GcmSlot slot = GCM.get();
    if (slot.scratch.length < n) {
      slot.scratch = new byte[Math.max(n, slot.scratch.length * 2)];
    }
    return slot.scratch;
  }

  private static GCMModeCipher gcm(
      boolean encrypt, AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen) {
    GcmSlot slot = GCM.get();
    // KeyParameter copies the key; it is garbage after this call (BC offers no wipe).
    AEADParameters params = new AEADParameters(new KeyParameter(key.rawKey()), tagLenBytes * 8, iv);
    GCMModeCipher c = slot.cipher;
    if (c == null) {
      c = GCMBlockCipher.newInstance(AESEngine.newInstance());
      slot.cipher = c;
    }
    try {
      c.init(encrypt, params);
    } catch (IllegalArgumentException nonceReuse) {
      // BC's per-instance guard ("cannot reuse nonce for GCM encryption"), or a bad parameter,
      // which a fresh instance rejects again with the same exception.
      c = GCMBlockCipher.newInstance(AESEngine.newInstance());
      slot.cipher = c;
      c.init(encrypt, params);
    }
    if (aadLen > 0) {
      c.processAADBytes(aad, aadOff, aadLen);
    }
    return c;
  }

  private static int gcmSeal(
      AesKeyMaterial key,
      byte[] iv,
      int tagLenBytes,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff) {
    GCMModeCipher c = gcm(true, key, iv, tagLenBytes, aad, aadOff, aadLen);
    try {
      if (in != out) {
        int n = c.processBytes(in, inOff, inLen, out, outOff);
        return n + c.doFinal(out, outOff + n);
      }
      // The same array: a scratch buffer makes in-place and overlapping output safe.
      int total = inLen + tagLenBytes;
      byte[] tmp = scratch(total);
      try {
        int n = c.processBytes(in, inOff, inLen, tmp, 0);
        n += c.doFinal(tmp, n);
        System.arraycopy(tmp, 0, out, outOff, n);
        return n;
      } finally {
        Arrays.fill(tmp, 0, total, (byte) 0);
      }
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("GCM encryption failed", e); // not reachable when encrypting
    }
  }

  private static int gcmOpen(
      AesKeyMaterial key,
      byte[] iv,
      int tagLenBytes,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff)
      throws AEADBadTagException {
    GCMModeCipher c = gcm(false, key, iv, tagLenBytes, aad, aadOff, aadLen);
    byte[] tmp = scratch(inLen); // BC may stage up to a block more than the plaintext
    try {
      int n = c.processBytes(in, inOff, inLen, tmp, 0);
      n += c.doFinal(tmp, n); // verifies the tag in constant time
      System.arraycopy(tmp, 0, out, outOff, n);
      return n;
    } catch (InvalidCipherTextException e) {
      throw new AEADBadTagException("Tag mismatch");
    } finally {
      Arrays.fill(tmp, 0, inLen, (byte) 0);
    }
  }

  private static ExtendedDigest newBcDigest(DigestAlgorithm alg) {
    return switch (alg) {
      case SHA1 -> new SHA1Digest();
      case SHA224 -> new SHA224Digest();
      case SHA256 -> new SHA256Digest();
      case SHA384 -> new SHA384Digest();
      case SHA512 -> new SHA512Digest();
      case SHA512_224 -> new SHA512tDigest(224);
      case SHA512_256 -> new SHA512tDigest(256);
    };
  }

  private static int digest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff) {
    ExtendedDigest d = newBcDigest(alg);
    d.update(in, off, len);
    return d.doFinal(out, outOff);
  }

  /** A streaming BC digest. */
  @Override
  public IncrementalDigest newDigest(DigestAlgorithm alg) {
    return new BcDigest(alg, newBcDigest(alg));
  }

  private static final class BcDigest implements IncrementalDigest {
    private final DigestAlgorithm alg;
    private final ExtendedDigest d;

    BcDigest(DigestAlgorithm alg, ExtendedDigest d) {
      this.alg = alg;
      this.d = d;
    }

    @Override
    public DigestAlgorithm algorithm() {
      return alg;
    }

    @Override
    public void update(byte input) {
      d.update(input);
    }

    @Override
    public void update(byte[] input, int offset, int len) {
      d.update(input, offset, len);
    }

    @Override
    public void digest(byte[] out, int outOffset) {
      d.doFinal(out, outOffset); // BC resets after doFinal
    }

    @Override
    public void reset() {
      d.reset();
    }

    @Override
    public IncrementalDigest copy() {
      return new BcDigest(alg, (ExtendedDigest) ((Memoable) d).copy());
    }
  }

  /** BC key parameters cached per key (RSAKeyParameters validates the modulus when built). */
  private record BcRsaKeys(RSAKeyParameters priv) implements AutoCloseable {
    @Override
    public void close() {
      if (priv != null) {
        priv.destroy();
      }
    }
  }

  private BcRsaKeys keys(RsaKeyMaterial key) {
    return key.derived(
        this,
        k -> {
          RSAKeyParameters priv = null;
          if (k.hasCrt()) {
            priv =
                new RSAPrivateCrtKeyParameters(
                    k.modulus(), k.publicExponent(), k.privateExponent(), k.p(), k.q(), k.dp(), k.dq(), k.qinv());
          } else if (k.isPrivate()) {
            // Non-CRT and multi-prime keys: the private exponent d works for any number of primes.
            priv = new RSAKeyParameters(true, k.modulus(), k.privateExponent());
          }
          return new BcRsaKeys(priv);
        });
  }

  private byte[] rsaPrivate(RsaKeyMaterial key, byte[] input) throws DeviceException {
    BigInteger n = key.modulus();
    int k = key.modulusBytes();
    RsaMath.Blinding b = RsaMath.newBlinding(key);
    byte[] blinded = RsaMath.i2osp(b.blind(RsaMath.os2ip(input), n), k);
    RSAEngine engine = new RSAEngine();
    try {
      engine.init(false, keys(key).priv());
      byte[] raw = engine.processBlock(blinded, 0, k);
      return RsaMath.i2osp(b.unblind(RsaMath.os2ip(raw), n), k);
    } catch (IllegalStateException e) {
      // "RSA engine faulty decryption/signing detected": BC's check of the CRT result failed.
      throw new DeviceException(DeviceException.Reason.FAULTY_RESULT, 0, "bc: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      // BC's key validation refused a key the JCA layer accepted (e.g. an even modulus).
      throw new DeviceException(DeviceException.Reason.REJECTED, 0, "bc: " + e.getMessage());
    }
  }

  /**
   * RSAEP / RSAVP1 is one public exponentiation; it is computed with {@link BigInteger} rather
   * than BC's engine, whose key validation refuses public keys SunRsaSign accepts (an even or
   * small-factor modulus): such a key must get the JDK's answer (a failed verification), not an
   * exception. BC computes the same {@code modPow}.
   */
  private static byte[] rsaPublic(RsaKeyMaterial key, byte[] input) {
    return RsaMath.i2osp(RsaMath.publicOp(key, RsaMath.os2ip(input)), key.modulusBytes());
  }
}

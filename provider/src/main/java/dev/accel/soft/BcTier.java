package dev.accel.soft;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.router.IncrementalDigest;
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
public final class BcTier implements SoftwareTier {

  @Override
  public String name() {
    return "bc";
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

  @Override
  public int gcmSeal(
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

  @Override
  public int gcmOpen(
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

  @Override
  public void digest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff) {
    ExtendedDigest d = newBcDigest(alg);
    d.update(in, off, len);
    d.doFinal(out, outOff);
  }

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
  private record BcRsaKeys(RSAKeyParameters priv, RSAKeyParameters pub) implements AutoCloseable {
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
          RSAKeyParameters pub =
              k.publicExponent() == null ? null : new RSAKeyParameters(false, k.modulus(), k.publicExponent());
          return new BcRsaKeys(priv, pub);
        });
  }

  @Override
  public byte[] rsaPrivate(RsaKeyMaterial key, byte[] input) {
    BigInteger n = key.modulus();
    int k = key.modulusBytes();
    RsaMath.Blinding b = RsaMath.newBlinding(key);
    byte[] blinded = RsaMath.i2osp(b.blind(RsaMath.os2ip(input), n), k);
    RSAEngine engine = new RSAEngine();
    engine.init(false, keys(key).priv());
    byte[] raw = engine.processBlock(blinded, 0, k);
    return RsaMath.i2osp(b.unblind(RsaMath.os2ip(raw), n), k);
  }

  @Override
  public byte[] rsaPublic(RsaKeyMaterial key, byte[] input) {
    RSAEngine engine = new RSAEngine();
    engine.init(true, keys(key).pub());
    byte[] raw = engine.processBlock(input, 0, input.length);
    return RsaMath.i2osp(RsaMath.os2ip(raw), key.modulusBytes());
  }
}

package dev.accel.soft;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.router.IncrementalDigest;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.DestroyFailedException;

/**
 * The JDK's own providers as the software tier: SunJCE {@code AES/GCM/NoPadding} (a fresh
 * instance per request, so SunJCE's per-instance IV-reuse guard never fires on Accel's behalf),
 * SUN {@code MessageDigest}, and SunJCE {@code RSA/ECB/NoPadding}, whose private-key operations
 * blind and verify CRT results themselves (sun.security.rsa.RSACore).
 */
public final class JdkTier implements SoftwareTier {
  private static final String SUNJCE = "SunJCE";
  private static final String SUN = "SUN";
  private static final String SUNRSASIGN = "SunRsaSign";

  @Override
  public String name() {
    return "jdk";
  }

  private static int gcm(
      int mode,
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
    SecretKeySpec spec = new SecretKeySpec(key.rawKey(), "AES");
    int outLen = mode == Cipher.ENCRYPT_MODE ? inLen + tagLenBytes : inLen - tagLenBytes;
    byte[] tmp = new byte[Math.max(outLen, 0)];
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding", SUNJCE);
      c.init(mode, spec, new GCMParameterSpec(tagLenBytes * 8, iv));
      if (aadLen > 0) {
        c.updateAAD(aad, aadOff, aadLen);
      }
      int n = c.doFinal(in, inOff, inLen, tmp, 0);
      System.arraycopy(tmp, 0, out, outOff, n);
      return n;
    } catch (AEADBadTagException e) {
      throw new AEADBadTagException("Tag mismatch");
    } catch (GeneralSecurityException e) {
      throw new ProviderException("SunJCE AES/GCM failed", e);
    } finally {
      Arrays.fill(tmp, (byte) 0);
      try {
        spec.destroy();
      } catch (DestroyFailedException ignored) {
        // Older SecretKeySpec versions cannot wipe themselves; nothing more to do.
      }
    }
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
    try {
      return gcm(Cipher.ENCRYPT_MODE, key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff);
    } catch (AEADBadTagException e) {
      throw new ProviderException(e); // not reachable when encrypting
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
    return gcm(Cipher.DECRYPT_MODE, key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff);
  }

  private static MessageDigest md(DigestAlgorithm alg) {
    try {
      return MessageDigest.getInstance(alg.jcaName(), SUN);
    } catch (GeneralSecurityException e) {
      throw new ProviderException("SUN " + alg.jcaName() + " unavailable", e);
    }
  }

  @Override
  public void digest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff) {
    MessageDigest md = md(alg);
    md.update(in, off, len);
    try {
      md.digest(out, outOff, alg.digestLenBytes());
    } catch (DigestException e) {
      throw new ProviderException(e);
    }
  }

  @Override
  public IncrementalDigest newDigest(DigestAlgorithm alg) {
    return new JdkDigest(alg, md(alg));
  }

  /** A {@link MessageDigest} (SUN or any other JCA digest) as an {@link IncrementalDigest}. */
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

  /** JDK key objects built once per key (SunRsaSign validates keys when it builds them). */
  private record JdkRsaKeys(PrivateKey priv, PublicKey pub) implements AutoCloseable {
    @Override
    public void close() {}
  }

  private JdkRsaKeys keys(RsaKeyMaterial key) {
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

  private static byte[] rawRsa(int mode, java.security.Key key, byte[] input, int k) {
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/NoPadding", SUNJCE);
      c.init(mode, key);
      return RsaMath.i2osp(RsaMath.os2ip(c.doFinal(input)), k);
    } catch (GeneralSecurityException e) {
      throw new ProviderException("SunJCE RSA/ECB/NoPadding failed", e);
    }
  }

  @Override
  public byte[] rsaPrivate(RsaKeyMaterial key, byte[] input) {
    return rawRsa(Cipher.DECRYPT_MODE, keys(key).priv(), input, key.modulusBytes());
  }

  @Override
  public byte[] rsaPublic(RsaKeyMaterial key, byte[] input) {
    return rawRsa(Cipher.ENCRYPT_MODE, keys(key).pub(), input, key.modulusBytes());
  }
}

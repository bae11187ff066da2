package dev.accel.spi;

import dev.accel.AccelProvider;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.engine.IncrementalDigest;
import dev.accel.router.Router;
import dev.accel.rsa.EmsaPkcs1;
import dev.accel.rsa.RsaKeys;
import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.BadPaddingException;

/**
 * RSASSA-PKCS1-v1_5 signatures (RFC 8017 section 8.2) with EMSA-PKCS1-v1_5 (section 9.2). The
 * hash and the raw RSA operation go through the {@link Router}; behaviour, exception types and
 * messages follow SunRsaSign's {@code RSASignature}.
 *
 * <p>Accepts any provider's RSA keys and Accel's device-resident handle.
 */
public abstract class RsaSignature extends SignatureSpi {
  private final Router router;
  private final DigestAlgorithm digestAlg;
  private final IncrementalDigest digest;
  private boolean digestReset = true; // true when the digest holds no data
  private RsaKeyMaterial signKey; // non-null after initSign
  private RsaKeyMaterial verifyKey; // non-null after initVerify
  private final byte[] hash; // the digest of the message, reused by every sign/verify
  private byte[] em = new byte[0]; // EM of the signing key's length, reused; zeroed after each use

  protected RsaSignature(Router router, DigestAlgorithm digestAlg) {
    this.router = router;
    this.digestAlg = digestAlg;
    this.digest = router.newDigest(digestAlg);
    this.hash = new byte[digestAlg.digestLenBytes()];
  }

  @Override
  protected final void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
    RsaKeys.Converted c = RsaKeys.convert(publicKey);
    if (c.isPrivate()) {
      throw new InvalidKeyException("key must be RSAPublicKey");
    }
    initCommon(c);
    this.verifyKey = c.material();
    this.signKey = null;
  }

  @Override
  protected final void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
    engineInitSign(privateKey, null);
  }

  @Override
  protected final void engineInitSign(PrivateKey privateKey, SecureRandom random) throws InvalidKeyException {
    RsaKeys.Converted c = RsaKeys.convert(privateKey);
    if (!c.isPrivate()) {
      throw new InvalidKeyException("key must be RSAPrivateKey");
    }
    initCommon(c);
    this.signKey = c.material();
    this.verifyKey = null;
  }

  private void initCommon(RsaKeys.Converted c) throws InvalidKeyException {
    if (c.params() != null) {
      // An RSASSA-PSS key restricted by parameters cannot make PKCS#1 v1.5 signatures.
      throw new InvalidKeyException("Invalid key for RSA signatures",
          new ProviderException("null params expected for RSA"));
    }
    resetDigest();
    int k = c.material().modulusBytes();
    if (k < 64) {
      throw new InvalidKeyException("Padded size must be at least 64");
    }
    // RFC 8017 section 9.2 step 3: emLen >= tLen + 11.
    if (EmsaPkcs1.digestInfoLength(digestAlg) > k - 11) {
      throw new InvalidKeyException("Key is too short for this signature algorithm");
    }
  }

  private void resetDigest() {
    if (!digestReset) {
      digest.reset();
      digestReset = true;
    }
  }

  /** Finishes the digest into {@link #hash} (the digest is reset for the next message). */
  private void digestValue() {
    digestReset = true;
    digest.digest(hash, 0);
  }

  @Override
  protected final void engineUpdate(byte b) {
    digest.update(b);
    digestReset = false;
  }

  @Override
  protected final void engineUpdate(byte[] b, int off, int len) {
    digest.update(b, off, len);
    digestReset = false;
  }

  @Override
  protected final void engineUpdate(ByteBuffer input) {
    int len = input.remaining();
    if (len <= 0) {
      return;
    }
    if (input.hasArray()) {
      int pos = input.position();
      digest.update(input.array(), input.arrayOffset() + pos, len);
      input.position(pos + len);
    } else {
      byte[] chunk = new byte[Math.min(len, 4096)];
      while (input.hasRemaining()) {
        int n = Math.min(chunk.length, input.remaining());
        input.get(chunk, 0, n);
        digest.update(chunk, 0, n);
      }
    }
    digestReset = false;
  }

  @Override
  protected final byte[] engineSign() throws SignatureException {
    if (signKey == null) {
      throw new SignatureException("Missing private key");
    }
    digestValue();
    int k = signKey.modulusBytes();
    if (em.length != k) {
      em = new byte[k]; // once per key size: the buffer is reused by every signature
    }
    try {
      if (!EmsaPkcs1.encodeInto(digestAlg, hash, em)) {
        throw new SignatureException("Could not sign data");
      }
      return router.rsaPrivate(signKey, em); // RSASP1, RFC 8017 section 8.2.1 step 2
    } catch (BadPaddingException e) {
      throw new SignatureException("Could not sign data", e);
    } finally {
      // The router reads em synchronously (the device copies it); nothing keeps it after return.
      Arrays.fill(em, (byte) 0);
      Arrays.fill(hash, (byte) 0);
    }
  }

  @Override
  protected final boolean engineVerify(byte[] sigBytes) throws SignatureException {
    if (verifyKey == null) {
      throw new SignatureException("Missing public key");
    }
    try {
      int k = verifyKey.modulusBytes();
      // RFC 8017 section 8.2.2 step 1: length checking.
      if (sigBytes.length != k) {
        throw new SignatureException("Bad signature length: got " + sigBytes.length
            + " but was expecting " + k);
      }
      byte[] em = router.rsaPublic(verifyKey, sigBytes); // RSAVP1, step 2
      digestValue();
      return EmsaPkcs1.verify(digestAlg, hash, em); // steps 3-4
    } catch (BadPaddingException e) {
      return false; // signature representative out of range (step 2b)
    } finally {
      resetDigest();
    }
  }

  @Deprecated
  @Override
  protected final void engineSetParameter(String param, Object value) throws InvalidParameterException {
    throw new UnsupportedOperationException("setParameter() not supported");
  }

  @Override
  protected final void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
    if (params != null) {
      throw new InvalidAlgorithmParameterException("No parameters accepted");
    }
  }

  @Deprecated
  @Override
  protected final Object engineGetParameter(String param) throws InvalidParameterException {
    throw new UnsupportedOperationException("getParameter() not supported");
  }

  @Override
  protected final AlgorithmParameters engineGetParameters() {
    return null;
  }

  public static final class Sha1 extends RsaSignature {
    public Sha1(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA1);
    }
  }

  public static final class Sha224 extends RsaSignature {
    public Sha224(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA224);
    }
  }

  public static final class Sha256 extends RsaSignature {
    public Sha256(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA256);
    }
  }

  public static final class Sha384 extends RsaSignature {
    public Sha384(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA384);
    }
  }

  public static final class Sha512 extends RsaSignature {
    public Sha512(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA512);
    }
  }

  public static final class Sha512_224 extends RsaSignature {
    public Sha512_224(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA512_224);
    }
  }

  public static final class Sha512_256 extends RsaSignature {
    public Sha512_256(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA512_256);
    }
  }
}

package dev.accel.spi;

import dev.accel.AccelProvider;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.engine.IncrementalDigest;
import dev.accel.router.Router;
import dev.accel.rsa.EmsaPss;
import dev.accel.rsa.PssParams;
import dev.accel.rsa.RsaKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import javax.crypto.BadPaddingException;

/**
 * RSASSA-PSS (RFC 8017 section 8.1) with EMSA-PSS and MGF1 (section 9.1), parameters from {@link
 * PSSParameterSpec}. "RSASSA-PSS" follows SunRsaSign's {@code RSAPSSSignature} (parameters are
 * required before use; exception types and messages as SunRsaSign). The nested {@code
 * ...withRSAandMGF1} classes are Bouncy Castle's fixed-parameter aliases: hash = MGF1 hash = the
 * named hash, salt length = hash length, trailer field 1; like BC they accept a new
 * PSSParameterSpec only when it keeps both hashes (salt length may change).
 */
public class RsaPssSignature extends SignatureSpi {
  private final Router router;
  private final DigestAlgorithm fixedDigest; // non-null for the ...withRSAandMGF1 aliases
  private PSSParameterSpec sigParams; // required before update/sign/verify
  private DigestAlgorithm digestAlg; // from sigParams
  private DigestAlgorithm mgfDigestAlg; // from sigParams
  private IncrementalDigest digest; // hashes the message, then M'
  private IncrementalDigest mgfDigest;
  private boolean digestReset = true; // true when the digest holds no message data
  private RsaKeyMaterial signKey;
  private RsaKeyMaterial verifyKey;
  private RSAKey keyObject; // the key passed to init, for its PSS parameters
  private SecureRandom random;
  private byte[] block = new byte[0]; // the k-byte RSASP1 input, reused; zeroed after each use
  private byte[] salt = new byte[0]; // salt scratch, reused; zeroed after each use

  public RsaPssSignature(AccelProvider provider) {
    this.router = provider.router();
    this.fixedDigest = null;
  }

  protected RsaPssSignature(Router router, DigestAlgorithm fixed) {
    this.router = router;
    this.fixedDigest = fixed;
    try {
      apply(new PSSParameterSpec(fixed.jcaName(), "MGF1", PssParams.mgf1Spec(fixed), fixed.digestLenBytes(),
          PSSParameterSpec.TRAILER_FIELD_BC));
    } catch (InvalidAlgorithmParameterException e) {
      throw new ProviderException(e);
    }
  }

  // ---- keys ----------------------------------------------------------------------------------

  @Override
  protected final void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
    if (!(publicKey instanceof RSAPublicKey rsa)) {
      throw new InvalidKeyException("key must be RSAPublicKey");
    }
    RsaKeys.Converted c = RsaKeys.convert(rsa);
    checkKey(rsa, c);
    verifyKey = c.material();
    signKey = null;
    keyObject = rsa;
    resetDigest();
  }

  @Override
  protected final void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
    engineInitSign(privateKey, null);
  }

  @Override
  protected final void engineInitSign(PrivateKey privateKey, SecureRandom random) throws InvalidKeyException {
    if (!(privateKey instanceof RSAPrivateKey) && !RsaKeys.isDeviceHandle(privateKey)) {
      throw new InvalidKeyException("key must be RSAPrivateKey");
    }
    if (privateKey instanceof RSAPrivateCrtKey crt && !crtComplete(crt)) {
      throw new InvalidKeyException("Some of the CRT-specific components are not available");
    }
    RsaKeys.Converted c = RsaKeys.convert(privateKey);
    if (!c.isPrivate()) {
      throw new InvalidKeyException("key must be RSAPrivateKey");
    }
    RSAKey rsa = (RSAKey) privateKey;
    checkKey(rsa, c);
    signKey = c.material();
    verifyKey = null;
    keyObject = rsa;
    this.random = random != null ? random : new SecureRandom();
    resetDigest();
  }

  private static boolean crtComplete(RSAPrivateCrtKey k) {
    return k.getPublicExponent().signum() != 0 && k.getPrimeExponentP().signum() != 0
        && k.getPrimeExponentQ().signum() != 0 && k.getPrimeP().signum() != 0 && k.getPrimeQ().signum() != 0
        && k.getCrtCoefficient().signum() != 0;
  }

  /** SunRsaSign's isValid: key parameters compatible with the signature's, key long enough. */
  private void checkKey(RSAKey rsa, RsaKeys.Converted c) throws InvalidKeyException {
    if (!isCompatible(rsa.getParams(), sigParams)) {
      throw new InvalidKeyException("Key contains incompatible PSS parameter values");
    }
    if (sigParams != null) {
      checkKeyLength(c.material().modulusBits(), digestAlg.digestLenBytes(), sigParams.getSaltLength());
    }
  }

  /** RFC 8017 section 9.1.1 step 3: emLen >= hLen + sLen + 2 (SunRsaSign checks k >= that). */
  private static void checkKeyLength(int modulusBits, int hLen, int sLen) throws InvalidKeyException {
    int k = (modulusBits + 7) >> 3;
    int min = Math.addExact(Math.addExact(hLen, sLen), 2);
    if (k < min) {
      throw new InvalidKeyException("Key is too short, need min " + min + " bytes");
    }
  }

  /**
   * A key restricted to PSS parameters (RFC 4055 section 3.1) accepts the same hashes, MGF and
   * trailer, and a salt at least as long as the key's.
   */
  private static boolean isCompatible(AlgorithmParameterSpec keyParams, PSSParameterSpec sig) {
    if (keyParams == null) {
      return true;
    }
    if (!(keyParams instanceof PSSParameterSpec k)) {
      return false;
    }
    if (sig == null) {
      return true;
    }
    if (k.getSaltLength() > sig.getSaltLength()) {
      return false;
    }
    try {
      PSSParameterSpec k2 = new PSSParameterSpec(k.getDigestAlgorithm(), k.getMGFAlgorithm(), k.getMGFParameters(),
          sig.getSaltLength(), k.getTrailerField());
      return Arrays.equals(PssParams.encode(k2), PssParams.encode(sig));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  // ---- parameters ----------------------------------------------------------------------------

  @Override
  protected final void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
    if (fixedDigest != null) {
      if (params == null) {
        return; // Bouncy Castle ignores null for the fixed-parameter aliases
      }
      if (!(params instanceof PSSParameterSpec p)) {
        throw new InvalidAlgorithmParameterException("Only PSSParameterSpec supported");
      }
      if (PssParams.digestOf(p.getDigestAlgorithm()) != fixedDigest) {
        throw new InvalidAlgorithmParameterException("parameter must be using " + fixedDigest.jcaName());
      }
      if (!"MGF1".equalsIgnoreCase(p.getMGFAlgorithm())
          || !(p.getMGFParameters() instanceof MGF1ParameterSpec m)
          || PssParams.digestOf(m.getDigestAlgorithm()) != fixedDigest) {
        throw new InvalidAlgorithmParameterException(
            "digest algorithm for MGF should be the same as for PSS parameters.");
      }
      if (p.getTrailerField() != PSSParameterSpec.TRAILER_FIELD_BC) {
        throw new InvalidAlgorithmParameterException("unknown trailer field");
      }
    }
    PSSParameterSpec p = validate(params);
    if (p == sigParams) {
      return;
    }
    if (!digestReset) {
      throw new ProviderException("Cannot set parameters during operations");
    }
    apply(p);
  }

  private PSSParameterSpec validate(AlgorithmParameterSpec p) throws InvalidAlgorithmParameterException {
    if (p == null) {
      throw new InvalidAlgorithmParameterException("Parameters cannot be null");
    }
    if (!(p instanceof PSSParameterSpec params)) {
      throw new InvalidAlgorithmParameterException("parameters must be type PSSParameterSpec");
    }
    if (params == sigParams) {
      return params;
    }
    RSAKey key = keyObject;
    if (key != null && !isCompatible(key.getParams(), params)) {
      throw new InvalidAlgorithmParameterException("Signature parameters does not match key parameters");
    }
    if (!params.getMGFAlgorithm().equalsIgnoreCase("MGF1")) {
      throw new InvalidAlgorithmParameterException("Only supports MGF1");
    }
    if (params.getTrailerField() != PSSParameterSpec.TRAILER_FIELD_BC) {
      throw new InvalidAlgorithmParameterException("Only supports TrailerFieldBC(1)");
    }
    DigestAlgorithm d = PssParams.digestOf(params.getDigestAlgorithm());
    if (d == null) {
      throw new InvalidAlgorithmParameterException("Unsupported digest algorithm " + params.getDigestAlgorithm());
    }
    AlgorithmParameterSpec mgfSpec = params.getMGFParameters();
    if (mgfSpec != null && !(mgfSpec instanceof MGF1ParameterSpec)) {
      throw new InvalidAlgorithmParameterException("Inappropriate mgf parameters; MGF1ParameterSpec only");
    }
    if (mgfSpec != null && PssParams.digestOf(((MGF1ParameterSpec) mgfSpec).getDigestAlgorithm()) == null) {
      throw new InvalidAlgorithmParameterException(
          "Unsupported MGF1 digest algorithm " + ((MGF1ParameterSpec) mgfSpec).getDigestAlgorithm());
    }
    if (key != null) {
      try {
        checkKeyLength(key.getModulus().bitLength(), d.digestLenBytes(), params.getSaltLength());
      } catch (InvalidKeyException e) {
        throw new InvalidAlgorithmParameterException(e);
      }
    }
    return params;
  }

  private void apply(PSSParameterSpec p) throws InvalidAlgorithmParameterException {
    DigestAlgorithm d = PssParams.digestOf(p.getDigestAlgorithm());
    if (d == null) {
      throw new InvalidAlgorithmParameterException("Unsupported digest algorithm " + p.getDigestAlgorithm());
    }
    // SunRsaSign: without MGF1 parameters MGF1 uses the message hash.
    DigestAlgorithm m = p.getMGFParameters() instanceof MGF1ParameterSpec mgf
        ? PssParams.digestOf(mgf.getDigestAlgorithm()) : d;
    this.sigParams = p;
    if (digest == null || digestAlg != d) {
      digest = router.newDigest(d);
    }
    if (mgfDigest == null || mgfDigestAlg != m) {
      mgfDigest = router.newDigest(m);
    }
    this.digestAlg = d;
    this.mgfDigestAlg = m;
    digestReset = true;
  }

  @Override
  protected final AlgorithmParameters engineGetParameters() {
    if (sigParams == null) {
      return null;
    }
    try {
      AlgorithmParameters ap = AlgorithmParameters.getInstance("RSASSA-PSS");
      ap.init(sigParams);
      return ap;
    } catch (GeneralSecurityException e) {
      throw new ProviderException(e.getMessage());
    }
  }

  @Deprecated
  @Override
  protected final void engineSetParameter(String param, Object value) throws InvalidParameterException {
    throw new UnsupportedOperationException("setParameter() not supported");
  }

  @Deprecated
  @Override
  protected final Object engineGetParameter(String param) throws InvalidParameterException {
    throw new UnsupportedOperationException("getParameter() not supported");
  }

  // ---- data ----------------------------------------------------------------------------------

  private void ensureInit() throws SignatureException {
    if (signKey == null && verifyKey == null) {
      throw new SignatureException("Missing key");
    }
    if (sigParams == null) {
      throw new SignatureException("Parameters required for RSASSA-PSS signatures");
    }
  }

  private void resetDigest() {
    if (!digestReset && digest != null) {
      digest.reset();
    }
    digestReset = true;
  }

  @Override
  protected final void engineUpdate(byte b) throws SignatureException {
    ensureInit();
    digest.update(b);
    digestReset = false;
  }

  @Override
  protected final void engineUpdate(byte[] b, int off, int len) throws SignatureException {
    ensureInit();
    digest.update(b, off, len);
    digestReset = false;
  }

  @Override
  protected final void engineUpdate(ByteBuffer input) {
    try {
      ensureInit();
    } catch (SignatureException e) {
      throw new RuntimeException(e.getMessage()); // as SunRsaSign
    }
    int len = input.remaining();
    if (len <= 0) {
      return;
    }
    byte[] chunk = new byte[Math.min(len, 4096)];
    while (input.hasRemaining()) {
      int n = Math.min(chunk.length, input.remaining());
      input.get(chunk, 0, n);
      digest.update(chunk, 0, n);
    }
    digestReset = false;
  }

  @Override
  protected final byte[] engineSign() throws SignatureException {
    ensureInit();
    if (signKey == null) {
      throw new SignatureException("Missing private key"); // JCA's Signature state check comes first
    }
    byte[] mHash = digest.digest();
    digestReset = true;
    int modBits = signKey.modulusBits();
    int k = signKey.modulusBytes();
    int sLen = sigParams.getSaltLength();
    if (block.length != k) {
      block = new byte[k]; // once per key size: reused by every signature, zeroed after each
    }
    if (salt.length != sLen) {
      salt = new byte[sLen];
    }
    try {
      // RFC 8017 section 8.1.1 step 1: EM = EMSA-PSS-ENCODE(M, modBits - 1), right-aligned in the
      // k-byte block (EM is one byte shorter when modBits - 1 is a multiple of 8).
      int emLen = (modBits - 1 + 7) / 8;
      EmsaPss.encodeInto(mHash, modBits - 1, sLen, digest, mgfDigest, random, block, k - emLen, salt);
      return router.rsaPrivate(signKey, block); // step 2: RSASP1
    } catch (BadPaddingException | IllegalArgumentException e) {
      throw new SignatureException("Could not sign data", e);
    } finally {
      Arrays.fill(block, (byte) 0);
    }
  }

  @Override
  protected final boolean engineVerify(byte[] sigBytes) throws SignatureException {
    ensureInit();
    if (verifyKey == null) {
      throw new SignatureException("Missing public key");
    }
    try {
      int k = verifyKey.modulusBytes();
      if (sigBytes.length != k) { // RFC 8017 section 8.1.2 step 1
        throw new SignatureException("Signature length not correct: got " + sigBytes.length
            + " but was expecting " + k);
      }
      byte[] mHash = digest.digest();
      digestReset = true;
      byte[] m = router.rsaPublic(verifyKey, sigBytes); // step 2: RSAVP1
      return EmsaPss.verify(mHash, m, verifyKey.modulusBits() - 1, sigParams.getSaltLength(), digest, mgfDigest);
    } catch (BadPaddingException e) {
      return false;
    } finally {
      resetDigest();
    }
  }

  // ---- Bouncy Castle-style fixed-parameter aliases ---------------------------------------------

  public static final class Sha1AndMgf1 extends RsaPssSignature {
    public Sha1AndMgf1(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA1);
    }
  }

  public static final class Sha224AndMgf1 extends RsaPssSignature {
    public Sha224AndMgf1(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA224);
    }
  }

  public static final class Sha256AndMgf1 extends RsaPssSignature {
    public Sha256AndMgf1(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA256);
    }
  }

  public static final class Sha384AndMgf1 extends RsaPssSignature {
    public Sha384AndMgf1(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA384);
    }
  }

  public static final class Sha512AndMgf1 extends RsaPssSignature {
    public Sha512AndMgf1(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA512);
    }
  }

  public static final class Sha512_224AndMgf1 extends RsaPssSignature {
    public Sha512_224AndMgf1(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA512_224);
    }
  }

  public static final class Sha512_256AndMgf1 extends RsaPssSignature {
    public Sha512_256AndMgf1(AccelProvider p) {
      super(p.router(), DigestAlgorithm.SHA512_256);
    }
  }
}

package dev.accel.spi;

import dev.accel.AccelProvider;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.router.Router;
import dev.accel.rsa.Oaep;
import dev.accel.rsa.Pkcs1Padding;
import dev.accel.rsa.PssParams;
import dev.accel.rsa.RsaKeys;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.InvalidParameterSpecException;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cipher "RSA" (mode ECB only; paddings NoPadding, PKCS1Padding, OAEPPadding and
 * OAEPWith&lt;digest&gt;AndMGF1Padding), behaving like SunJCE's {@code RSACipher}: RSAES-PKCS1-v1_5
 * (RFC 8017 section 7.2), RSAES-OAEP (section 7.1), raw RSA; private-key encryption and public-key
 * decryption with PKCS#1 block type 1; the same buffer limits, exception types and messages.
 *
 * <p>As in the JDK, OAEPWith&lt;digest&gt;AndMGF1Padding without an {@link OAEPParameterSpec}
 * hashes the label with &lt;digest&gt; and uses SHA-1 in MGF1.
 *
 * <p>Decryption padding checks are branch-free and every padding failure is the same {@link
 * BadPaddingException} with the same message, so nothing beyond SunJCE's behaviour is observable.
 */
public final class RsaCipher extends CipherSpi {
  private static final byte[] B0 = new byte[0];

  private enum Mode {
    ENCRYPT, // public key, RSAEP
    DECRYPT, // private key, RSADP
    SIGN, // private key "encryption", PKCS#1 block type 1
    VERIFY // public key "decryption", PKCS#1 block type 1
  }

  private enum Padding {
    NONE,
    PKCS1,
    OAEP
  }

  private final Router router;
  private Padding padding = Padding.PKCS1; // SunJCE's default
  private String oaepHashName = "SHA-1"; // from OAEPWith<digest>AndMGF1Padding
  private Mode mode; // null until init
  private RsaKeyMaterial key;
  private OAEPParameterSpec oaepSpec; // after init with OAEP
  private Oaep oaep; // after init with OAEP
  private byte[] buffer; // input collected until doFinal; length = max input
  private int bufOfs; // > buffer.length once too much input was given
  private int outputSize; // k after init
  private SecureRandom random;

  public RsaCipher(AccelProvider provider) {
    this.router = provider.router();
  }

  @Override
  protected void engineSetMode(String mode) throws NoSuchAlgorithmException {
    if (!mode.equalsIgnoreCase("ECB")) {
      throw new NoSuchAlgorithmException("Unsupported mode " + mode);
    }
  }

  @Override
  protected void engineSetPadding(String paddingName) throws NoSuchPaddingException {
    if (paddingName.equalsIgnoreCase("NoPadding")) {
      padding = Padding.NONE;
    } else if (paddingName.equalsIgnoreCase("PKCS1Padding")) {
      padding = Padding.PKCS1;
    } else {
      String lower = paddingName.toLowerCase(Locale.ENGLISH);
      if (lower.equals("oaeppadding")) {
        padding = Padding.OAEP;
      } else if (lower.startsWith("oaepwith") && lower.endsWith("andmgf1padding")) {
        String hash = paddingName.substring(8, paddingName.length() - 14);
        if (PssParams.digestOf(hash) == null) {
          throw new NoSuchPaddingException("MessageDigest not available for " + paddingName);
        }
        padding = Padding.OAEP;
        oaepHashName = hash;
      } else {
        throw new NoSuchPaddingException("Padding " + paddingName + " not supported");
      }
    }
  }

  @Override
  protected int engineGetBlockSize() {
    return 0;
  }

  @Override
  protected int engineGetOutputSize(int inputLen) {
    return outputSize;
  }

  @Override
  protected byte[] engineGetIV() {
    return null;
  }

  @Override
  protected AlgorithmParameters engineGetParameters() {
    if (oaepSpec == null) {
      return null;
    }
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("OAEP");
      params.init(oaepSpec);
      return params;
    } catch (NoSuchAlgorithmException e) {
      throw new RuntimeException("Cannot find OAEP AlgorithmParameters implementation");
    } catch (InvalidParameterSpecException e) {
      throw new RuntimeException("OAEPParameterSpec not supported");
    }
  }

  @Override
  protected void engineInit(int opmode, Key key, SecureRandom random) throws InvalidKeyException {
    try {
      init(opmode, key, random, null);
    } catch (InvalidAlgorithmParameterException e) {
      throw new InvalidKeyException("Wrong parameters", e);
    }
  }

  @Override
  protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    init(opmode, key, random, params);
  }

  @Override
  protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (params == null) {
      init(opmode, key, random, null);
      return;
    }
    OAEPParameterSpec spec;
    try {
      spec = params.getParameterSpec(OAEPParameterSpec.class);
    } catch (InvalidParameterSpecException e) {
      throw new InvalidAlgorithmParameterException("Wrong parameter", e);
    }
    init(opmode, key, random, spec);
  }

  private void init(int opmode, Key k, SecureRandom random, AlgorithmParameterSpec params)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    boolean encrypt = switch (opmode) {
      case Cipher.ENCRYPT_MODE, Cipher.WRAP_MODE -> true;
      case Cipher.DECRYPT_MODE, Cipher.UNWRAP_MODE -> false;
      default -> throw new AssertionError("Unknown mode: " + opmode);
    };
    RsaKeys.Converted c = RsaKeys.convert(k);
    Mode newMode = c.isPrivate() ? (encrypt ? Mode.SIGN : Mode.DECRYPT) : (encrypt ? Mode.ENCRYPT : Mode.VERIFY);
    int n = c.material().modulusBytes();
    if (n < 64) {
      throw new InvalidKeyException("Padded size must be at least 64");
    }
    OAEPParameterSpec newSpec = null;
    Oaep newOaep = null;
    int bufLen;
    switch (padding) {
      case NONE -> {
        if (params != null) {
          throw new InvalidAlgorithmParameterException("Parameters not supported");
        }
        bufLen = n;
      }
      case PKCS1 -> {
        if (params != null) {
          // SunJCE also accepts its internal TlsRsaPremasterSecretParameterSpec; Accel cannot
          // (see docs/differences.md), JCA then falls through to SunJCE.
          throw new InvalidAlgorithmParameterException("Parameters not supported");
        }
        bufLen = encrypt ? Pkcs1Padding.maxDataBytes(n) : n;
      }
      default -> {
        if (newMode == Mode.SIGN || newMode == Mode.VERIFY) {
          throw new InvalidKeyException("OAEP cannot be used to sign or verify signatures");
        }
        if (params != null) {
          if (!(params instanceof OAEPParameterSpec o)) {
            throw new InvalidAlgorithmParameterException("Wrong Parameters for OAEP Padding");
          }
          newSpec = o;
        } else {
          newSpec = new OAEPParameterSpec(oaepHashName, "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT);
        }
        newOaep = oaepFor(newSpec, n);
        bufLen = encrypt ? newOaep.maxDataBytes() : n;
      }
    }
    this.mode = newMode;
    this.key = c.material();
    this.oaepSpec = newSpec;
    this.oaep = newOaep;
    this.outputSize = n;
    this.random = random;
    if (buffer != null) {
      Arrays.fill(buffer, (byte) 0);
    }
    this.buffer = new byte[bufLen];
    this.bufOfs = 0;
  }

  /** SunJCE's RSAPadding OAEP checks, in its order and with its exception types. */
  private Oaep oaepFor(OAEPParameterSpec spec, int n) throws InvalidKeyException, InvalidAlgorithmParameterException {
    String mdName = spec.getDigestAlgorithm();
    String mgfName = spec.getMGFAlgorithm();
    if (!mgfName.equalsIgnoreCase("MGF1")) {
      throw new InvalidAlgorithmParameterException("Unsupported MGF algo: " + mgfName);
    }
    if (!(spec.getMGFParameters() instanceof MGF1ParameterSpec mgfSpec)) {
      throw new InvalidAlgorithmParameterException("Wrong MGF1 parameters");
    }
    PSource pSrc = spec.getPSource();
    if (!pSrc.getAlgorithm().equalsIgnoreCase("PSpecified")) {
      throw new InvalidAlgorithmParameterException("Unsupported pSource algo: " + pSrc.getAlgorithm());
    }
    byte[] label = ((PSource.PSpecified) pSrc).getValue();
    DigestAlgorithm md = PssParams.digestOf(mdName);
    DigestAlgorithm mgfMd = PssParams.digestOf(mgfSpec.getDigestAlgorithm());
    if (md == null || mgfMd == null) {
      throw new InvalidKeyException("Digest not available");
    }
    if (Oaep.maxDataBytes(n, md.digestLenBytes()) <= 0) {
      throw new InvalidKeyException("Key is too short for encryption using OAEPPadding with " + mdName
          + " and MGF1" + mgfSpec.getDigestAlgorithm());
    }
    return new Oaep(n, router.newDigest(md), label, router.newDigest(mgfMd));
  }

  private void update(byte[] in, int inOfs, int inLen) {
    if (inLen == 0 || in == null) {
      return;
    }
    if (inLen > buffer.length - bufOfs) {
      bufOfs = buffer.length + 1; // remembered until doFinal throws
      return;
    }
    System.arraycopy(in, inOfs, buffer, bufOfs, inLen);
    bufOfs += inLen;
  }

  /** Left-pads {@code buffer[0..bufOfs)} to k bytes (OS2IP of a shorter string is the same). */
  private byte[] block() {
    byte[] b = new byte[outputSize];
    System.arraycopy(buffer, 0, b, outputSize - bufOfs, bufOfs);
    return b;
  }

  private SecureRandom random() {
    if (random == null) {
      random = new SecureRandom();
    }
    return random;
  }

  private byte[] doFinal() throws BadPaddingException, IllegalBlockSizeException {
    if (bufOfs > buffer.length) {
      throw new IllegalBlockSizeException("Data must not be longer than " + buffer.length + " bytes");
    }
    byte[] in = null;
    byte[] raw = null;
    byte[] result = null;
    try {
      switch (mode) {
        case ENCRYPT -> {
          in = switch (padding) {
            case NONE -> block();
            case PKCS1 -> Pkcs1Padding.pad(Pkcs1Padding.BLOCK_TYPE_2, buffer, 0, bufOfs, outputSize, random());
            case OAEP -> oaep.encode(buffer, 0, bufOfs, random());
          };
          result = router.rsaPublic(key, in); // RSAEP, RFC 8017 section 5.1.1
        }
        case SIGN -> {
          in = padding == Padding.NONE
              ? block()
              : Pkcs1Padding.pad(Pkcs1Padding.BLOCK_TYPE_1, buffer, 0, bufOfs, outputSize, random());
          result = router.rsaPrivate(key, in);
        }
        case DECRYPT -> {
          in = block();
          raw = router.rsaPrivate(key, in); // RSADP, RFC 8017 section 5.1.2
          result = switch (padding) {
            case NONE -> raw;
            case PKCS1 -> Pkcs1Padding.unpad(Pkcs1Padding.BLOCK_TYPE_2, raw);
            case OAEP -> oaep.decode(raw);
          };
          if (result == null) {
            throw new BadPaddingException("Padding error in decryption");
          }
        }
        case VERIFY -> {
          in = block();
          raw = router.rsaPublic(key, in);
          result = padding == Padding.NONE ? raw : Pkcs1Padding.unpad(Pkcs1Padding.BLOCK_TYPE_1, raw);
          if (result == null) {
            throw new BadPaddingException("Padding error in verification");
          }
        }
      }
      return result;
    } finally {
      Arrays.fill(buffer, 0, bufOfs, (byte) 0);
      bufOfs = 0;
      if (in != null) {
        Arrays.fill(in, (byte) 0);
      }
      if (raw != null && raw != result) {
        Arrays.fill(raw, (byte) 0);
      }
    }
  }

  private void checkInitialised() {
    if (mode == null) {
      throw new IllegalStateException("Cipher not initialized");
    }
  }

  @Override
  protected byte[] engineUpdate(byte[] in, int inOfs, int inLen) {
    checkInitialised();
    update(in, inOfs, inLen);
    return B0;
  }

  @Override
  protected int engineUpdate(byte[] in, int inOfs, int inLen, byte[] out, int outOfs) {
    checkInitialised();
    update(in, inOfs, inLen);
    return 0;
  }

  @Override
  protected byte[] engineDoFinal(byte[] in, int inOfs, int inLen)
      throws BadPaddingException, IllegalBlockSizeException {
    checkInitialised();
    update(in, inOfs, inLen);
    return doFinal();
  }

  @Override
  protected int engineDoFinal(byte[] in, int inOfs, int inLen, byte[] out, int outOfs)
      throws ShortBufferException, BadPaddingException, IllegalBlockSizeException {
    checkInitialised();
    if (outputSize > out.length - outOfs) {
      throw new ShortBufferException("Need " + outputSize + " bytes for output");
    }
    update(in, inOfs, inLen);
    byte[] result = doFinal();
    int n = result.length;
    System.arraycopy(result, 0, out, outOfs, n);
    Arrays.fill(result, (byte) 0);
    return n;
  }

  @Override
  protected byte[] engineWrap(Key keyToWrap) throws InvalidKeyException, IllegalBlockSizeException {
    checkInitialised();
    byte[] encoded = keyToWrap.getEncoded();
    if (encoded == null || encoded.length == 0) {
      throw new InvalidKeyException("Could not obtain encoded key");
    }
    try {
      if (encoded.length > buffer.length) {
        throw new InvalidKeyException("Key is too long for wrapping");
      }
      update(encoded, 0, encoded.length);
      try {
        return doFinal();
      } catch (BadPaddingException e) {
        throw new InvalidKeyException("Wrapping failed", e);
      }
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
  }

  @Override
  protected Key engineUnwrap(byte[] wrappedKey, String algorithm, int type)
      throws InvalidKeyException, NoSuchAlgorithmException {
    checkInitialised();
    if (wrappedKey.length > buffer.length) {
      throw new InvalidKeyException("Key is too long for unwrapping");
    }
    if (algorithm.equals("TlsRsaPremasterSecret")) {
      throw new IllegalStateException("No TlsRsaPremasterSecretParameterSpec specified");
    }
    update(wrappedKey, 0, wrappedKey.length);
    byte[] encoded = null;
    try {
      encoded = doFinal();
      return constructKey(encoded, algorithm, type);
    } catch (BadPaddingException | IllegalBlockSizeException e) {
      throw new InvalidKeyException("Unwrapping failed", e);
    } finally {
      if (encoded != null) {
        Arrays.fill(encoded, (byte) 0);
      }
    }
  }

  /** SunJCE's ConstructKeys. */
  private static Key constructKey(byte[] encoded, String algorithm, int type)
      throws InvalidKeyException, NoSuchAlgorithmException {
    switch (type) {
      case Cipher.SECRET_KEY:
        return new SecretKeySpec(encoded, algorithm);
      case Cipher.PUBLIC_KEY:
        try {
          return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(encoded));
        } catch (NoSuchAlgorithmException e) {
          throw new NoSuchAlgorithmException("No installed providers can create keys for the " + algorithm
              + "algorithm");
        } catch (InvalidKeySpecException e) {
          throw new InvalidKeyException("Cannot construct public key", e);
        }
      case Cipher.PRIVATE_KEY:
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(encoded));
        } catch (NoSuchAlgorithmException e) {
          throw new NoSuchAlgorithmException("No installed providers can create keys for the " + algorithm
              + "algorithm");
        } catch (InvalidKeySpecException e) {
          throw new InvalidKeyException("Cannot construct private key", e);
        }
      default:
        throw new NoSuchAlgorithmException("Unsupported key type");
    }
  }

  @Override
  protected int engineGetKeySize(Key k) throws InvalidKeyException {
    return RsaKeys.convert(k).material().modulusBits();
  }
}

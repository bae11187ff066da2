package dev.accel.spi;

import dev.accel.AccelProvider;
import dev.accel.core.AesKeyMaterial;
import dev.accel.engine.Op;
import dev.accel.router.Router;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.InvalidParameterSpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Destroyable;

/**
 * {@code AES/GCM/NoPadding} (NIST SP 800-38D) with the observable behaviour of SunJCE's {@code
 * GaloisCounterMode}: the same parameter rules, exceptions, output sizes and state after each
 * call, with the intentional differences listed in {@code docs/differences.md}.
 *
 * <p>Both directions buffer the message until {@code doFinal}, so each message reaches the router
 * as one request that a device can take in one shot: encryption {@code update} returns no output,
 * and decryption releases nothing before the tag verified (SP 800-38D section 7.2). A bad tag
 * throws {@link AEADBadTagException} and leaves the output untouched.
 *
 * <p>Key material is cached per {@link Key} object identity: TLS re-initialises the cipher with
 * the same key object for every record, so {@code getEncoded()} is read once per key object and
 * the router's per-key derivatives (device sessions, expanded keys) are reused. A replaced copy is
 * wiped at once; the last one when this cipher becomes unreachable.
 */
public class AesGcmCipher extends CipherSpi {
  private static final int BLOCK_LEN_BYTES = 16;
  private static final int DEFAULT_IV_LEN_BYTES = 12; // SP 800-38D section 8.2: 96-bit IVs
  private static final int DEFAULT_TAG_LEN_BYTES = 16;
  private static final Cleaner CLEANER = Cleaner.create();
  private static final SecureRandom DEFAULT_RANDOM = new SecureRandom();
  private static final byte[] EMPTY = new byte[0];

  private final Router router;
  private final AccelProvider provider;
  private final int fixedKeyLenBytes; // -1: any AES key size; else the only size accepted

  private final KeyCache keys = new KeyCache(); // key material by Key identity; wiped by cleaner

  private boolean initialized; // a successful init happened
  private boolean encrypting; // ENCRYPT_MODE or WRAP_MODE
  private int tagLenBytes = DEFAULT_TAG_LEN_BYTES;
  private byte[] iv; // the IV of the current init (null before the first init)
  private SecureRandom random; // from the last init, for a generated IV in getParameters
  private boolean finishedEncryption; // encryption doFinal done: re-init with a new IV required
  private boolean dataStarted; // update() called since init/doFinal: no more AAD
  private byte[] aad = EMPTY; // AAD since init/doFinal
  private int aadLen;
  private byte[] buf = EMPTY; // message bytes since init/doFinal (plaintext when encrypting)
  private int bufLen;
  private long updatedLen; // bytes given to update(); SunJCE's block-aligned output rule uses it

  /** Accepts AES keys of 16, 24 or 32 bytes. */
  public AesGcmCipher(AccelProvider provider) {
    this(provider, -1);
  }

  @SuppressWarnings("this-escape") // the cleaner action holds the key cache, never the cipher
  protected AesGcmCipher(AccelProvider provider, int fixedKeyLenBytes) {
    this.provider = provider;
    this.router = provider.router();
    this.fixedKeyLenBytes = fixedKeyLenBytes;
    CLEANER.register(this, keys);
  }

  /** {@code AES_128/GCM/NoPadding}. */
  public static final class Aes128 extends AesGcmCipher {
    public Aes128(AccelProvider p) {
      super(p, 16);
    }
  }

  /** {@code AES_192/GCM/NoPadding}. */
  public static final class Aes192 extends AesGcmCipher {
    public Aes192(AccelProvider p) {
      super(p, 24);
    }
  }

  /** {@code AES_256/GCM/NoPadding}. */
  public static final class Aes256 extends AesGcmCipher {
    public Aes256(AccelProvider p) {
      super(p, 32);
    }
  }

  // ---- key cache --------------------------------------------------------------------------------

  /**
   * The key material of the current key object and of the last encryption init (kept for the
   * IV-reuse rule). Doubles as the cleaner action, so it must not reference the cipher.
   */
  private static final class KeyCache implements Runnable {
    Key keyObject; // identity of the key the current material came from
    AesKeyMaterial current;
    AesKeyMaterial lastEncryption; // key of the last encryption init
    byte[] lastEncryptionIv;

    void release(AesKeyMaterial m) {
      if (m != null && m != current && m != lastEncryption) {
        m.destroy();
      }
    }

    @Override
    public void run() {
      if (current != null) {
        current.destroy();
      }
      if (lastEncryption != null) {
        lastEncryption.destroy();
      }
    }
  }

  // ---- mode, padding, sizes ----------------------------------------------------------------------

  @Override
  protected void engineSetMode(String mode) throws NoSuchAlgorithmException {
    if (!mode.equalsIgnoreCase("GCM")) {
      throw new NoSuchAlgorithmException("Mode must be GCM");
    }
  }

  @Override
  protected void engineSetPadding(String padding) throws NoSuchPaddingException {
    if (!padding.equalsIgnoreCase("NoPadding")) {
      throw new NoSuchPaddingException("Padding must be NoPadding");
    }
  }

  @Override
  protected int engineGetBlockSize() {
    return BLOCK_LEN_BYTES;
  }

  /** Exact: everything buffered plus {@code inputLen}, plus the tag (encrypt) or minus it. */
  @Override
  protected int engineGetOutputSize(int inputLen) {
    checkInit();
    if (encrypting) {
      return Math.addExact(Math.addExact(bufLen, inputLen), tagLenBytes);
    }
    return Math.max(bufLen + inputLen - tagLenBytes, 0);
  }

  @Override
  protected int engineGetKeySize(Key key) throws InvalidKeyException {
    byte[] encoded = key.getEncoded();
    Arrays.fill(encoded, (byte) 0);
    if (!validAesKeyLen(encoded.length)) {
      throw new InvalidKeyException("Invalid key length: " + encoded.length + " bytes");
    }
    return Math.multiplyExact(encoded.length, 8);
  }

  /** Like SunJCE's ArrayUtil: ArrayIndexOutOfBoundsException for a bad range, NPE for null. */
  private static void boundsCheck(int off, int len, int arrayLen) {
    if ((off | len) < 0 || len > arrayLen - off) {
      throw new ArrayIndexOutOfBoundsException(
          "Range [" + off + ", " + off + " + " + len + ") out of bounds for length " + arrayLen);
    }
  }

  private static boolean validAesKeyLen(int lenBytes) {
    return lenBytes == 16 || lenBytes == 24 || lenBytes == 32;
  }

  @Override
  protected byte[] engineGetIV() {
    return iv == null ? null : iv.clone();
  }

  private static byte[] createIv(SecureRandom rand) {
    byte[] out = new byte[DEFAULT_IV_LEN_BYTES];
    (rand == null ? DEFAULT_RANDOM : rand).nextBytes(out);
    return out;
  }

  @Override
  protected AlgorithmParameters engineGetParameters() {
    GCMParameterSpec spec =
        new GCMParameterSpec(tagLenBytes * 8, iv == null ? createIv(random) : iv);
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("GCM", provider);
      params.init(spec);
      return params;
    } catch (NoSuchAlgorithmException | InvalidParameterSpecException e) {
      throw new ProviderException(e);
    }
  }

  // ---- init ------------------------------------------------------------------------------------

  @Override
  protected void engineInit(int opmode, Key key, SecureRandom random) throws InvalidKeyException {
    resetMessage();
    if (opmode == Cipher.DECRYPT_MODE || opmode == Cipher.UNWRAP_MODE) {
      throw new InvalidKeyException("No GCMParameterSpec specified");
    }
    try {
      engineInit(opmode, key, (AlgorithmParameterSpec) null, random);
    } catch (InvalidAlgorithmParameterException e) {
      throw new ProviderException("unreachable: no parameters given", e);
    }
  }

  @Override
  protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    this.random = random;
    resetMessage();
    GCMParameterSpec spec;
    if (params == null) {
      // Like SunJCE: a fresh random 96-bit IV and a 128-bit tag (also when decrypting).
      iv = createIv(random);
      spec = new GCMParameterSpec(DEFAULT_TAG_LEN_BYTES * 8, iv);
    } else {
      if (!(params instanceof GCMParameterSpec gps)) {
        throw new InvalidAlgorithmParameterException("AlgorithmParameterSpec not of GCMParameterSpec");
      }
      spec = gps;
      iv = spec.getIV();
      if (iv == null) {
        throw new InvalidAlgorithmParameterException("IV is null");
      }
      if (iv.length == 0) {
        // SP 800-38D section 5.2.1.1: 1 <= len(IV) <= 2^64 - 1 bits.
        throw new InvalidAlgorithmParameterException("IV is empty");
      }
    }
    init(opmode, key, spec);
    initialized = true;
    provider.gcmCalls().init(encrypting);
  }

  @Override
  protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    resetMessage();
    GCMParameterSpec spec = null;
    if (params != null) {
      try {
        spec = params.getParameterSpec(GCMParameterSpec.class);
      } catch (InvalidParameterSpecException e) {
        throw new InvalidAlgorithmParameterException(e);
      }
    }
    engineInit(opmode, key, spec, random);
  }

  private void init(int opmode, Key key, GCMParameterSpec spec)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    boolean encrypt = opmode == Cipher.ENCRYPT_MODE || opmode == Cipher.WRAP_MODE;
    encrypting = encrypt;
    int tagLenBits = spec.getTLen();
    // SP 800-38D section 5.2.1.2 allows 128, 120, 112, 104, 96 (and 64/32 for special uses,
    // which the JDK does not offer).
    if (tagLenBits < 96 || tagLenBits > 128 || (tagLenBits & 0x07) != 0) {
      throw new InvalidAlgorithmParameterException(
          "Unsupported TLen value.  Must be one of {128, 120, 112, 104, 96}");
    }
    tagLenBytes = tagLenBits >> 3;
    if (key == null) {
      throw new InvalidKeyException("The key must not be null");
    }
    AesKeyMaterial material = materialFor(key);
    if (encrypt) {
      // SP 800-38D section 8: never encrypt twice under the same key and IV. Like SunJCE, compare
      // with the previous encryption init of this instance.
      byte[] ivBytes = iv; // this init's private copy (getIV() clones; a second clone cost 32 B per record)
      KeyCache k = keys;
      if (k.lastEncryption != null
          && !k.lastEncryption.isDestroyed()
          && MessageDigest.isEqual(material.rawKey(), k.lastEncryption.rawKey())
          && MessageDigest.isEqual(ivBytes, k.lastEncryptionIv)) {
        throw new InvalidAlgorithmParameterException("Cannot reuse iv for GCM encryption");
      }
      AesKeyMaterial previous = k.lastEncryption;
      k.lastEncryption = material;
      k.lastEncryptionIv = ivBytes;
      k.release(previous);
    }
    finishedEncryption = false;
  }

  /**
   * The key material for {@code key}: the cached copy when {@code key} is the object seen last,
   * else a fresh copy of {@code getEncoded()} after the checks SunJCE makes, in its order.
   */
  private AesKeyMaterial materialFor(Key key) throws InvalidKeyException {
    KeyCache k = keys;
    if (key == k.keyObject
        && k.current != null
        && !k.current.isDestroyed()
        && !(key instanceof Destroyable d && d.isDestroyed())) {
      return k.current;
    }
    byte[] encoded = key.getEncoded();
    if (encoded == null) {
      throw new InvalidKeyException("Key encoding must not be null");
    }
    try {
      if (fixedKeyLenBytes != -1 && encoded.length != fixedKeyLenBytes) {
        throw new InvalidKeyException("The key must be " + fixedKeyLenBytes + " bytes");
      }
      String alg = key.getAlgorithm();
      if (!alg.equalsIgnoreCase("AES") && !alg.equalsIgnoreCase("Rijndael")) {
        throw new InvalidKeyException("Wrong algorithm: AES or Rijndael required");
      }
      if (!validAesKeyLen(encoded.length)) {
        throw new InvalidKeyException("Invalid AES key length: " + encoded.length + " bytes");
      }
      AesKeyMaterial fresh = new AesKeyMaterial(encoded);
      AesKeyMaterial previous = k.current;
      k.current = fresh;
      k.keyObject = key;
      k.release(previous);
      return fresh;
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
  }

  // ---- state -----------------------------------------------------------------------------------

  /** Forgets the message in progress (AAD and data), wiping buffered plaintext. */
  private void resetMessage() {
    Arrays.fill(buf, 0, bufLen, (byte) 0);
    Arrays.fill(aad, 0, aadLen, (byte) 0);
    bufLen = 0;
    aadLen = 0;
    updatedLen = 0;
    dataStarted = false;
  }

  private void checkInit() {
    if (!initialized) {
      throw new IllegalStateException("Operation not initialized.");
    }
  }

  private void checkReInit() {
    if (encrypting && finishedEncryption) {
      throw new IllegalStateException(
          "Must use either different key or  iv for GCM encryption");
    }
  }

  private static byte[] grow(byte[] a, int used, int extra) {
    long needed = (long) used + extra;
    if (needed > Integer.MAX_VALUE - 32) {
      throw new ProviderException("Accel supports input size up to " + (Integer.MAX_VALUE - 32) + " bytes");
    }
    if (needed <= a.length) {
      return a;
    }
    int newLen = (int) Math.min(Integer.MAX_VALUE - 32, Math.max(needed, (long) a.length * 2));
    byte[] bigger = Arrays.copyOf(a, newLen);
    Arrays.fill(a, (byte) 0);
    return bigger;
  }

  private void bufferData(byte[] in, int off, int len) {
    if (len > 0) {
      buf = grow(buf, bufLen, len);
      System.arraycopy(in, off, buf, bufLen, len);
      bufLen += len;
    }
  }

  private void bufferData(ByteBuffer src) {
    int len = src.remaining();
    if (len > 0) {
      buf = grow(buf, bufLen, len);
      src.get(buf, bufLen, len);
      bufLen += len;
    }
  }

  /**
   * The output SunJCE's encryption {@code update} would produce (whole blocks): Accel emits nothing
   * before {@code doFinal} but demands the same room, so code sized for SunJCE behaves the same.
   */
  private int sunUpdateOutputLen(int inputLen) {
    if (!encrypting) {
      return 0;
    }
    long carried = updatedLen % BLOCK_LEN_BYTES + inputLen;
    return (int) (carried - carried % BLOCK_LEN_BYTES);
  }

  // ---- AAD -------------------------------------------------------------------------------------

  @Override
  protected void engineUpdateAAD(byte[] src, int offset, int len) {
    checkInit();
    checkReInit();
    if (dataStarted) {
      // SP 800-38D section 7.1: AAD is hashed before the ciphertext.
      throw new IllegalStateException("Update has been called; no more AAD data");
    }
    aad = grow(aad, aadLen, len);
    System.arraycopy(src, offset, aad, aadLen, len);
    aadLen += len;
  }

  @Override
  protected void engineUpdateAAD(ByteBuffer src) {
    checkInit();
    checkReInit();
    if (dataStarted) {
      throw new IllegalStateException("Update has been called; no more AAD data");
    }
    int len = src.remaining();
    aad = grow(aad, aadLen, len);
    src.get(aad, aadLen, len);
    aadLen += len;
  }

  // ---- update ----------------------------------------------------------------------------------

  @Override
  protected byte[] engineUpdate(byte[] input, int inputOffset, int inputLen) {
    checkInit();
    boundsCheck(inputOffset, inputLen, input.length);
    checkReInit();
    dataStarted = true;
    bufferData(input, inputOffset, inputLen);
    updatedLen += inputLen;
    return EMPTY.clone();
  }

  @Override
  protected int engineUpdate(byte[] input, int inputOffset, int inputLen, byte[] output, int outputOffset)
      throws ShortBufferException {
    checkInit();
    boundsCheck(inputOffset, inputLen, input.length);
    boundsCheck(outputOffset, output.length - outputOffset, output.length);
    int sunLen = sunUpdateOutputLen(inputLen);
    if (sunLen > output.length - outputOffset) {
      throw new ShortBufferException(
          "Output buffer too small, must be at least " + sunLen + " bytes long");
    }
    checkReInit();
    dataStarted = true;
    bufferData(input, inputOffset, inputLen);
    updatedLen += inputLen;
    return 0;
  }

  @Override
  protected int engineUpdate(ByteBuffer input, ByteBuffer output) throws ShortBufferException {
    checkInit();
    int sunLen = sunUpdateOutputLen(input.remaining());
    if (sunLen > output.remaining()) {
      throw new ShortBufferException("Output buffer must be at least " + sunLen + " bytes long");
    }
    checkReInit();
    dataStarted = true;
    int len = input.remaining();
    bufferData(input);
    updatedLen += len;
    return 0;
  }

  // ---- doFinal ---------------------------------------------------------------------------------

  @Override
  protected byte[] engineDoFinal(byte[] input, int inputOffset, int inputLen)
      throws IllegalBlockSizeException, BadPaddingException {
    byte[] in = input == null ? EMPTY : input;
    try {
      boundsCheck(inputOffset, inputLen, in.length);
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalBlockSizeException("input array invalid");
    }
    checkInit();
    byte[] output = new byte[engineGetOutputSize(inputLen)];
    try {
      int n = doFinalArrays(in, inputOffset, inputLen, output, 0);
      return n == output.length ? output : Arrays.copyOf(output, n);
    } catch (ShortBufferException e) {
      throw new ProviderException(e);
    }
  }

  @Override
  protected int engineDoFinal(byte[] input, int inputOffset, int inputLen, byte[] output, int outputOffset)
      throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
    byte[] in = input == null ? EMPTY : input;
    try {
      boundsCheck(inputOffset, inputLen, in.length);
    } catch (ArrayIndexOutOfBoundsException e) {
      resetMessage();
      throw new IllegalBlockSizeException("input array invalid");
    }
    checkInit();
    return doFinalArrays(in, inputOffset, inputLen, output, outputOffset);
  }

  /** Seals or opens everything buffered plus {@code in[inOff..inOff+inLen)} into {@code out}. */
  private int doFinalArrays(byte[] in, int inOff, int inLen, byte[] out, int outOff)
      throws ShortBufferException, AEADBadTagException {
    checkReInit();
    long totalLong = (long) bufLen + inLen;
    if (encrypting) {
      if (totalLong + tagLenBytes > Integer.MAX_VALUE - 32) {
        throw new ProviderException("Accel supports input size up to " + (Integer.MAX_VALUE - 32) + " bytes");
      }
      int needed = (int) totalLong + tagLenBytes;
      if (outOff < 0 || outOff > out.length || out.length - outOff < needed) {
        throw new ShortBufferException("Output buffer invalid");
      }
    } else {
      int total = (int) totalLong;
      if (total < tagLenBytes) {
        resetMessage();
        throw new AEADBadTagException(
            "Input data too short to contain an expected tag length of " + tagLenBytes + "bytes");
      }
      int needed = total - tagLenBytes;
      if (outOff < 0 || outOff > out.length || out.length - outOff < needed) {
        throw new ShortBufferException("Output buffer invalid");
      }
    }
    // One contiguous message: the buffered bytes followed by the final input.
    byte[] msg = in;
    int msgOff = inOff;
    int msgLen = inLen;
    if (bufLen > 0) {
      bufferData(in, inOff, inLen);
      msg = buf;
      msgOff = 0;
      msgLen = bufLen;
    }
    try {
      return encrypting
          ? seal(msg, msgOff, msgLen, out, outOff)
          : router.run(new Op.GcmOpen(keys.current, iv, tagLenBytes, aad, 0, aadLen, msg, msgOff, msgLen, out, outOff));
    } finally {
      provider.gcmCalls().doFinal(encrypting); // ran, whatever the outcome (a bad tag included)
      finishedEncryption = encrypting;
      resetMessage();
    }
  }

  private int seal(byte[] msg, int msgOff, int msgLen, byte[] out, int outOff) {
    try {
      return router.run(new Op.GcmSeal(keys.current, iv, tagLenBytes, aad, 0, aadLen, msg, msgOff, msgLen, out, outOff));
    } catch (AEADBadTagException notReachable) {
      throw new ProviderException(notReachable); // sealing has no tag to check
    }
  }

  @Override
  protected int engineDoFinal(ByteBuffer input, ByteBuffer output)
      throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
    checkInit();
    checkReInit();
    long totalLong = (long) bufLen + input.remaining();
    int outLen;
    if (encrypting) {
      if (totalLong + tagLenBytes > Integer.MAX_VALUE - 32) {
        throw new ProviderException("Accel supports input size up to " + (Integer.MAX_VALUE - 32) + " bytes");
      }
      outLen = (int) totalLong + tagLenBytes;
      if (output.remaining() < outLen) {
        throw new ShortBufferException("Output buffer too small, must be at least " + outLen + " bytes long");
      }
    } else {
      outLen = (int) totalLong - tagLenBytes;
      if (outLen < 0) {
        resetMessage();
        throw new AEADBadTagException(
            "Input data too short to contain an expected tag length of " + tagLenBytes + "bytes");
      }
      if (outLen > output.remaining()) {
        throw new ShortBufferException("Output buffer too small, must be at least " + outLen + " bytes long");
      }
    }
    // Gather the whole message on the heap (input and output may share memory); the input's
    // position moves only when the operation succeeds.
    int inStart = input.position();
    bufferData(input);
    byte[] result = new byte[outLen];
    try {
      int n =
          encrypting
              ? seal(buf, 0, bufLen, result, 0)
              : router.run(new Op.GcmOpen(keys.current, iv, tagLenBytes, aad, 0, aadLen, buf, 0, bufLen, result, 0));
      output.put(result, 0, n);
      return n;
    } catch (AEADBadTagException e) {
      input.position(inStart);
      throw e;
    } finally {
      Arrays.fill(result, (byte) 0);
      provider.gcmCalls().doFinal(encrypting);
      finishedEncryption = encrypting;
      resetMessage();
    }
  }

  // ---- wrap / unwrap ---------------------------------------------------------------------------

  @Override
  protected byte[] engineWrap(Key key) throws IllegalBlockSizeException, InvalidKeyException {
    checkInit();
    byte[] encodedKey = null;
    try {
      encodedKey = key.getEncoded();
      if (encodedKey == null || encodedKey.length == 0) {
        throw new InvalidKeyException("Cannot get an encoding of the key to be wrapped");
      }
      return engineDoFinal(encodedKey, 0, encodedKey.length);
    } catch (BadPaddingException e) {
      throw new ProviderException("unreachable when wrapping", e);
    } finally {
      if (encodedKey != null) {
        Arrays.fill(encodedKey, (byte) 0);
      }
    }
  }

  @Override
  protected Key engineUnwrap(byte[] wrappedKey, String wrappedKeyAlgorithm, int wrappedKeyType)
      throws InvalidKeyException, NoSuchAlgorithmException {
    checkInit();
    byte[] encodedKey;
    try {
      encodedKey = engineDoFinal(wrappedKey, 0, wrappedKey.length);
    } catch (BadPaddingException e) {
      throw new InvalidKeyException("The wrapped key is not padded correctly");
    } catch (IllegalBlockSizeException e) {
      throw new InvalidKeyException("The wrapped key does not have the correct length");
    }
    try {
      return constructKey(encodedKey, wrappedKeyAlgorithm, wrappedKeyType);
    } finally {
      Arrays.fill(encodedKey, (byte) 0);
    }
  }

  /** Builds the unwrapped key like SunJCE's ConstructKeys. */
  static Key constructKey(byte[] encoding, String algorithm, int keyType)
      throws InvalidKeyException, NoSuchAlgorithmException {
    switch (keyType) {
      case Cipher.SECRET_KEY:
        return new SecretKeySpec(encoding, algorithm);
      case Cipher.PRIVATE_KEY:
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(encoding));
        } catch (NoSuchAlgorithmException e) {
          throw new NoSuchAlgorithmException(
              "No installed providers can create keys for the " + algorithm + "algorithm");
        } catch (InvalidKeySpecException e) {
          throw new InvalidKeyException("Cannot construct private key", e);
        }
      case Cipher.PUBLIC_KEY:
        try {
          return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(encoding));
        } catch (NoSuchAlgorithmException e) {
          throw new NoSuchAlgorithmException(
              "No installed providers can create keys for the " + algorithm + "algorithm");
        } catch (InvalidKeySpecException e) {
          throw new InvalidKeyException("Cannot construct public key", e);
        }
      default:
        throw new NoSuchAlgorithmException("Unsupported key type");
    }
  }
}

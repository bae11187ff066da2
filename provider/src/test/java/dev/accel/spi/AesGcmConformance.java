package dev.accel.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.testing.RouteLedger;
import dev.accel.testing.Tier;
import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * AES/GCM/NoPadding conformance, written once and run per tier (one subclass per tier): results,
 * overloads, sizes, state machine and misuse behaviour identical to SunJCE, and every request
 * counted on the route the tier promises ({@link RouteLedger}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AesGcmConformance {
  private static final String GCM = "AES/GCM/NoPadding";
  private static final int[] KEY_LENS = {16, 24, 32};
  private static final int[] IV_LENS = {1, 12, 16, 60};
  private static final int[] TAG_LENS = {12, 13, 14, 15, 16};
  private static final int[] SIZES = {0, 1, 15, 16, 17, 31, 64, 255, 1000, 4099};

  private final SplittableRandom rnd = new SplittableRandom(0x5EED_0003L);
  private AccelProvider accel;
  private RouteLedger ledger;

  protected abstract Tier tier();

  @BeforeAll
  void createProvider() {
    accel = tier().newProvider();
  }

  @AfterAll
  void dropProvider() {
    accel = null;
  }

  @BeforeEach
  void newLedger() {
    ledger = new RouteLedger(tier(), accel);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  private Cipher accel() throws Exception {
    return Cipher.getInstance(GCM, accel);
  }

  private static Cipher sun() throws Exception {
    return Cipher.getInstance(GCM, "SunJCE");
  }

  private static byte[] sunCrypt(int mode, Key key, byte[] iv, int tagLenBytes, byte[] aad, byte[] in)
      throws Exception {
    Cipher c = sun();
    c.init(mode, key, new GCMParameterSpec(tagLenBytes * 8, iv));
    c.updateAAD(aad);
    return c.doFinal(in);
  }

  /** One full seal/open comparison with SunJCE using the one-shot byte[] API. */
  private void roundTrip(int keyLen, int ivLen, int tagLen, int aadLen, int size) throws Exception {
    SecretKey key = new SecretKeySpec(bytes(keyLen), "AES");
    byte[] iv = bytes(ivLen);
    byte[] aad = bytes(aadLen);
    byte[] pt = bytes(size);
    byte[] expected = sunCrypt(Cipher.ENCRYPT_MODE, key, iv, tagLen, aad, pt);
    Cipher enc = accel();
    enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(tagLen * 8, iv));
    enc.updateAAD(aad);
    byte[] ct = enc.doFinal(pt);
    ledger.gcm(true, keyLen, ivLen, tagLen, aadLen, size);
    String what = "key=" + keyLen + " iv=" + ivLen + " tag=" + tagLen + " aad=" + aadLen + " size=" + size;
    assertArrayEquals(expected, ct, what);
    Cipher dec = accel();
    dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(tagLen * 8, iv));
    dec.updateAAD(aad);
    assertArrayEquals(pt, dec.doFinal(ct), what);
    ledger.gcm(false, keyLen, ivLen, tagLen, aadLen, size);
  }

  // ---- results ---------------------------------------------------------------------------------

  @Test
  void randomInputsMatchSunJce() throws Exception {
    for (int keyLen : KEY_LENS) {
      for (int ivLen : IV_LENS) {
        for (int tagLen : TAG_LENS) {
          int size = SIZES[rnd.nextInt(SIZES.length)];
          roundTrip(keyLen, ivLen, tagLen, rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1, 70), size);
        }
      }
    }
    for (int size : SIZES) {
      roundTrip(16, 12, 16, 13, size);
    }
    ledger.verify();
  }

  @Test
  void largePayloadsMatchSunJce() throws Exception {
    roundTrip(32, 12, 16, 20, 1 << 20);
    roundTrip(16, 16, 16, 0, 65_537);
    ledger.verify();
  }

  /** Splits {@code data} by {@code pattern}: 0 one-shot, 1 byte by byte, 2 random splits. */
  private List<int[]> splits(int len, int pattern) {
    List<int[]> parts = new ArrayList<>();
    int off = 0;
    while (off < len) {
      int n = switch (pattern) {
        case 0 -> len - off;
        case 1 -> 1;
        default -> rnd.nextInt(1, Math.min(len - off, 700) + 1);
      };
      parts.add(new int[] {off, n});
      off += n;
    }
    return parts;
  }

  @Test
  void chunkedUpdatesMatchSunJce() throws Exception {
    for (int pattern = 0; pattern < 3; pattern++) {
      for (int size : new int[] {0, 1, 17, 100, 3000}) {
        if (pattern == 1 && size > 100) {
          continue; // byte by byte only for small sizes
        }
        SecretKey key = new SecretKeySpec(bytes(16), "AES");
        byte[] iv = bytes(12);
        byte[] aad = bytes(rnd.nextInt(0, 40));
        byte[] pt = bytes(size);
        byte[] expected = sunCrypt(Cipher.ENCRYPT_MODE, key, iv, 16, aad, pt);

        Cipher enc = accel();
        enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        for (int[] p : splits(aad.length, pattern)) {
          enc.updateAAD(aad, p[0], p[1]);
        }
        byte[] out = new byte[enc.getOutputSize(size)];
        int n = 0;
        for (int[] p : splits(size, pattern)) {
          n += enc.update(pt, p[0], p[1], out, n);
        }
        n += enc.doFinal(out, n);
        ledger.gcm(true, 16, 12, 16, aad.length, size);
        assertEquals(expected.length, n);
        assertArrayEquals(expected, out, "pattern " + pattern + " size " + size);

        Cipher dec = accel();
        dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
        for (int[] p : splits(aad.length, pattern)) {
          dec.updateAAD(aad, p[0], p[1]);
        }
        byte[] back = new byte[size];
        int m = 0;
        for (int[] p : splits(expected.length, pattern)) {
          byte[] chunk = dec.update(expected, p[0], p[1]);
          assertTrue(chunk == null || chunk.length == 0, "decryption released data before the tag");
        }
        m += dec.doFinal(back, m);
        ledger.gcm(false, 16, 12, 16, aad.length, size);
        assertEquals(size, m);
        assertArrayEquals(pt, back);
      }
    }
    ledger.verify();
  }

  // ---- overloads -------------------------------------------------------------------------------

  @Test
  void everyOverloadMatchesSunJce() throws Exception {
    SecretKey key = new SecretKeySpec(bytes(32), "AES");
    byte[] aad = bytes(9);
    int size = 1000;
    for (int variant = 0; variant < 9; variant++) {
      byte[] iv = bytes(12);
      byte[] pt = bytes(size);
      byte[] expected = sunCrypt(Cipher.ENCRYPT_MODE, key, iv, 16, aad, pt);
      GCMParameterSpec spec = new GCMParameterSpec(128, iv);
      Cipher enc = accel();
      enc.init(Cipher.ENCRYPT_MODE, key, spec);
      enc.updateAAD(ByteBuffer.wrap(aad));
      Cipher dec = accel();
      dec.init(Cipher.DECRYPT_MODE, key, spec);
      dec.updateAAD(aad);
      byte[] ct;
      byte[] back;
      switch (variant) {
        case 0 -> { // offsets in and out
          byte[] in = new byte[size + 7];
          System.arraycopy(pt, 0, in, 3, size);
          byte[] out = new byte[expected.length + 11];
          int n = enc.doFinal(in, 3, size, out, 5);
          ct = Arrays.copyOfRange(out, 5, 5 + n);
          byte[] pout = new byte[size + 4];
          int m = dec.doFinal(out, 5, n, pout, 2);
          back = Arrays.copyOfRange(pout, 2, 2 + m);
        }
        case 1 -> { // in place, same offset
          byte[] buf = Arrays.copyOf(pt, expected.length);
          int n = enc.doFinal(buf, 0, size, buf, 0);
          ct = Arrays.copyOf(buf, n);
          int m = dec.doFinal(buf, 0, n, buf, 0);
          back = Arrays.copyOf(buf, m);
        }
        case 2 -> { // in place, output ahead of input (overlapping)
          byte[] buf = new byte[expected.length + 40];
          System.arraycopy(pt, 0, buf, 0, size);
          int n = enc.doFinal(buf, 0, size, buf, 24);
          ct = Arrays.copyOfRange(buf, 24, 24 + n);
          int m = dec.doFinal(buf, 24, n, buf, 3);
          back = Arrays.copyOfRange(buf, 3, 3 + m);
        }
        case 3 -> { // in place, output behind input (overlapping)
          byte[] buf = new byte[expected.length + 40];
          System.arraycopy(pt, 0, buf, 30, size);
          int n = enc.doFinal(buf, 30, size, buf, 10);
          ct = Arrays.copyOfRange(buf, 10, 10 + n);
          int m = dec.doFinal(buf, 10, n, buf, 0);
          back = Arrays.copyOf(buf, m);
        }
        case 4 -> { // heap ByteBuffers
          ByteBuffer out = ByteBuffer.allocate(expected.length);
          enc.doFinal(ByteBuffer.wrap(pt), out);
          ct = out.array();
          ByteBuffer pout = ByteBuffer.allocate(size);
          dec.doFinal(ByteBuffer.wrap(ct), pout);
          back = pout.array();
        }
        case 5 -> { // direct ByteBuffers, update + doFinal
          ByteBuffer in = ByteBuffer.allocateDirect(size).put(pt).flip();
          ByteBuffer out = ByteBuffer.allocateDirect(expected.length + 3);
          out.position(3);
          ByteBuffer head = in.duplicate().limit(100);
          enc.update(head, out);
          in.position(100);
          enc.doFinal(in, out);
          assertEquals(expected.length + 3, out.position());
          out.position(3);
          ct = new byte[expected.length];
          out.get(ct);
          ByteBuffer cin = ByteBuffer.allocateDirect(ct.length).put(ct).flip();
          ByteBuffer pout = ByteBuffer.allocateDirect(size);
          assertEquals(0, dec.update(cin.duplicate().limit(500), pout));
          cin.position(500);
          dec.doFinal(cin, pout);
          pout.flip();
          back = new byte[pout.remaining()];
          pout.get(back);
        }
        case 6 -> { // read-only heap input
          ByteBuffer out = ByteBuffer.allocate(expected.length);
          enc.doFinal(ByteBuffer.wrap(pt).asReadOnlyBuffer(), out);
          ct = out.array();
          ByteBuffer pout = ByteBuffer.allocateDirect(size);
          dec.doFinal(ByteBuffer.wrap(ct).asReadOnlyBuffer(), pout);
          pout.flip();
          back = new byte[size];
          pout.get(back);
        }
        case 7 -> { // read-only direct input, heap output
          ByteBuffer in = ByteBuffer.allocateDirect(size).put(pt).flip().asReadOnlyBuffer();
          ByteBuffer out = ByteBuffer.allocate(expected.length);
          enc.doFinal(in, out);
          assertEquals(0, in.remaining());
          ct = out.array();
          ByteBuffer cin = ByteBuffer.allocateDirect(ct.length).put(ct).flip().asReadOnlyBuffer();
          ByteBuffer pout = ByteBuffer.allocate(size);
          dec.doFinal(cin, pout);
          back = pout.array();
        }
        default -> { // update(byte[]) returning arrays, doFinal() with no input
          byte[] first = enc.update(pt, 0, 500);
          byte[] rest = enc.update(pt, 500, size - 500);
          byte[] last = enc.doFinal();
          ct = concat(first, rest, last);
          assertNotNull(dec.update(ct));
          back = dec.doFinal();
        }
      }
      ledger.gcm(true, 32, 12, 16, aad.length, size);
      ledger.gcm(false, 32, 12, 16, aad.length, size);
      assertArrayEquals(expected, ct, "variant " + variant);
      assertArrayEquals(pt, back, "variant " + variant);
    }
    ledger.verify();
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p == null ? 0 : p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      if (p != null) {
        System.arraycopy(p, 0, out, off, p.length);
        off += p.length;
      }
    }
    return out;
  }

  @Test
  void getOutputSizeIsExact() throws Exception {
    SecretKey key = new SecretKeySpec(bytes(16), "AES");
    for (int tagLen : new int[] {12, 16}) {
      byte[] iv = bytes(12);
      GCMParameterSpec spec = new GCMParameterSpec(tagLen * 8, iv);
      Cipher enc = accel();
      enc.init(Cipher.ENCRYPT_MODE, key, spec);
      assertEquals(100 + tagLen, enc.getOutputSize(100));
      enc.update(bytes(37));
      int predicted = enc.getOutputSize(63);
      byte[] out = new byte[predicted];
      assertEquals(predicted, enc.doFinal(bytes(63), 0, 63, out, 0));
      ledger.gcm(true, 16, 12, tagLen, 0, 100);

      Cipher dec = accel();
      dec.init(Cipher.DECRYPT_MODE, key, spec);
      assertEquals(0, dec.getOutputSize(tagLen - 1));
      dec.update(out, 0, 50);
      int p2 = dec.getOutputSize(out.length - 50);
      assertEquals(100, p2);
      byte[] pt = new byte[p2];
      assertEquals(p2, dec.doFinal(out, 50, out.length - 50, pt, 0));
      ledger.gcm(false, 16, 12, tagLen, 0, 100);
    }
    ledger.verify();
  }

  // ---- state machine ---------------------------------------------------------------------------

  /** Class of what {@code action} throws, or "ok". */
  private static String outcome(ThrowingRunnable action) {
    try {
      action.run();
      return "ok";
    } catch (Throwable t) {
      return t.getClass().getName();
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @FunctionalInterface
  interface CipherSource {
    Cipher get(String transformation) throws Exception;
  }

  @Test
  void encryptionMustBeReinitialisedAfterDoFinal() throws Exception {
    for (CipherSource src : List.<CipherSource>of(t -> Cipher.getInstance(t, "SunJCE"), t -> Cipher.getInstance(t, accel))) {
      SecretKey key = new SecretKeySpec(bytes(16), "AES");
      Cipher c = src.get(GCM);
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, bytes(12)));
      c.doFinal(bytes(10));
      assertThrows(IllegalStateException.class, () -> c.update(new byte[3]));
      assertThrows(IllegalStateException.class, () -> c.updateAAD(new byte[3]));
      assertThrows(IllegalStateException.class, () -> c.doFinal(new byte[3]));
      assertThrows(IllegalStateException.class, () -> c.doFinal());
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, bytes(12)));
      assertEquals(26, c.doFinal(bytes(10)).length);
    }
    ledger.gcm(true, 16, 12, 16, 0, 10);
    ledger.gcm(true, 16, 12, 16, 0, 10);
    ledger.verify();
  }

  @Test
  void decryptionCanRepeatAfterDoFinal() throws Exception {
    SecretKey key = new SecretKeySpec(bytes(24), "AES");
    byte[] iv = bytes(12);
    byte[] pt = bytes(33);
    byte[] ct = sunCrypt(Cipher.ENCRYPT_MODE, key, iv, 16, new byte[0], pt);
    Cipher dec = accel();
    dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
    assertArrayEquals(pt, dec.doFinal(ct));
    assertArrayEquals(pt, dec.doFinal(ct));
    ledger.gcm(false, 24, 12, 16, 0, 33);
    ledger.gcm(false, 24, 12, 16, 0, 33);
    ledger.verify();
  }

  @Test
  void ivReuseIsRejectedLikeSunJce() throws Exception {
    byte[] keyBytes = bytes(16);
    byte[] iv = bytes(12);
    for (CipherSource src : List.<CipherSource>of(t -> Cipher.getInstance(t, "SunJCE"), t -> Cipher.getInstance(t, accel))) {
      SecretKey key = new SecretKeySpec(keyBytes, "AES");
      Cipher c = src.get(GCM);
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      assertThrows(InvalidAlgorithmParameterException.class,
          () -> c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv)));
      // An equal key in a different object is the same key.
      assertThrows(InvalidAlgorithmParameterException.class,
          () -> c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyBytes, "AES"), new GCMParameterSpec(96, iv)));
      // Decryption with the same key and IV is fine, and does not reset the rule.
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
      assertThrows(InvalidAlgorithmParameterException.class,
          () -> c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv)));
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, bytes(12)));
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
    }
  }

  @Test
  void aadAfterUpdateIsRejectedLikeSunJce() throws Exception {
    for (int mode : new int[] {Cipher.ENCRYPT_MODE, Cipher.DECRYPT_MODE}) {
      for (CipherSource src : List.<CipherSource>of(t -> Cipher.getInstance(t, "SunJCE"), t -> Cipher.getInstance(t, accel))) {
        Cipher c = src.get(GCM);
        c.init(mode, new SecretKeySpec(bytes(16), "AES"), new GCMParameterSpec(128, bytes(12)));
        c.updateAAD(new byte[4]);
        c.update(new byte[20]);
        assertThrows(IllegalStateException.class, () -> c.updateAAD(new byte[4]));
        assertThrows(IllegalStateException.class, () -> c.updateAAD(ByteBuffer.allocate(2)));
      }
    }
  }

  // ---- authentication failures -----------------------------------------------------------------

  @Test
  void badTagThrowsAndLeavesOutputUntouched() throws Exception {
    SecretKey key = new SecretKeySpec(bytes(16), "AES");
    byte[] iv = bytes(12);
    byte[] aad = bytes(16);
    byte[] pt = bytes(300);
    byte[] ct = sunCrypt(Cipher.ENCRYPT_MODE, key, iv, 16, aad, pt);
    for (int where = 0; where < 4; where++) {
      byte[] bad = ct.clone();
      byte[] badAad = aad.clone();
      switch (where) {
        case 0 -> bad[0] ^= 1; // ciphertext
        case 1 -> bad[bad.length - 1] ^= (byte) 0x80; // tag
        case 2 -> badAad[3] ^= 4; // AAD
        default -> bad = Arrays.copyOf(ct, ct.length - 1); // truncated tag
      }
      Cipher dec = accel();
      dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
      dec.updateAAD(badAad);
      byte[] out = new byte[400];
      Arrays.fill(out, (byte) 0x5A);
      byte[] in = bad;
      assertThrows(AEADBadTagException.class, () -> dec.doFinal(in, 0, in.length, out, 0));
      ledger.gcm(false, 16, 12, 16, aad.length, in.length - 16);
      for (byte b : out) {
        assertEquals((byte) 0x5A, b, "output touched by a failed decryption");
      }
      // ByteBuffer: output untouched, input position unchanged.
      dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
      dec.updateAAD(badAad);
      ByteBuffer src = ByteBuffer.allocateDirect(in.length).put(in).flip();
      ByteBuffer dst = ByteBuffer.allocateDirect(400);
      for (int i = 0; i < 400; i++) {
        dst.put(i, (byte) 0x5A);
      }
      assertThrows(AEADBadTagException.class, () -> dec.doFinal(src, dst));
      ledger.gcm(false, 16, 12, 16, aad.length, in.length - 16);
      assertEquals(0, src.position());
      assertEquals(0, dst.position());
      for (int i = 0; i < 400; i++) {
        assertEquals((byte) 0x5A, dst.get(i));
      }
      // The cipher is usable again with the right input.
      dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
      dec.updateAAD(aad);
      assertArrayEquals(pt, dec.doFinal(ct));
      ledger.gcm(false, 16, 12, 16, aad.length, pt.length);
    }
    ledger.verify();
  }

  // ---- parameters, IV, sizes -------------------------------------------------------------------

  @Test
  void parametersIvAndSizesMatchSunJce() throws Exception {
    SecretKey key = new SecretKeySpec(bytes(32), "AES");
    Cipher a = accel();
    Cipher s = sun();
    assertNull(a.getIV());
    assertEquals(s.getBlockSize(), a.getBlockSize());
    a.init(Cipher.ENCRYPT_MODE, key);
    byte[] iv = a.getIV();
    assertEquals(12, iv.length);
    AlgorithmParameters ap = a.getParameters();
    GCMParameterSpec spec = ap.getParameterSpec(GCMParameterSpec.class);
    assertEquals(128, spec.getTLen());
    assertArrayEquals(iv, spec.getIV());
    // Same DER as SunJCE's GCMParameters, and SunJCE can read Accel's encoding.
    AlgorithmParameters sunParams = AlgorithmParameters.getInstance("GCM", "SunJCE");
    sunParams.init(new GCMParameterSpec(128, iv));
    assertArrayEquals(sunParams.getEncoded(), ap.getEncoded());
    for (int tagBits : new int[] {96, 104, 128}) {
      AlgorithmParameters mine = AlgorithmParameters.getInstance("GCM", accel);
      mine.init(new GCMParameterSpec(tagBits, bytes(12)));
      AlgorithmParameters theirs = AlgorithmParameters.getInstance("GCM", "SunJCE");
      theirs.init(mine.getEncoded());
      assertArrayEquals(theirs.getEncoded(), mine.getEncoded());
      AlgorithmParameters back = AlgorithmParameters.getInstance("GCM", accel);
      back.init(theirs.getEncoded());
      assertEquals(tagBits, back.getParameterSpec(GCMParameterSpec.class).getTLen());
    }
    // Encrypt with generated IV, decrypt with the parameters object.
    byte[] pt = bytes(40);
    byte[] ct = a.doFinal(pt);
    ledger.gcm(true, 32, 12, 16, 0, 40);
    Cipher d = accel();
    d.init(Cipher.DECRYPT_MODE, key, ap);
    assertArrayEquals(pt, d.doFinal(ct));
    ledger.gcm(false, 32, 12, 16, 0, 40);
    assertThrows(InvalidKeyException.class, () -> accel().init(Cipher.DECRYPT_MODE, key));
    ledger.verify();
  }

  @Test
  void wrapAndUnwrapInteroperateWithSunJce() throws Exception {
    SecretKey kek = new SecretKeySpec(bytes(16), "AES");
    SecretKey payload = new SecretKeySpec(bytes(32), "AES");
    byte[] iv = bytes(12);
    Cipher w = accel();
    w.init(Cipher.WRAP_MODE, kek, new GCMParameterSpec(128, iv));
    byte[] wrapped = w.wrap(payload);
    ledger.gcm(true, 16, 12, 16, 0, 32);
    Cipher su = sun();
    su.init(Cipher.UNWRAP_MODE, kek, new GCMParameterSpec(128, iv));
    assertArrayEquals(payload.getEncoded(), su.unwrap(wrapped, "AES", Cipher.SECRET_KEY).getEncoded());
    Cipher u = accel();
    u.init(Cipher.UNWRAP_MODE, kek, new GCMParameterSpec(128, iv));
    Key back = u.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
    ledger.gcm(false, 16, 12, 16, 0, 32);
    assertArrayEquals(payload.getEncoded(), back.getEncoded());
    wrapped[5] ^= 1;
    u.init(Cipher.UNWRAP_MODE, kek, new GCMParameterSpec(128, iv));
    assertThrows(InvalidKeyException.class, () -> u.unwrap(wrapped, "AES", Cipher.SECRET_KEY));
    ledger.gcm(false, 16, 12, 16, 0, 32);
    ledger.verify();
  }

  @Test
  void fixedSizeVariantsAcceptOnlyTheirKeySize() throws Exception {
    String[] names = {"AES_128/GCM/NoPadding", "AES_192/GCM/NoPadding", "AES_256/GCM/NoPadding"};
    for (int i = 0; i < 3; i++) {
      for (int keyLen : KEY_LENS) {
        byte[] k = bytes(keyLen);
        byte[] iv = bytes(12);
        final int idx = i;
        String expected = outcome(() -> Cipher.getInstance(names[idx], "SunJCE")
            .init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, iv)));
        String actual = outcome(() -> Cipher.getInstance(names[idx], accel)
            .init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, iv)));
        assertEquals(expected, actual, names[idx] + " with a " + keyLen + "-byte key");
      }
    }
    // OID aliases resolve to the fixed-size variants.
    assertEquals("AES_128/GCM/NoPadding", accel.getService("Cipher", "2.16.840.1.101.3.4.1.6").getAlgorithm());
    assertEquals("AES_256/GCM/NoPadding", accel.getService("Cipher", "OID.2.16.840.1.101.3.4.1.46").getAlgorithm());
  }

  // ---- misuse matrix ---------------------------------------------------------------------------

  /** An action on a fresh cipher of {@code transformation} from the provider under test. */
  private record Misuse(String name, String transformation, CipherCase action) {}

  @FunctionalInterface
  interface CipherCase {
    void run(Cipher c) throws Exception;
  }

  private static final byte[] K16 = new byte[16];
  private static final byte[] IV12 = new byte[12];

  private static GCMParameterSpec spec() {
    return new GCMParameterSpec(128, IV12);
  }

  private static SecretKeySpec aes() {
    return new SecretKeySpec(K16, "AES");
  }

  private static void enc(Cipher c) throws Exception {
    c.init(Cipher.ENCRYPT_MODE, aes(), spec());
  }

  private static void dec(Cipher c) throws Exception {
    c.init(Cipher.DECRYPT_MODE, aes(), spec());
  }

  private static List<Misuse> misuses() throws Exception {
    Key rsaPublic = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic();
    AlgorithmParameters ivParams = AlgorithmParameters.getInstance("AES", "SunJCE");
    ivParams.init(new IvParameterSpec(new byte[16]));
    List<Misuse> m = new ArrayList<>();
    // Keys and parameters.
    m.add(new Misuse("null key", GCM, c -> c.init(Cipher.ENCRYPT_MODE, null, spec())));
    m.add(new Misuse("17-byte key", GCM, c -> c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[17], "AES"), spec())));
    m.add(new Misuse("8-byte key", GCM, c -> c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[8], "AES"), spec())));
    m.add(new Misuse("DES-named key", GCM, c -> c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "DES"), spec())));
    m.add(new Misuse("RSA public key", GCM, c -> c.init(Cipher.ENCRYPT_MODE, rsaPublic, spec())));
    m.add(new Misuse("AES_128 with 32-byte key", "AES_128/GCM/NoPadding", c -> c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), spec())));
    m.add(new Misuse("AES_256 with 16-byte key", "AES_256/GCM/NoPadding", c -> c.init(Cipher.DECRYPT_MODE, aes(), spec())));
    m.add(new Misuse("tag 64 bits", GCM, c -> c.init(Cipher.ENCRYPT_MODE, aes(), new GCMParameterSpec(64, IV12))));
    m.add(new Misuse("tag 100 bits", GCM, c -> c.init(Cipher.ENCRYPT_MODE, aes(), new GCMParameterSpec(100, IV12))));
    m.add(new Misuse("tag 136 bits", GCM, c -> c.init(Cipher.DECRYPT_MODE, aes(), new GCMParameterSpec(136, IV12))));
    m.add(new Misuse("empty IV", GCM, c -> c.init(Cipher.ENCRYPT_MODE, aes(), new GCMParameterSpec(128, new byte[0]))));
    m.add(new Misuse("IvParameterSpec", GCM, c -> c.init(Cipher.ENCRYPT_MODE, aes(), new IvParameterSpec(IV12))));
    m.add(new Misuse("AES AlgorithmParameters", GCM, c -> c.init(Cipher.ENCRYPT_MODE, aes(), ivParams)));
    m.add(new Misuse("decrypt without parameters", GCM, c -> c.init(Cipher.DECRYPT_MODE, aes())));
    m.add(new Misuse("decrypt with null spec", GCM, c -> c.init(Cipher.DECRYPT_MODE, aes(), (GCMParameterSpec) null)));
    m.add(new Misuse("unwrap without parameters", GCM, c -> c.init(Cipher.UNWRAP_MODE, aes())));
    m.add(new Misuse("bad opmode", GCM, c -> c.init(7, aes(), spec())));
    // Uninitialised use.
    m.add(new Misuse("update before init", GCM, c -> c.update(new byte[4])));
    m.add(new Misuse("doFinal before init", GCM, c -> c.doFinal()));
    m.add(new Misuse("updateAAD before init", GCM, c -> c.updateAAD(new byte[4])));
    m.add(new Misuse("getOutputSize before init", GCM, c -> c.getOutputSize(4)));
    m.add(new Misuse("wrap in encrypt mode", GCM, c -> { enc(c); c.wrap(aes()); }));
    // Null and bounds.
    m.add(new Misuse("update null", GCM, c -> { enc(c); c.update((byte[]) null); }));
    m.add(new Misuse("update negative offset", GCM, c -> { enc(c); c.update(new byte[4], -1, 2); }));
    m.add(new Misuse("update negative length", GCM, c -> { enc(c); c.update(new byte[4], 0, -1); }));
    m.add(new Misuse("update length past end", GCM, c -> { enc(c); c.update(new byte[4], 2, 3); }));
    m.add(new Misuse("update into null output", GCM, c -> { dec(c); c.update(new byte[40], 0, 40, null, 0); }));
    m.add(new Misuse("update output offset past end", GCM, c -> { dec(c); c.update(new byte[4], 0, 4, new byte[2], 5); }));
    m.add(new Misuse("update short output (encrypt)", GCM, c -> { enc(c); c.update(new byte[40], 0, 40, new byte[8], 0); }));
    m.add(new Misuse("update negative output offset", GCM, c -> { enc(c); c.update(new byte[4], 0, 4, new byte[8], -1); }));
    m.add(new Misuse("updateAAD null", GCM, c -> { enc(c); c.updateAAD((byte[]) null); }));
    m.add(new Misuse("updateAAD bad range", GCM, c -> { enc(c); c.updateAAD(new byte[4], 3, 2); }));
    m.add(new Misuse("updateAAD null buffer", GCM, c -> { enc(c); c.updateAAD((ByteBuffer) null); }));
    m.add(new Misuse("doFinal short output (encrypt)", GCM, c -> { enc(c); c.doFinal(new byte[10], 0, 10, new byte[25], 0); }));
    m.add(new Misuse("doFinal short output (decrypt)", GCM, c -> { dec(c); c.doFinal(new byte[40], 0, 40, new byte[23], 0); }));
    m.add(new Misuse("doFinal null output (encrypt)", GCM, c -> { enc(c); c.doFinal(new byte[10], 0, 10, null, 0); }));
    m.add(new Misuse("doFinal(out, off) null", GCM, c -> { enc(c); c.doFinal(null, 0); }));
    m.add(new Misuse("doFinal output offset past end", GCM, c -> { enc(c); c.doFinal(new byte[1], 0, 1, new byte[40], 39); }));
    m.add(new Misuse("doFinal input too short for tag", GCM, c -> { dec(c); c.doFinal(new byte[15]); }));
    m.add(new Misuse("doFinal ByteBuffer short output (encrypt)", GCM, c -> { enc(c); c.doFinal(ByteBuffer.allocate(10), ByteBuffer.allocate(25)); }));
    m.add(new Misuse("doFinal ByteBuffer short output (decrypt)", GCM, c -> { dec(c); c.doFinal(ByteBuffer.allocate(40), ByteBuffer.allocateDirect(23)); }));
    m.add(new Misuse("doFinal ByteBuffer read-only output", GCM, c -> { enc(c); c.doFinal(ByteBuffer.allocate(10), ByteBuffer.allocate(40).asReadOnlyBuffer()); }));
    m.add(new Misuse("doFinal same ByteBuffer", GCM, c -> { enc(c); ByteBuffer b = ByteBuffer.allocate(40); c.doFinal(b, b); }));
    m.add(new Misuse("doFinal null ByteBuffer", GCM, c -> { enc(c); c.doFinal(null, ByteBuffer.allocate(40)); }));
    m.add(new Misuse("update ByteBuffer short output (encrypt)", GCM, c -> { enc(c); c.update(ByteBuffer.allocate(40), ByteBuffer.allocate(16)); }));
    m.add(new Misuse("unwrap garbage", GCM, c -> { c.init(Cipher.UNWRAP_MODE, aes(), spec()); c.unwrap(new byte[40], "AES", Cipher.SECRET_KEY); }));
    m.add(new Misuse("unwrap bad key type", GCM, c -> { c.init(Cipher.UNWRAP_MODE, aes(), spec()); c.unwrap(new byte[40], "AES", 9); }));
    m.add(new Misuse("getKeySize via init with 33-byte key", GCM, c -> c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[33], "AES"))));
    return m;
  }

  @TestFactory
  Stream<DynamicTest> misuseMatrixMatchesSunJce() throws Exception {
    return misuses().stream()
        .map(
            m ->
                DynamicTest.dynamicTest(
                    m.name(),
                    () -> {
                      String expected = outcome(() -> m.action().run(Cipher.getInstance(m.transformation(), "SunJCE")));
                      String actual = outcome(() -> m.action().run(Cipher.getInstance(m.transformation(), accel)));
                      assertEquals(expected, actual, m.name());
                    }));
  }

  @Test
  void keyObjectIsReadOncePerIdentity() throws Exception {
    int[] reads = new int[1];
    byte[] raw = bytes(16);
    SecretKey counting =
        new SecretKey() {
          @Override
          public String getAlgorithm() {
            return "AES";
          }

          @Override
          public String getFormat() {
            return "RAW";
          }

          @Override
          public byte[] getEncoded() {
            reads[0]++;
            return raw.clone();
          }
        };
    Cipher c = accel();
    for (int record = 0; record < 20; record++) {
      byte[] iv = bytes(12);
      c.init(Cipher.ENCRYPT_MODE, counting, new GCMParameterSpec(128, iv), new SecureRandom());
      byte[] ct = c.doFinal(new byte[record]);
      ledger.gcm(true, 16, 12, 16, 0, record);
      assertArrayEquals(sunCrypt(Cipher.ENCRYPT_MODE, new SecretKeySpec(raw, "AES"), iv, 16, new byte[0], new byte[record]), ct);
    }
    assertEquals(1, reads[0], "getEncoded() calls for 20 inits with one key object");
    ledger.verify();
  }
}

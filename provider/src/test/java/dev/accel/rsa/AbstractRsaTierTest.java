package dev.accel.rsa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.api.AccelKeys;
import dev.accel.router.RouteReason;
import dev.accel.router.Router;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RSA behaviour suite, written once and run per tier by the subclasses (emu device, cpu device,
 * software bc, software jdk): results identical to / interoperable with SunRsaSign and SunJCE,
 * keys from other providers, device-resident handles, misuse matrix, and route counters.
 */
abstract class AbstractRsaTierTest {
  static final String[] PKCS1_ALGS = {
    "SHA1withRSA", "SHA224withRSA", "SHA256withRSA", "SHA384withRSA", "SHA512withRSA",
    "SHA512/224withRSA", "SHA512/256withRSA"
  };
  static final String[] OAEP_DIGESTS = {
    "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA-512/224", "SHA-512/256"
  };

  /** The provider under test (one per tier, created once per test class). */
  protected abstract AccelProvider provider();

  /** True when a device must serve two-prime CRT private-key operations on this tier. */
  protected abstract boolean deviceTier();

  /** The software tier label expected in the counters ({@code bc} or {@code jdk}). */
  protected abstract String softwareLabel();

  static final Provider SUN_RSA = Security.getProvider("SunRsaSign");
  static final Provider SUN_JCE = Security.getProvider("SunJCE");
  static final Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

  @BeforeEach
  void resetCounters() {
    provider().resetStats();
  }

  // ---- route counters ------------------------------------------------------------------------

  private long privateOps(String route) {
    return provider().stats().ops(Router.ALG_RSA_PRIVATE, route);
  }

  /** Asserts the private operations since the last reset ran where this tier says they must. */
  private void assertPrivateOpsServedByTier(long minOps) {
    if (deviceTier()) {
      assertTrue(privateOps("device") >= minOps,
          "device tier: expected >= " + minOps + " RSA private ops on the device\n" + provider().renderStats());
    } else {
      assertEquals(0, privateOps("device"), provider().renderStats());
      long soft = provider().stats().rows().stream()
          .filter(r -> r.algorithm().equals(Router.ALG_RSA_PRIVATE) && r.tier().equals(softwareLabel()))
          .mapToLong(r -> r.ops()).sum();
      assertTrue(soft >= minOps, "software tier " + softwareLabel() + " served " + soft + "\n"
          + provider().renderStats());
    }
  }

  // ---- PKCS#1 v1.5 signatures ----------------------------------------------------------------

  @Test
  void pkcs1SignaturesAreByteIdenticalToSunRsaSign() throws Exception {
    KeyPair kp = RsaTestKeys.rsa2048();
    int ops = 0;
    for (String alg : PKCS1_ALGS) {
      for (int len : new int[] {0, 1, 55, 1000}) {
        byte[] msg = RsaTestKeys.randomBytes(len);
        byte[] accel = sign(alg, provider(), kp.getPrivate(), msg);
        byte[] sun = sign(alg, SUN_RSA, kp.getPrivate(), msg);
        ops++;
        assertArrayEquals(sun, accel, alg + " len " + len);
        assertTrue(verify(alg, provider(), kp.getPublic(), msg, sun), alg);
        byte[] bad = sun.clone();
        bad[bad.length / 2] ^= 1;
        assertFalse(verify(alg, provider(), kp.getPublic(), msg, bad), alg + " corrupted");
        assertFalse(verify(alg, provider(), kp.getPublic(), RsaTestKeys.randomBytes(len + 1), sun),
            alg + " other message");
      }
    }
    assertPrivateOpsServedByTier(ops);
  }

  @Test
  void pkcs1SignaturesAcrossKeySizes() throws Exception {
    for (KeyPair kp : List.of(RsaTestKeys.rsa1024(), RsaTestKeys.rsa3072(), RsaTestKeys.rsa4096(),
        RsaTestKeys.rsa1025())) {
      byte[] msg = RsaTestKeys.randomBytes(100);
      String alg = "SHA256withRSA";
      assertArrayEquals(sign(alg, SUN_RSA, kp.getPrivate(), msg), sign(alg, provider(), kp.getPrivate(), msg),
          "key " + ((RSAKey) kp.getPublic()).getModulus().bitLength());
    }
  }

  @Test
  void signatureUpdateOverloadsAndReuse() throws Exception {
    KeyPair kp = RsaTestKeys.rsa2048();
    byte[] msg = RsaTestKeys.randomBytes(300);
    byte[] expected = sign("SHA384withRSA", SUN_RSA, kp.getPrivate(), msg);
    Signature s = Signature.getInstance("SHA384withRSA", provider());
    s.initSign(kp.getPrivate());
    s.update(msg[0]);
    s.update(msg, 1, 99);
    s.update(java.nio.ByteBuffer.wrap(msg, 100, 100));
    java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(100);
    direct.put(msg, 200, 100).flip();
    s.update(direct);
    assertArrayEquals(expected, s.sign());
    // After sign() the object is reset for a new signature with the same key.
    s.update(msg);
    assertArrayEquals(expected, s.sign());
    // Verify mode after a failed (wrong-length) verify is reset too.
    s.initVerify(kp.getPublic());
    s.update(msg);
    assertThrows(java.security.SignatureException.class, () -> s.verify(new byte[10]));
    s.update(msg);
    assertTrue(s.verify(expected));
  }

  // ---- PSS -----------------------------------------------------------------------------------

  static List<PSSParameterSpec> pssSpecs() {
    return List.of(
        new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1),
        PSSParameterSpec.DEFAULT,
        new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA256, 0, 1),
        new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA1, 64, 1),
        new PSSParameterSpec("SHA-224", "MGF1", MGF1ParameterSpec.SHA512, 17, 1),
        new PSSParameterSpec("SHA-512/224", "MGF1", MGF1ParameterSpec.SHA512_224, 28, 1),
        new PSSParameterSpec("SHA-512/256", "MGF1", MGF1ParameterSpec.SHA384, 100, 1));
  }

  @Test
  void pssCrossVerifiesWithSunRsaSignBothWays() throws Exception {
    for (KeyPair kp : List.of(RsaTestKeys.rsa2048(), RsaTestKeys.rsa1025(), RsaTestKeys.rsa3072())) {
      for (PSSParameterSpec spec : pssSpecs()) {
        int bits = ((RSAKey) kp.getPublic()).getModulus().bitLength();
        if (!EmsaPss.keyLongEnough(bits, PssParams.digestOf(spec.getDigestAlgorithm()).digestLenBytes(),
            spec.getSaltLength())) {
          continue;
        }
        byte[] msg = RsaTestKeys.randomBytes(77);
        byte[] accelSig = pssSign(provider(), kp.getPrivate(), spec, msg);
        assertTrue(pssVerify(SUN_RSA, kp.getPublic(), spec, msg, accelSig), spec + " bits " + bits);
        byte[] sunSig = pssSign(SUN_RSA, kp.getPrivate(), spec, msg);
        assertTrue(pssVerify(provider(), kp.getPublic(), spec, msg, sunSig), spec + " bits " + bits);
        byte[] bad = sunSig.clone();
        bad[3] ^= 0x40;
        assertFalse(pssVerify(provider(), kp.getPublic(), spec, msg, bad));
        assertFalse(pssVerify(provider(), kp.getPublic(), spec, RsaTestKeys.randomBytes(5), sunSig));
      }
    }
    assertPrivateOpsServedByTier(1);
  }

  @Test
  void bcStyleFixedPssAliasesInteroperateWithBcAndSunRsaSign() throws Exception {
    KeyPair kp = RsaTestKeys.rsa2048();
    String[][] aliases = {
      {"SHA1withRSAandMGF1", "SHA-1"}, {"SHA224withRSAandMGF1", "SHA-224"}, {"SHA256withRSAandMGF1", "SHA-256"},
      {"SHA256WITHRSAANDMGF1", "SHA-256"}, {"SHA384withRSAandMGF1", "SHA-384"},
      {"SHA512withRSAandMGF1", "SHA-512"}, {"SHA256withRSA/PSS", "SHA-256"}
    };
    for (String[] a : aliases) {
      var d = PssParams.digestOf(a[1]);
      PSSParameterSpec spec = new PSSParameterSpec(a[1], "MGF1", PssParams.mgf1Spec(d), d.digestLenBytes(), 1);
      byte[] msg = RsaTestKeys.randomBytes(64);
      Signature s = Signature.getInstance(a[0], provider());
      // TLS probes the parameters before init: they must be there and equal the fixed ones.
      AlgorithmParameters ap = s.getParameters();
      assertNotNull(ap, a[0]);
      assertEquals(spec.toString(), ap.getParameterSpec(PSSParameterSpec.class).toString());
      s.initSign(kp.getPrivate());
      s.update(msg);
      byte[] sig = s.sign();
      assertTrue(pssVerify(SUN_RSA, kp.getPublic(), spec, msg, sig), a[0]);
      Signature bc = Signature.getInstance(a[0].replace("/PSS", "andMGF1"), BC);
      bc.initVerify(kp.getPublic());
      bc.update(msg);
      assertTrue(bc.verify(sig), a[0] + " verified by BC");
      bc.initSign(kp.getPrivate());
      bc.update(msg);
      byte[] bcSig = bc.sign();
      s.initVerify(kp.getPublic());
      s.update(msg);
      assertTrue(s.verify(bcSig), a[0] + " BC signature");
    }
    // BC's parameter rules for the fixed aliases.
    Signature s = Signature.getInstance("SHA256withRSAandMGF1", provider());
    Signature bc = Signature.getInstance("SHA256withRSAandMGF1", BC);
    for (var spec : List.<java.security.spec.AlgorithmParameterSpec>of(
        new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1),
        new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA1, 20, 1),
        new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4))) {
      assertSameOutcome(() -> {
        s.setParameter(spec);
        return "ok";
      }, () -> {
        bc.setParameter(spec);
        return "ok";
      });
    }
    s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 0, 1));
    s.initSign(kp.getPrivate());
    s.update(new byte[3]);
    byte[] sig0 = s.sign();
    assertTrue(pssVerify(SUN_RSA, kp.getPublic(),
        new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 0, 1), new byte[3], sig0));
  }

  @Test
  void pssParametersEncodeLikeSunRsaSignAndRoundTrip() throws Exception {
    for (PSSParameterSpec spec : pssSpecs()) {
      AlgorithmParameters accel = AlgorithmParameters.getInstance("RSASSA-PSS", provider());
      accel.init(spec);
      AlgorithmParameters sun = AlgorithmParameters.getInstance("RSASSA-PSS", SUN_RSA);
      sun.init(spec);
      assertArrayEquals(sun.getEncoded(), accel.getEncoded(), spec.toString());
      AlgorithmParameters decoded = AlgorithmParameters.getInstance("RSASSA-PSS", provider());
      decoded.init(sun.getEncoded());
      assertEquals(spec.toString(), decoded.getParameterSpec(PSSParameterSpec.class).toString());
      assertEquals(sun.toString(), decoded.toString());
      // Signature#getParameters returns what was set (TLS start-up probe).
      Signature s = Signature.getInstance("RSASSA-PSS", provider());
      assertNull(s.getParameters());
      s.setParameter(spec);
      assertArrayEquals(sun.getEncoded(), s.getParameters().getEncoded());
    }
    AlgorithmParameters bad = AlgorithmParameters.getInstance("RSASSA-PSS", provider());
    assertThrows(java.io.IOException.class, () -> bad.init(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}));
  }

  @Test
  void pssKeysFromRsassaPssKeyFactoryAndRestrictedParameters() throws Exception {
    KeyPair kp = RsaTestKeys.rsa2048();
    KeyFactory kf = KeyFactory.getInstance("RSASSA-PSS", provider());
    PSSParameterSpec keyParams = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
    RSAPrivateCrtKey c = RsaTestKeys.crt(kp);
    PrivateKey priv = kf.generatePrivate(new java.security.spec.RSAPrivateCrtKeySpec(c.getModulus(),
        c.getPublicExponent(), c.getPrivateExponent(), c.getPrimeP(), c.getPrimeQ(), c.getPrimeExponentP(),
        c.getPrimeExponentQ(), c.getCrtCoefficient(), keyParams));
    PublicKey pub = kf.generatePublic(new java.security.spec.RSAPublicKeySpec(c.getModulus(),
        c.getPublicExponent(), keyParams));
    assertEquals("RSASSA-PSS", priv.getAlgorithm());
    byte[] msg = RsaTestKeys.randomBytes(10);
    byte[] sig = pssSign(provider(), priv, keyParams, msg);
    assertTrue(pssVerify(SUN_RSA, pub, keyParams, msg, sig));
    // A key restricted to SHA-256 refuses SHA-384 parameters, and PKCS#1 v1.5 use: same as JDK.
    PSSParameterSpec other = new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1);
    for (Provider p : List.of(provider(), SUN_RSA)) {
      Signature s = Signature.getInstance("RSASSA-PSS", p);
      s.initSign(priv);
      assertThrows(java.security.InvalidAlgorithmParameterException.class, () -> s.setParameter(other));
      assertThrows(java.security.InvalidKeyException.class,
          () -> Signature.getInstance("SHA256withRSA", p).initSign(priv));
    }
  }

  // ---- OAEP, PKCS#1 v1.5 encryption, raw RSA ---------------------------------------------------

  @Test
  void oaepInteroperatesWithSunJceBothWays() throws Exception {
    KeyPair kp = RsaTestKeys.rsa2048();
    for (String d : OAEP_DIGESTS) {
      String t = "RSA/ECB/OAEPWith" + d + "AndMGF1Padding";
      byte[] msg = RsaTestKeys.randomBytes(40);
      assertArrayEquals(msg, crypt(t, SUN_JCE, Cipher.DECRYPT_MODE, kp.getPrivate(), null,
          crypt(t, provider(), Cipher.ENCRYPT_MODE, kp.getPublic(), null, msg)), t);
      assertArrayEquals(msg, crypt(t, provider(), Cipher.DECRYPT_MODE, kp.getPrivate(), null,
          crypt(t, SUN_JCE, Cipher.ENCRYPT_MODE, kp.getPublic(), null, msg)), t);
      // JDK default: MGF1 uses SHA-1 whatever <digest> is.
      Cipher c = Cipher.getInstance(t, provider());
      c.init(Cipher.ENCRYPT_MODE, kp.getPublic());
      OAEPParameterSpec used = c.getParameters().getParameterSpec(OAEPParameterSpec.class);
      assertEquals("SHA-1", ((MGF1ParameterSpec) used.getMGFParameters()).getDigestAlgorithm());
    }
    OAEPParameterSpec spec = new OAEPParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA512,
        new PSource.PSpecified("label".getBytes()));
    for (KeyPair kp2 : List.of(kp, RsaTestKeys.rsa3072(), RsaTestKeys.rsa1025())) {
      int max = ((RSAKey) kp2.getPublic()).getModulus().bitLength() / 8 - 2 * 48 - 2;
      byte[] msg = RsaTestKeys.randomBytes(max);
      assertArrayEquals(msg, crypt("RSA/ECB/OAEPPadding", SUN_JCE, Cipher.DECRYPT_MODE, kp2.getPrivate(), spec,
          crypt("RSA/ECB/OAEPPadding", provider(), Cipher.ENCRYPT_MODE, kp2.getPublic(), spec, msg)));
      byte[] sunCt = crypt("RSA/ECB/OAEPPadding", SUN_JCE, Cipher.ENCRYPT_MODE, kp2.getPublic(), spec, msg);
      assertArrayEquals(msg, crypt("RSA/ECB/OAEPPadding", provider(), Cipher.DECRYPT_MODE, kp2.getPrivate(), spec,
          sunCt));
      // Wrong label: the one BadPaddingException SunJCE throws.
      OAEPParameterSpec wrong = new OAEPParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA512,
          new PSource.PSpecified("other".getBytes()));
      assertSameOutcome(() -> crypt("RSA/ECB/OAEPPadding", provider(), Cipher.DECRYPT_MODE, kp2.getPrivate(),
          wrong, sunCt), () -> crypt("RSA/ECB/OAEPPadding", SUN_JCE, Cipher.DECRYPT_MODE, kp2.getPrivate(), wrong,
          sunCt));
    }
    assertPrivateOpsServedByTier(7);
  }

  @Test
  void pkcs1AndRawCipherMatchSunJce() throws Exception {
    KeyPair kp = RsaTestKeys.rsa2048();
    for (int len : new int[] {0, 1, 16, 245}) {
      byte[] msg = RsaTestKeys.randomBytes(len);
      String t = "RSA/ECB/PKCS1Padding";
      assertArrayEquals(msg, crypt(t, SUN_JCE, Cipher.DECRYPT_MODE, kp.getPrivate(), null,
          crypt(t, provider(), Cipher.ENCRYPT_MODE, kp.getPublic(), null, msg)));
      assertArrayEquals(msg, crypt(t, provider(), Cipher.DECRYPT_MODE, kp.getPrivate(), null,
          crypt(t, SUN_JCE, Cipher.ENCRYPT_MODE, kp.getPublic(), null, msg)));
      // Private-key "encryption" (block type 1) is deterministic: byte-identical to SunJCE.
      byte[] accelT1 = crypt(t, provider(), Cipher.ENCRYPT_MODE, kp.getPrivate(), null, msg);
      assertArrayEquals(crypt(t, SUN_JCE, Cipher.ENCRYPT_MODE, kp.getPrivate(), null, msg), accelT1);
      assertArrayEquals(msg, crypt(t, provider(), Cipher.DECRYPT_MODE, kp.getPublic(), null, accelT1));
    }
    for (int len : new int[] {1, 100, 256}) {
      byte[] msg = RsaTestKeys.randomBytes(len);
      msg[0] &= 0x7f;
      String t = "RSA/ECB/NoPadding";
      for (var key : List.of(kp.getPublic(), kp.getPrivate())) {
        for (int mode : new int[] {Cipher.ENCRYPT_MODE, Cipher.DECRYPT_MODE}) {
          assertArrayEquals(crypt(t, SUN_JCE, mode, key, null, msg), crypt(t, provider(), mode, key, null, msg),
              t + " len " + len + " mode " + mode + " " + key.getClass().getSimpleName());
        }
      }
    }
    // update() collects input; doFinal into an array; getOutputSize; wrap/unwrap.
    Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding", provider());
    c.init(Cipher.ENCRYPT_MODE, kp.getPublic());
    assertEquals(256, c.getOutputSize(1));
    assertEquals(0, c.getBlockSize());
    assertNull(c.getIV());
    assertEquals(0, c.update(new byte[10]).length);
    byte[] out = new byte[300];
    assertEquals(256, c.doFinal(new byte[5], 0, 5, out, 7));
    byte[] ct = Arrays.copyOfRange(out, 7, 263);
    assertArrayEquals(new byte[15], crypt("RSA/ECB/PKCS1Padding", SUN_JCE, Cipher.DECRYPT_MODE, kp.getPrivate(),
        null, ct));
    SecretKeySpec aes = new SecretKeySpec(RsaTestKeys.randomBytes(32), "AES");
    for (String t : List.of("RSA/ECB/PKCS1Padding", "RSA/ECB/OAEPWithSHA-256AndMGF1Padding")) {
      Cipher w = Cipher.getInstance(t, provider());
      w.init(Cipher.WRAP_MODE, kp.getPublic());
      byte[] wrapped = w.wrap(aes);
      Cipher u = Cipher.getInstance(t, SUN_JCE);
      u.init(Cipher.UNWRAP_MODE, kp.getPrivate());
      assertEquals(aes, u.unwrap(wrapped, "AES", Cipher.SECRET_KEY));
      Cipher u2 = Cipher.getInstance(t, provider());
      u2.init(Cipher.UNWRAP_MODE, kp.getPrivate());
      assertEquals(aes, u2.unwrap(wrapped, "AES", Cipher.SECRET_KEY));
    }
    assertPrivateOpsServedByTier(4);
  }

  // ---- keys from everywhere ------------------------------------------------------------------

  @Test
  void keysFromOtherProvidersAndEncodings() throws Exception {
    KeyPair bcPair = RsaTestKeys.rsa2048b();
    KeyFactory bcKf = KeyFactory.getInstance("RSA", BC);
    PrivateKey bcPriv = bcKf.generatePrivate(new PKCS8EncodedKeySpec(bcPair.getPrivate().getEncoded()));
    PublicKey bcPub = bcKf.generatePublic(new X509EncodedKeySpec(bcPair.getPublic().getEncoded()));
    assertTrue(bcPriv.getClass().getName().startsWith("org.bouncycastle"), bcPriv.getClass().getName());
    RSAPrivateCrtKey c = RsaTestKeys.crt(bcPair);
    PrivateKey nonCrt = KeyFactory.getInstance("RSA", SUN_RSA)
        .generatePrivate(new RSAPrivateKeySpec(c.getModulus(), c.getPrivateExponent()));
    PrivateKey encodedOnly = new RsaTestKeys.EncodedOnlyPrivateKey(bcPair.getPrivate().getEncoded());
    PublicKey encodedOnlyPub = new RsaTestKeys.EncodedOnlyPublicKey(bcPair.getPublic().getEncoded());
    byte[] msg = RsaTestKeys.randomBytes(50);
    byte[] expected = sign("SHA256withRSA", SUN_RSA, bcPair.getPrivate(), msg);
    for (PrivateKey k : List.of(bcPriv, nonCrt, encodedOnly)) {
      assertArrayEquals(expected, sign("SHA256withRSA", provider(), k, msg), k.getClass().getName());
    }
    for (PublicKey k : List.of(bcPub, encodedOnlyPub)) {
      assertTrue(verify("SHA256withRSA", provider(), k, msg, expected), k.getClass().getName());
      byte[] ct = crypt("RSA/ECB/OAEPPadding", provider(), Cipher.ENCRYPT_MODE, k, null, msg);
      assertArrayEquals(msg, crypt("RSA/ECB/OAEPPadding", SUN_JCE, Cipher.DECRYPT_MODE, bcPair.getPrivate(), null,
          ct));
    }
    // Accel's KeyFactory: same encodings and specs as SunRsaSign; keys work with other providers.
    KeyFactory kf = KeyFactory.getInstance("RSA", provider());
    PrivateKey viaAccel = kf.generatePrivate(new PKCS8EncodedKeySpec(bcPriv.getEncoded()));
    assertArrayEquals(bcPair.getPrivate().getEncoded(), viaAccel.getEncoded());
    assertArrayEquals(bcPair.getPublic().getEncoded(), kf.translateKey(bcPub).getEncoded());
    assertEquals(KeyFactory.getInstance("RSA", SUN_RSA).getKeySpec(bcPriv, RSAPrivateKeySpec.class).getModulus(),
        kf.getKeySpec(bcPriv, RSAPrivateKeySpec.class).getModulus());
    assertArrayEquals(expected, sign("SHA256withRSA", SUN_RSA, viaAccel, msg));
    // Accel's KeyPairGenerator defaults to SunRsaSign's size.
    assertEquals(3072, ((RSAKey) KeyPairGenerator.getInstance("RSA", provider()).generateKeyPair().getPublic())
        .getModulus().bitLength());
  }

  @Test
  void multiPrimeKeyIsNeverUsedAsTwoPrimeCrt() throws Exception {
    KeyPair kp = RsaTestKeys.multiPrime();
    byte[] msg = RsaTestKeys.randomBytes(32);
    byte[] sig = sign("SHA256withRSA", provider(), kp.getPrivate(), msg);
    assertArrayEquals(sign("SHA256withRSA", SUN_RSA, kp.getPrivate(), msg), sig);
    assertTrue(verify("SHA256withRSA", SUN_RSA, kp.getPublic(), msg, sig));
    byte[] ct = crypt("RSA/ECB/PKCS1Padding", SUN_JCE, Cipher.ENCRYPT_MODE, kp.getPublic(), null, msg);
    assertArrayEquals(msg, crypt("RSA/ECB/PKCS1Padding", provider(), Cipher.DECRYPT_MODE, kp.getPrivate(), null, ct));
    assertEquals(0, privateOps("device"), "multi-prime keys never reach a CRT device\n" + provider().renderStats());
    assertEquals(2, provider().stats().opsWithReason(Router.ALG_RSA_PRIVATE, RouteReason.NO_CRT.label()),
        provider().renderStats());
  }

  @Test
  void deviceResidentHandleRoutesToAccelWhateverTheProviderOrder() throws Exception {
    KeyPair kp = RsaTestKeys.rsa2048();
    java.security.PrivateKey h = AccelKeys.deviceResident(RsaTestKeys.crt(kp));
    assertNull(h.getEncoded());
    assertNull(h.getFormat());
    assertEquals("RSA", h.getAlgorithm());
    assertFalse(java.security.interfaces.RSAPrivateKey.class.isAssignableFrom(h.getClass()));
    assertEquals(((RSAKey) kp.getPublic()).getModulus(), ((RSAKey) h).getModulus());
    Provider p = provider();
    assertNull(Security.getProvider(p.getName()), "another Accel instance is installed");
    Security.addProvider(p); // last: SunRsaSign and SunJCE come first
    try {
      byte[] msg = RsaTestKeys.randomBytes(40);
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(h);
      assertSame(p, s.getProvider());
      s.update(msg);
      assertArrayEquals(sign("SHA256withRSA", SUN_RSA, kp.getPrivate(), msg), s.sign());
      // Key first: JCA picks the provider at the first call that needs one, and setParameter before
      // init would pick SunRsaSign (which then rejects the handle). JSSE passes key and parameters
      // together, which selects by key.
      Signature pss = Signature.getInstance("RSASSA-PSS");
      pss.initSign(h);
      pss.setParameter(PSSParameterSpec.DEFAULT);
      assertSame(p, pss.getProvider());
      pss.update(msg);
      assertTrue(pssVerify(SUN_RSA, kp.getPublic(), PSSParameterSpec.DEFAULT, msg, pss.sign()));
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
      c.init(Cipher.DECRYPT_MODE, h);
      assertSame(p, c.getProvider());
      byte[] ct = crypt("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", SUN_JCE, Cipher.ENCRYPT_MODE, kp.getPublic(), null,
          msg);
      assertArrayEquals(msg, c.doFinal(ct));
      // A plain key still goes to SunRsaSign first.
      Signature plain = Signature.getInstance("SHA256withRSA");
      plain.initSign(kp.getPrivate());
      assertSame(SUN_RSA, plain.getProvider());
    } finally {
      Security.removeProvider(p.getName());
    }
    assertThrows(java.security.InvalidKeyException.class,
        () -> Signature.getInstance("SHA256withRSA", SUN_RSA).initSign(h));
    // Handles obey SunRsaSign's key-size rules (a 8-bit "key" from a foreign provider).
    RSAPrivateCrtKey tiny = (RSAPrivateCrtKey) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {RSAPrivateCrtKey.class},
        (proxy, m, args) -> switch (m.getName()) {
          case "getAlgorithm" -> "RSA";
          case "getParams", "getEncoded", "getFormat" -> null;
          case "hashCode" -> 1;
          case "equals" -> proxy == args[0];
          default -> java.math.BigInteger.valueOf(187);
        });
    var e = assertThrows(java.security.InvalidKeyException.class, () -> AccelKeys.deviceResident(tiny));
    assertEquals("RSA keys must be at least 512 bits long", e.getMessage());
    assertThrows(java.security.InvalidKeyException.class, () -> AccelKeys.deviceResident(null));
    assertPrivateOpsServedByTier(3);
  }


  // ---- misuse matrix: exactly the JDK's exception types ---------------------------------------

  @Test
  void signatureMisuseMatrixMatchesSunRsaSign() throws Exception {
    KeyPair kp = RsaTestKeys.rsa2048();
    KeyPair small = RsaTestKeys.rsa1024();
    PrivateKey ecPriv = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
    PSSParameterSpec sha256 = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
    List<SigScenario> scenarios = List.of(
        s -> { s.get("SHA256withRSA").initSign(null); return null; },
        s -> { s.get("SHA256withRSA").initVerify((PublicKey) null); return null; },
        s -> { s.get("SHA256withRSA").initSign(ecPriv); return null; },
        s -> s.get("SHA256withRSA").sign(),
        s -> { s.get("SHA256withRSA").update(new byte[1]); return null; },
        s -> { Signature x = s.get("SHA256withRSA"); x.initVerify(kp.getPublic()); return x.sign(); },
        s -> { Signature x = s.get("SHA256withRSA"); x.initSign(kp.getPrivate()); return x.verify(new byte[256]); },
        s -> { Signature x = s.get("SHA256withRSA"); x.initVerify(kp.getPublic()); return x.verify(new byte[255]); },
        s -> { Signature x = s.get("SHA256withRSA"); x.initVerify(kp.getPublic()); return x.verify(new byte[256]); },
        s -> { Signature x = s.get("SHA256withRSA"); x.initVerify(kp.getPublic()); return x.verify(null); },
        s -> { Signature x = s.get("SHA256withRSA"); x.initVerify(kp.getPublic());
               byte[] ff = new byte[256]; Arrays.fill(ff, (byte) 0xff); return x.verify(ff); },
        s -> { Signature x = s.get("SHA256withRSA"); x.initSign(kp.getPrivate()); x.update((byte[]) null); return null; },
        s -> { Signature x = s.get("SHA256withRSA"); x.initSign(kp.getPrivate()); x.update(new byte[4], 3, 2); return null; },
        s -> { s.get("SHA256withRSA").setParameter(sha256); return null; },
        s -> { s.get("SHA256withRSA").setParameter(null); return null; },
        s -> s.get("SHA256withRSA").getParameters(),
        s -> { s.get("SHA512withRSA").initSign(RsaTestKeys.rsa1025().getPrivate()); return null; },
        s -> { s.get("RSASSA-PSS").setParameter(null); return null; },
        s -> { s.get("RSASSA-PSS").setParameter(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4)); return null; },
        s -> { s.get("RSASSA-PSS").setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 2)); return null; },
        s -> { s.get("RSASSA-PSS").setParameter(new PSSParameterSpec("SHA-256", "MGF2", MGF1ParameterSpec.SHA256, 32, 1)); return null; },
        s -> { Signature x = s.get("RSASSA-PSS"); x.initSign(small.getPrivate());
               x.setParameter(new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1)); return null; },
        s -> { Signature x = s.get("RSASSA-PSS"); x.setParameter(new PSSParameterSpec("SHA-512", "MGF1",
               MGF1ParameterSpec.SHA512, 64, 1)); x.initSign(small.getPrivate()); return null; },
        s -> { Signature x = s.get("RSASSA-PSS"); x.initSign(kp.getPrivate()); return x.sign(); },
        s -> { Signature x = s.get("RSASSA-PSS"); x.initSign(kp.getPrivate()); x.update(new byte[1]); return null; },
        s -> { Signature x = s.get("RSASSA-PSS"); x.initSign(ecPriv); return null; },
        s -> { Signature x = s.get("RSASSA-PSS"); x.setParameter(sha256); x.initVerify(kp.getPublic()); return x.verify(new byte[255]); },
        s -> { Signature x = s.get("RSASSA-PSS"); x.setParameter(sha256); x.initVerify(kp.getPublic()); return x.verify(new byte[256]); },
        s -> { Signature x = s.get("RSASSA-PSS"); x.setParameter(sha256); x.initSign(kp.getPrivate());
               x.update(new byte[1]); x.setParameter(PSSParameterSpec.DEFAULT); return null; },
        s -> s.get("RSASSA-PSS").getParameters());
    for (int i = 0; i < scenarios.size(); i++) {
      SigScenario sc = scenarios.get(i);
      assertSameOutcome("signature scenario " + i, () -> sc.run(alg -> Signature.getInstance(alg, provider())),
          () -> sc.run(alg -> Signature.getInstance(alg, SUN_RSA)));
    }
  }

  @Test
  void cipherMisuseMatrixMatchesSunJce() throws Exception {
    KeyPair kp = RsaTestKeys.rsa2048();
    KeyPair small = RsaTestKeys.rsa1024();
    PrivateKey ecPriv = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
    byte[] ff = new byte[256];
    Arrays.fill(ff, (byte) 0xff);
    List<CipherScenario> scenarios = List.of(
        c -> { c.get("RSA/ECB/PKCS1Padding").init(Cipher.ENCRYPT_MODE, ecPriv); return null; },
        c -> { c.get("RSA/ECB/PKCS1Padding").init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "AES")); return null; },
        c -> { c.get("RSA/ECB/PKCS1Padding").init(Cipher.ENCRYPT_MODE, (java.security.Key) null); return null; },
        c -> c.get("RSA/ECB/PKCS1Padding").getOutputSize(5),
        c -> c.get("RSA/ECB/PKCS1Padding").doFinal(new byte[1]),
        c -> c.get("RSA/CBC/PKCS1Padding"),
        c -> c.get("RSA/ECB/OAEPWithMD2AndMGF1Padding"),
        c -> c.get("RSA/ECB/FooPadding"),
        c -> init(c.get("RSA/ECB/PKCS1Padding"), Cipher.ENCRYPT_MODE, kp.getPublic()).doFinal(new byte[246]),
        c -> init(c.get("RSA/ECB/PKCS1Padding"), Cipher.ENCRYPT_MODE, kp.getPublic()).doFinal(new byte[245]).length,
        c -> { Cipher x = init(c.get("RSA/ECB/PKCS1Padding"), Cipher.ENCRYPT_MODE, kp.getPublic());
               try { x.doFinal(new byte[300]); } catch (Exception e) { /* stays over-full, as SunJCE */ }
               return x.doFinal(new byte[3]); },
        c -> init(c.get("RSA/ECB/PKCS1Padding"), Cipher.DECRYPT_MODE, kp.getPrivate()).doFinal(new byte[256]),
        c -> init(c.get("RSA/ECB/PKCS1Padding"), Cipher.DECRYPT_MODE, kp.getPrivate()).doFinal(new byte[257]),
        c -> init(c.get("RSA/ECB/PKCS1Padding"), Cipher.DECRYPT_MODE, kp.getPrivate()).doFinal(ff),
        c -> init(c.get("RSA/ECB/PKCS1Padding"), Cipher.DECRYPT_MODE, kp.getPublic()).doFinal(new byte[256]),
        c -> init(c.get("RSA/ECB/NoPadding"), Cipher.ENCRYPT_MODE, kp.getPublic()).doFinal(new byte[257]),
        c -> init(c.get("RSA/ECB/NoPadding"), Cipher.ENCRYPT_MODE, kp.getPublic()).doFinal(ff),
        c -> init(c.get("RSA/ECB/NoPadding"), Cipher.DECRYPT_MODE, kp.getPrivate()).doFinal(ff),
        c -> init(c.get("RSA/ECB/OAEPPadding"), Cipher.ENCRYPT_MODE, kp.getPublic()).doFinal(new byte[215]),
        c -> init(c.get("RSA/ECB/OAEPPadding"), Cipher.ENCRYPT_MODE, kp.getPublic()).doFinal(new byte[214]).length,
        c -> init(c.get("RSA/ECB/OAEPPadding"), Cipher.DECRYPT_MODE, kp.getPrivate()).doFinal(new byte[256]),
        c -> init(c.get("RSA/ECB/OAEPPadding"), Cipher.DECRYPT_MODE, kp.getPrivate()).doFinal(new byte[100]),
        c -> init(c.get("RSA/ECB/OAEPPadding"), Cipher.DECRYPT_MODE, kp.getPrivate()).doFinal(ff),
        c -> init(c.get("RSA/ECB/OAEPPadding"), Cipher.ENCRYPT_MODE, kp.getPrivate()),
        c -> init(c.get("RSA/ECB/OAEPPadding"), Cipher.DECRYPT_MODE, kp.getPublic()),
        c -> init(c.get("RSA/ECB/OAEPWithSHA-512AndMGF1Padding"), Cipher.ENCRYPT_MODE, RsaTestKeys.rsa1025().getPublic()),
        c -> { c.get("RSA/ECB/OAEPPadding").init(Cipher.ENCRYPT_MODE, kp.getPublic(), PSSParameterSpec.DEFAULT); return null; },
        c -> { c.get("RSA/ECB/PKCS1Padding").init(Cipher.ENCRYPT_MODE, kp.getPublic(),
               new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT)); return null; },
        c -> { c.get("RSA/ECB/NoPadding").init(Cipher.ENCRYPT_MODE, kp.getPublic(), PSSParameterSpec.DEFAULT); return null; },
        c -> { c.get("RSA/ECB/OAEPPadding").init(Cipher.ENCRYPT_MODE, kp.getPublic(),
               new OAEPParameterSpec("SHA-256", "MGF2", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT)); return null; },
        c -> { AlgorithmParameters ap = AlgorithmParameters.getInstance("RSASSA-PSS");
               ap.init(PSSParameterSpec.DEFAULT);
               c.get("RSA/ECB/OAEPPadding").init(Cipher.ENCRYPT_MODE, kp.getPublic(), ap); return null; },
        c -> init(c.get("RSA/ECB/PKCS1Padding"), Cipher.ENCRYPT_MODE, kp.getPublic()).doFinal(new byte[1], 0, 1, new byte[255], 0),
        c -> init(c.get("RSA/ECB/PKCS1Padding"), Cipher.WRAP_MODE, kp.getPublic()).wrap(new SecretKeySpec(new byte[250], "AES")),
        c -> init(c.get("RSA/ECB/PKCS1Padding"), Cipher.UNWRAP_MODE, kp.getPrivate()).unwrap(new byte[256], "AES", Cipher.SECRET_KEY),
        c -> init(c.get("RSA/ECB/PKCS1Padding"), Cipher.UNWRAP_MODE, kp.getPrivate()).unwrap(new byte[257], "AES", Cipher.SECRET_KEY),
        c -> { Cipher x = c.get("RSA/ECB/OAEPWithSHA-256AndMGF1Padding"); Object before = x.getParameters();
               x.init(Cipher.ENCRYPT_MODE, kp.getPublic());
               return before + " " + x.getParameters().getParameterSpec(OAEPParameterSpec.class).getDigestAlgorithm(); },
        c -> init(c.get("RSA/ECB/OAEPWithSHA-512AndMGF1Padding"), Cipher.ENCRYPT_MODE, small.getPublic()).getOutputSize(0));
    for (int i = 0; i < scenarios.size(); i++) {
      CipherScenario sc = scenarios.get(i);
      assertSameOutcome("cipher scenario " + i, () -> sc.run(t -> Cipher.getInstance(t, provider())),
          () -> sc.run(t -> Cipher.getInstance(t, SUN_JCE)));
    }
  }

  static Cipher init(Cipher c, int mode, java.security.Key k) throws Exception {
    c.init(mode, k);
    return c;
  }

  interface SigFactory {
    Signature get(String alg) throws Exception;
  }

  interface SigScenario {
    Object run(SigFactory f) throws Throwable;
  }

  interface CipherFactory {
    Cipher get(String transformation) throws Exception;
  }

  interface CipherScenario {
    Object run(CipherFactory f) throws Throwable;
  }

  // ---- helpers -------------------------------------------------------------------------------

  static byte[] sign(String alg, Provider p, PrivateKey k, byte[] msg) throws Exception {
    Signature s = Signature.getInstance(alg, p);
    s.initSign(k);
    s.update(msg);
    return s.sign();
  }

  static boolean verify(String alg, Provider p, PublicKey k, byte[] msg, byte[] sig) throws Exception {
    Signature s = Signature.getInstance(alg, p);
    s.initVerify(k);
    s.update(msg);
    return s.verify(sig);
  }

  static byte[] pssSign(Provider p, PrivateKey k, PSSParameterSpec spec, byte[] msg) throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS", p);
    s.setParameter(spec);
    s.initSign(k);
    s.update(msg);
    return s.sign();
  }

  static boolean pssVerify(Provider p, PublicKey k, PSSParameterSpec spec, byte[] msg, byte[] sig)
      throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS", p);
    s.setParameter(spec);
    s.initVerify(k);
    s.update(msg);
    return s.verify(sig);
  }

  static byte[] crypt(String t, Provider p, int mode, java.security.Key k, java.security.spec.AlgorithmParameterSpec spec,
      byte[] in) throws Exception {
    Cipher c = Cipher.getInstance(t, p);
    if (spec == null) {
      c.init(mode, k);
    } else {
      c.init(mode, k, spec);
    }
    return c.doFinal(in);
  }

  interface Action {
    Object run() throws Throwable;
  }

  /** Runs both actions; both must succeed, or both fail with the same exception class. */
  static void assertSameOutcome(Action accel, Action jdk) {
    assertSameOutcome("", accel, jdk);
  }

  static void assertSameOutcome(String label, Action accel, Action jdk) {
    Throwable a = null;
    Throwable j = null;
    try {
      accel.run();
    } catch (Throwable t) {
      a = t;
    }
    try {
      jdk.run();
    } catch (Throwable t) {
      j = t;
    }
    String desc = label + " Accel: " + a + " / reference: " + j;
    assertEquals(j == null, a == null, desc);
    if (j != null) {
      assertEquals(j.getClass(), a.getClass(), desc);
      if (j instanceof javax.crypto.IllegalBlockSizeException || j instanceof javax.crypto.BadPaddingException
          || j instanceof java.security.SignatureException) {
        assertEquals(Objects.toString(j.getMessage()), Objects.toString(a.getMessage()), desc);
      }
    }
  }
}

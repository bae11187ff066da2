package dev.accel.rsa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.EmulatorControl;
import dev.accel.router.RouteReason;
import dev.accel.router.Router;
import dev.accel.testing.Tier;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A CRT key with a corrupted part (a flipped bit in dp, dq or qinv; dp + 1) makes every CRT
 * result wrong, and one wrong CRT signature factors n (gcd(s - s0, n) = p). SunRsaSign refuses to
 * release such a result ({@code SignatureException}; SunJCE's decryption then fails its padding
 * check, {@code BadPaddingException}). Accel must do the same on every tier and device (issue 16
 * item 3): the JDK's exception, never a released result, never a runtime exception. On emu the
 * device also corrupts results (CORRUPT injected), so the faulty key meets both kinds of fault.
 */
class FaultyKeyTest {
  private static final Provider SUN_RSA = Security.getProvider("SunRsaSign");
  private static final Provider SUN_JCE = Security.getProvider("SunJCE");
  private static final byte[] MSG = "a message that must not leak the key".getBytes();

  /** name, how the key is damaged */
  static List<Arguments> faults() {
    return List.of(
        Arguments.of("dp bit 5 flipped", (UnaryOperator<RSAPrivateCrtKeySpec>) s -> spec(s, s.getPrimeExponentP().flipBit(5), s.getPrimeExponentQ(), s.getCrtCoefficient())),
        Arguments.of("dq bit 100 flipped", (UnaryOperator<RSAPrivateCrtKeySpec>) s -> spec(s, s.getPrimeExponentP(), s.getPrimeExponentQ().flipBit(100), s.getCrtCoefficient())),
        Arguments.of("qinv bit 0 flipped", (UnaryOperator<RSAPrivateCrtKeySpec>) s -> spec(s, s.getPrimeExponentP(), s.getPrimeExponentQ(), s.getCrtCoefficient().flipBit(0))),
        Arguments.of("dp + 1", (UnaryOperator<RSAPrivateCrtKeySpec>) s -> spec(s, s.getPrimeExponentP().add(BigInteger.ONE), s.getPrimeExponentQ(), s.getCrtCoefficient())));
  }

  private static RSAPrivateCrtKeySpec spec(RSAPrivateCrtKeySpec s, BigInteger dp, BigInteger dq, BigInteger qinv) {
    return new RSAPrivateCrtKeySpec(s.getModulus(), s.getPublicExponent(), s.getPrivateExponent(),
        s.getPrimeP(), s.getPrimeQ(), dp, dq, qinv);
  }

  private static PrivateKey faulty(KeyPair kp, UnaryOperator<RSAPrivateCrtKeySpec> damage) throws Exception {
    RSAPrivateCrtKey k = (RSAPrivateCrtKey) kp.getPrivate();
    RSAPrivateCrtKeySpec good = new RSAPrivateCrtKeySpec(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
        k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient());
    return KeyFactory.getInstance("RSA", SUN_RSA).generatePrivate(damage.apply(good));
  }

  private static List<Arguments> cases() {
    List<Arguments> out = new java.util.ArrayList<>();
    for (String tier : List.of("emu", "emu-corrupt", "cpu", "bc", "jdk", "native")) {
      for (Arguments f : faults()) {
        out.add(Arguments.of(tier, f.get()[0], f.get()[1]));
      }
    }
    return out;
  }

  private static AccelProvider provider(String tier) {
    return switch (tier) {
      case "emu", "emu-corrupt" -> Tier.EMU.newProvider();
      case "cpu" -> Tier.CPU.newProvider();
      case "bc" -> Tier.BC.newProvider();
      case "jdk" -> Tier.JDK.newProvider();
      case "native" -> AccelProvider.withConfig(Map.of("accel.devices", "none", "accel.software", "native"));
      default -> throw new IllegalArgumentException(tier);
    };
  }

  private static byte[] sign(String alg, Provider p, PrivateKey k, java.security.spec.AlgorithmParameterSpec params)
      throws Exception {
    Signature s = Signature.getInstance(alg, p);
    if (params != null) {
      s.setParameter(params);
    }
    s.initSign(k);
    s.update(MSG);
    return s.sign();
  }

  private static byte[] decrypt(String transformation, Provider p, PrivateKey k, byte[] ct) throws Exception {
    Cipher c = Cipher.getInstance(transformation, p);
    c.init(Cipher.DECRYPT_MODE, k);
    return c.doFinal(ct);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void aFaultyCrtKeyGetsTheJdksExceptionNeverAResult(String tier, String fault, UnaryOperator<RSAPrivateCrtKeySpec> damage)
      throws Exception {
    KeyPair kp = RsaTestKeys.rsa2048();
    PrivateKey bad = faulty(kp, damage);
    PSSParameterSpec pss = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
    // What the JDK does with this key: refuses to sign; its decryption fails the padding check.
    assertThrows(SignatureException.class, () -> sign("SHA256withRSA", SUN_RSA, bad, null));
    assertThrows(SignatureException.class, () -> sign("RSASSA-PSS", SUN_RSA, bad, pss));
    Cipher enc = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", SUN_JCE);
    enc.init(Cipher.ENCRYPT_MODE, kp.getPublic());
    byte[] oaepCt = enc.doFinal(MSG);
    Cipher enc1 = Cipher.getInstance("RSA/ECB/PKCS1Padding", SUN_JCE);
    enc1.init(Cipher.ENCRYPT_MODE, kp.getPublic());
    byte[] pkcs1Ct = enc1.doFinal(MSG);
    assertThrows(BadPaddingException.class, () -> decrypt("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", SUN_JCE, bad, oaepCt));

    AccelProvider p = provider(tier);
    EmulatorControl emu = null;
    if (tier.equals("emu-corrupt")) {
      emu = p.router().devices().get(0).emulator().orElseThrow();
      emu.inject(EmulatorControl.Fault.CORRUPT, 1_000, 0);
    }
    try {
      SignatureException e1 = assertThrows(SignatureException.class, () -> sign("SHA256withRSA", p, bad, null));
      assertTrue(e1.getCause() instanceof BadPaddingException, String.valueOf(e1.getCause()));
      assertThrows(SignatureException.class, () -> sign("RSASSA-PSS", p, bad, pss));
      assertThrows(BadPaddingException.class, () -> decrypt("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", p, bad, oaepCt));
      assertThrows(BadPaddingException.class, () -> decrypt("RSA/ECB/PKCS1Padding", p, bad, pkcs1Ct));
      // Four private-key operations, each refused after every engine's check failed.
      assertTrue(p.stats().opsWithReason(Router.ALG_RSA_PRIVATE, RouteReason.FAULT_VERIFY.label()) >= 4,
          p.renderStats());
      // The same provider still signs with the intact key, correctly (checked with the JDK).
      if (emu != null) {
        emu.inject(EmulatorControl.Fault.CLEAR, 0, 0);
      }
      byte[] good = sign("SHA256withRSA", p, kp.getPrivate(), null);
      assertArrayEquals(sign("SHA256withRSA", SUN_RSA, kp.getPrivate(), null), good);
    } finally {
      if (emu != null) {
        emu.inject(EmulatorControl.Fault.CLEAR, 0, 0);
      }
    }
  }

  /** The JDK's verdict, or the class of the exception it throws. */
  private static String verdict(Provider p, java.security.PublicKey key, byte[] sig) {
    try {
      Signature v = Signature.getInstance("SHA256withRSA", p);
      v.initVerify(key);
      v.update(MSG);
      return Boolean.toString(v.verify(sig));
    } catch (Exception e) {
      return e.getClass().getName();
    }
  }

  /**
   * Public keys that SunRsaSign accepts and Bouncy Castle's key validation refuses (an even modulus,
   * a modulus with a small factor) get the JDK's answer on every tier: a failed verification, not
   * an IllegalArgumentException.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("tiers")
  void publicKeysBouncyCastleRefusesGetTheJdksAnswer(String tier) throws Exception {
    AccelProvider p = provider(tier);
    BigInteger n = ((java.security.interfaces.RSAPublicKey) RsaTestKeys.rsa2048().getPublic()).getModulus();
    KeyFactory kf = KeyFactory.getInstance("RSA", SUN_RSA);
    byte[] sig = new byte[256];
    sig[0] = 0x01;
    sig[255] = 0x33;
    BigInteger three = BigInteger.valueOf(3);
    BigInteger multipleOf3 = n.subtract(n.mod(three)); // odd or even; make it odd, keep the factor 3
    if (!multipleOf3.testBit(0)) {
      multipleOf3 = multipleOf3.subtract(three);
    }
    for (BigInteger modulus : List.of(n.add(BigInteger.ONE) /* even */, multipleOf3 /* small factor */)) {
      java.security.PublicKey pub =
          kf.generatePublic(new java.security.spec.RSAPublicKeySpec(modulus, BigInteger.valueOf(65537)));
      assertEquals(verdict(SUN_RSA, pub, sig), verdict(p, pub, sig), tier + " modulus " + modulus.toString(16));
    }
  }

  static List<String> tiers() {
    return List.of("emu", "cpu", "bc", "jdk", "native");
  }
}

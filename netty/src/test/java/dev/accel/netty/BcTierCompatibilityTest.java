package dev.accel.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Map;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.junit.jupiter.api.Test;

/**
 * This module runs Accel on bcprov 1.84 (the release bctls is served at): Accel's Bouncy Castle
 * software tier must give SunJCE/SUN/SunRsaSign's answers on it.
 */
class BcTierCompatibilityTest {
  private final AccelProvider accel =
      AccelProvider.withConfig(Map.of("accel.devices", "none", "accel.software", "bc"));

  @Test
  void bcprovOnTheClassPathIs184() {
    String jar = GCMBlockCipher.class.getProtectionDomain().getCodeSource().getLocation().toString();
    assertTrue(jar.contains("bcprov-jdk18on-1.84"), jar);
  }

  @Test
  void aesGcmMatchesSunJce() throws Exception {
    Random r = new Random(1);
    for (int keyLen : new int[] {16, 32}) {
      byte[] key = new byte[keyLen];
      byte[] iv = new byte[12];
      byte[] aad = new byte[13];
      byte[] pt = new byte[20_000];
      r.nextBytes(key);
      r.nextBytes(iv);
      r.nextBytes(aad);
      r.nextBytes(pt);
      SecretKeySpec k = new SecretKeySpec(key, "AES");
      Cipher a = Cipher.getInstance("AES/GCM/NoPadding", accel);
      a.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv));
      a.updateAAD(aad);
      byte[] ct = a.doFinal(pt);
      Cipher j = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      j.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv));
      j.updateAAD(aad);
      assertArrayEquals(j.doFinal(pt), ct);
      a.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, iv));
      a.updateAAD(aad);
      assertArrayEquals(pt, a.doFinal(ct));
    }
    assertEquals(4, accel.stats().opsWithReason(null, "no-device") - accel.stats().opsWithReason("SHA-256", "no-device"));
  }

  @Test
  void sha2MatchesSun() throws Exception {
    byte[] m = new byte[100_000];
    new Random(2).nextBytes(m);
    for (String alg : new String[] {"SHA-224", "SHA-256", "SHA-384", "SHA-512"}) {
      assertArrayEquals(
          MessageDigest.getInstance(alg, "SUN").digest(m),
          MessageDigest.getInstance(alg, accel).digest(m),
          alg);
    }
  }

  @Test
  void rsaSignaturesMatchSunRsaSign() throws Exception {
    TestPki pki = TestPki.rsa2048();
    byte[] m = "handshake transcript".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Signature a = Signature.getInstance("SHA256withRSA", accel);
    a.initSign(pki.key());
    a.update(m);
    Signature j = Signature.getInstance("SHA256withRSA", "SunRsaSign");
    j.initSign(pki.key());
    j.update(m);
    assertArrayEquals(j.sign(), a.sign(), "PKCS#1 v1.5 is deterministic");

    PSSParameterSpec pss = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
    Signature ap = Signature.getInstance("RSASSA-PSS", accel);
    ap.initSign(pki.key());
    ap.setParameter(pss);
    ap.update(m);
    byte[] sig = ap.sign();
    Signature v = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
    v.initVerify(pki.cert().getPublicKey());
    v.setParameter(pss);
    v.update(m);
    assertTrue(v.verify(sig));
  }
}

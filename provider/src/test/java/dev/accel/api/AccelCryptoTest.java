package dev.accel.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.DeviceSelfTest;
import dev.accel.device.NativeDevice;
import dev.accel.metrics.RouteCounters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batch and async API gives the JDK's results on every tier (the emulated device, where the
 * messages of one call go in one submission; the cpu device; each software tier), and fails each
 * element the way JCA would.
 */
class AccelCryptoTest {
  static PrivateKey rsaPrivate;
  static PublicKey rsaPublic;

  static {
    try {
      RsaKeyMaterial k = DeviceSelfTest.rsaTestKey();
      KeyFactory kf = KeyFactory.getInstance("RSA");
      rsaPrivate = kf.generatePrivate(new RSAPrivateCrtKeySpec(
          k.modulus(), k.publicExponent(), k.privateExponent(), k.p(), k.q(), k.dp(), k.dq(), k.qinv()));
      rsaPublic = kf.generatePublic(new RSAPublicKeySpec(k.modulus(), k.publicExponent()));
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static AccelProvider provider(String tier) {
    Map<String, String> c = new HashMap<>();
    switch (tier) {
      case "emu", "cpu" -> c.put("accel.devices", tier);
      default -> {
        c.put("accel.devices", "none");
        c.put("accel.software", tier);
      }
    }
    c.put("accel.threshold.aes-gcm", "0");
    c.put("accel.threshold.sha2", "0");
    c.put("accel.calibrate", "false");
    return AccelProvider.withConfig(c);
  }

  private static byte[] bytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu", "bc", "jdk"})
  void sealAllAndOpenAllMatchSunJce(String tier) throws Exception {
    AccelProvider p = provider(tier);
    SplittableRandom r = new SplittableRandom(1);
    SecretKeySpec key = new SecretKeySpec(bytes(r, 32), "AES");
    List<GcmRequest> seals = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      byte[] iv = bytes(r, 12);
      byte[] aad = bytes(r, i % 20);
      byte[] pt = bytes(r, 1 + i * 37);
      int tag = 12 + (i % 5);
      seals.add(new GcmRequest(key, iv, tag, aad, pt));
      Cipher sun = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      sun.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(tag * 8, iv));
      sun.updateAAD(aad);
      expected.add(sun.doFinal(pt));
    }
    List<CompletableFuture<byte[]>> sealed = p.crypto().sealAll(seals);
    List<GcmRequest> opens = new ArrayList<>();
    for (int i = 0; i < seals.size(); i++) {
      assertArrayEquals(expected.get(i), sealed.get(i).get(10, TimeUnit.SECONDS), "seal " + i);
      GcmRequest s = seals.get(i);
      byte[] ct = expected.get(i).clone();
      if (i % 7 == 3) {
        ct[0] ^= 1; // element i fails alone with the JCA exception
      }
      opens.add(new GcmRequest(key, s.iv(), s.tagLenBytes(), s.aad(), ct));
    }
    List<CompletableFuture<byte[]>> opened = p.crypto().openAll(opens);
    for (int i = 0; i < opens.size(); i++) {
      if (i % 7 == 3) {
        int n = i;
        ExecutionException e = assertThrows(ExecutionException.class, () -> opened.get(n).get(10, TimeUnit.SECONDS));
        assertInstanceOf(AEADBadTagException.class, e.getCause());
      } else {
        assertArrayEquals(seals.get(i).input(), opened.get(i).get(10, TimeUnit.SECONDS), "open " + i);
      }
    }
    assertArrayEquals(expected.get(0), p.crypto().sealAsync(seals.get(0)).get(10, TimeUnit.SECONDS));
    assertArrayEquals(seals.get(1).input(), p.crypto().openAsync(
        new GcmRequest(key, seals.get(1).iv(), seals.get(1).tagLenBytes(), seals.get(1).aad(), expected.get(1)))
        .get(10, TimeUnit.SECONDS));
    if (tier.equals("emu") || tier.equals("cpu")) {
      assertEquals(48 + 48 + 2, p.stats().ops(null, RouteCounters.DEVICE), p.stats().render());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "bc"})
  void invalidElementsFailAloneWithJcaExceptions(String tier) throws Exception {
    AccelProvider p = provider(tier);
    SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
    List<CompletableFuture<byte[]>> f = p.crypto().sealAll(List.of(
        new GcmRequest(key, new byte[12], 16, new byte[0], new byte[10]),
        new GcmRequest(key, new byte[12], 11, new byte[0], new byte[10]),
        new GcmRequest(new SecretKeySpec(new byte[16], "DES"), new byte[12], 16, new byte[0], new byte[1]),
        new GcmRequest(key, new byte[0], 16, new byte[0], new byte[1])));
    assertEquals(26, f.get(0).get(10, TimeUnit.SECONDS).length);
    assertInstanceOf(java.security.InvalidAlgorithmParameterException.class,
        assertThrows(ExecutionException.class, () -> f.get(1).get()).getCause());
    assertInstanceOf(java.security.InvalidKeyException.class,
        assertThrows(ExecutionException.class, () -> f.get(2).get()).getCause());
    assertInstanceOf(java.security.InvalidAlgorithmParameterException.class,
        assertThrows(ExecutionException.class, () -> f.get(3).get()).getCause());
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu", "bc", "jdk"})
  void digestAllMatchesSun(String tier) throws Exception {
    AccelProvider p = provider(tier);
    SplittableRandom r = new SplittableRandom(2);
    for (DigestAlgorithm alg : List.of(DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512)) {
      List<byte[]> msgs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        msgs.add(bytes(r, i * 53));
      }
      List<byte[]> out = p.crypto().digestAll(alg.jcaName(), msgs);
      for (int i = 0; i < msgs.size(); i++) {
        assertArrayEquals(MessageDigest.getInstance(alg.jcaName(), "SUN").digest(msgs.get(i)), out.get(i));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu", "bc", "jdk"})
  void signAllAndSignDigestsVerifyWithSunRsaSign(String tier) throws Exception {
    AccelProvider p = provider(tier);
    SplittableRandom r = new SplittableRandom(3);
    List<byte[]> msgs = new ArrayList<>();
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      msgs.add(bytes(r, 10 + i));
      hashes.add(MessageDigest.getInstance("SHA-256").digest(msgs.get(i)));
    }
    List<CompletableFuture<byte[]>> v15 = p.crypto().signAll(rsaPrivate, "SHA256withRSA", null, msgs);
    List<CompletableFuture<byte[]>> pre = p.crypto().signDigests(rsaPrivate, "SHA256withRSA", null, hashes);
    PSSParameterSpec pss = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
    List<CompletableFuture<byte[]>> pssSigs = p.crypto().signAll(rsaPrivate, "RSASSA-PSS", pss, msgs);
    for (int i = 0; i < msgs.size(); i++) {
      Signature s = Signature.getInstance("SHA256withRSA", "SunRsaSign");
      s.initSign(rsaPrivate);
      s.update(msgs.get(i));
      byte[] expected = s.sign(); // PKCS#1 v1.5 is deterministic
      assertArrayEquals(expected, v15.get(i).get(10, TimeUnit.SECONDS));
      assertArrayEquals(expected, pre.get(i).get(10, TimeUnit.SECONDS));
      Signature v = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
      v.setParameter(pss);
      v.initVerify(rsaPublic);
      v.update(msgs.get(i));
      assertTrue(v.verify(pssSigs.get(i).get(10, TimeUnit.SECONDS)), "PSS signature " + i);
    }
    Signature s = Signature.getInstance("SHA384withRSA", "SunRsaSign");
    s.initSign(rsaPrivate);
    s.update(msgs.get(0));
    assertArrayEquals(s.sign(), p.crypto().signAsync(rsaPrivate, "SHA384withRSA", null, msgs.get(0)).get(10, TimeUnit.SECONDS));
    // A wrong digest length fails that element only.
    List<CompletableFuture<byte[]>> bad = p.crypto().signDigests(rsaPrivate, "SHA256withRSA", null, List.of(new byte[31], hashes.get(0)));
    assertThrows(ExecutionException.class, () -> bad.get(0).get());
    assertTrue(bad.get(1).get(10, TimeUnit.SECONDS).length == 256);
    if (tier.equals("emu")) {
      // one batch of 12 for each of the three batched calls (plus singles): all on the device
      assertEquals(12 * 3 + 1 + 1, p.stats().ops(dev.accel.router.Router.ALG_RSA_PRIVATE, RouteCounters.DEVICE),
          p.stats().render());
      NativeDevice d = (NativeDevice) p.router().devices().get(0);
      assertTrue(d.batchSizes().snapshot().quantileUpperBound(1.0) >= 8,
          "no multi-request submission: " + d.batchSizes().snapshot().render());
    }
  }
}

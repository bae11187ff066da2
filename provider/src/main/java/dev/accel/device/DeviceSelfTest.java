package dev.accel.device;

import dev.accel.api.SelfTestResult;
import dev.accel.api.SelfTestResult.Outcome;
import dev.accel.engine.Engine;
import dev.accel.engine.Op;
import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Known-answer tests for every opcode of a device, checked against the JDK's own implementations
 * (SunJCE AES/GCM, SUN SHA-2, {@link BigInteger#modPow}). Used by {@code accel selftest} and by the
 * provider's {@code runSelfTests()}.
 */
public final class DeviceSelfTest {
  private DeviceSelfTest() {}

  private static final HexFormat HEX = HexFormat.of();

  // A fixed RSA-2048 two-prime key (generated once with openssl genrsa; test use only).
  private static final RsaKeyMaterial RSA_KEY =
      RsaKeyMaterial.ofCrt(
          new BigInteger("b7de8c2aea7c2067dc2ccaf2ecb4375af18ff5eae71579bb14e7976b01df8cf0fc2a639b7a23131d007401324ba432d86b3550e5a14e3cbd101b2b292e78ba838796db9f9f021cda85a635eb75357ead3eb60b8a9d75f689e6e5e7757b36c6ea4229977ed7ad33cc53860740c5e6219412a7037af4a3f5037ff8082666b232e5bdf26a740ca6215679e9032f80229071e5cc1388bad56d9a598fe22a8907db424a95a22ecefa71dade30e9761bc00f080692602922db4875381e4e89070faec2adcfd544bf52c276490250d9feb994e577a9289813cb8c3eb2f7d1bc3aa1b314ebc1d53e3ea896f35fadaa5d457f54173ca2f0f1f716f38c5af52636e36d3de3", 16),
          BigInteger.valueOf(65537),
          new BigInteger("093d2073e3965b167ce4af49e784e2a72a2e1ea02ffe4f408c3b5acb60abb7ec3fef6d53d99e3b8ea08033b33043cede3afcd1d4c7f7236c288c04ee2bcc9b2a92bc8cca8775d6b75031dad1baf0f62d845227604eab27b92425f72c5b0594971ebdf243c858869ac4b39e57add9f363fa4ff407d09510719d937bed5a09a82ef732c766c4362599dc6f1f2c6e8bb91212ecccd45796acff1d95e9dbf03fa62d9e5b4c64d6c8a17a2b57676e43dffc6ed0063a48dc973286d9a4802d0d50ba885fe17a725aab0fdd2f5c6ea56dc59ce7e2c3fe919c5bec0116e49f7bdbb8954c4c21120efb896c8a47e300968e899b6ed632fc23ffc4f2f792cd5ed722af16f1", 16),
          new BigInteger("e84b7ffed0995494e94c1659d2713e432433455437f9b290b10bb310abacd7f18ceeb3f32b7569bc73c9992ab8eb8de57933d46b6899a8856ad53375914cedbd0f778924c18677cd7fe4eb4bd48b3b1ed95af847cd97842978c1774a8f12598e5a124eeee87fc3f5f79bfc8cfb2a69e08ef13ce4406bdb93022ecaa9c618137b", 16),
          new BigInteger("caa1f8b846f0c0018af072f8d6ce31506b14d228a97e795cf374c1bb3ef3bd7bc47fec96f8603d76e60b5d39a32e09a9c9122e365022c0a96ef5788e18b8e48a99c507f59d224f2629ee84bd79f09268f767d1308fc84138af63cd629292259aabb33dd9fac8578f86996092dd8f4ce8e3812aafe337bf3b3607744fa8a05eb9", 16),
          new BigInteger("3c70c890e87dbcc0322395fd31003e0f023044edb0d2cb5f527194d9d591576e8618e5c173a14d2db782d0d388e1e13dbfd77881a9e9b12b65acab82ff9760943c9e01950ab58e1e6e14861468ed0128f9acedc4e0fd7769c2fdb3a836a9b39b925c0925a860f5ffddb93c710238faeb6ec5ddee15c4fa90b994ab2e99585259", 16),
          new BigInteger("82c635f6f811b859468a182970b8722b2c70ab91829215515fee2279ee0ef06348562722e7f974b19f9605fc84cbd980b23c01871c00d1c687cdf498006c9352c01ae1202ae151a397bc4ffed90be1f1cc7a3c0fd33bb29c1ad5965fdfa8628c87f38e1f78328410251627b5a13832b2bae149e36a093869c65cd93befe05041", 16),
          new BigInteger("908bfa22d1802c47c46a60be0a22c2edd617f72ee593ec7545a3039b6a8c95fd754ed01678a3e598d7cd5fe772023a5a4b1a3d93c24b5ffa2a8f8eba6384cc676578b2d75bd6b9989799ae1f297be03682be7dc82bba098c67242b23b603adbc24740d3c1ff352d1337cbd6596c2e989c1cdfa82d16bcde13499b9c82a929209", 16));

  /** The fixed RSA-2048 test key (also useful to other tests). */
  public static RsaKeyMaterial rsaTestKey() {
    return RSA_KEY;
  }

  /** Runs every known-answer test on {@code device}; never throws for a device failure. */
  public static List<SelfTestResult> run(Engine device) {
    return run(device, device.name());
  }

  /** {@link #run(Engine)} with the results labelled {@code label}. */
  public static List<SelfTestResult> run(Engine device, String label) {
    List<SelfTestResult> results = new ArrayList<>();
    for (int keyLen : new int[] {16, 24, 32}) {
      gcm(device, keyLen, results);
    }
    for (DigestAlgorithm alg :
        new DigestAlgorithm[] {DigestAlgorithm.SHA224, DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512}) {
      digest(device, alg, results);
    }
    rsa(device, results);
    if (label.equals(device.name())) {
      return results;
    }
    List<SelfTestResult> named = new ArrayList<>(results.size());
    for (SelfTestResult r : results) {
      named.add(new SelfTestResult(label, r.test(), r.outcome(), r.detail()));
    }
    return named;
  }

  private static SelfTestResult pass(Engine d, String test) {
    return new SelfTestResult(d.name(), test, Outcome.PASS, "");
  }

  private static SelfTestResult fail(Engine d, String test, String why) {
    return new SelfTestResult(d.name(), test, Outcome.FAIL, why);
  }

  private static SelfTestResult fail(Engine d, String test, Throwable t) {
    return fail(d, test, t.getClass().getSimpleName() + ": " + t.getMessage());
  }

  private static byte[] pattern(int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (i * 31 + seed * 17 + 5);
    }
    return b;
  }

  private static void gcm(Engine d, int keyLen, List<SelfTestResult> out) {
    String name = "AES-" + keyLen * 8 + "-GCM";
    byte[] key = pattern(keyLen, keyLen);
    byte[] iv = pattern(12, 1);
    byte[] aad = "accel self-test AAD".getBytes(StandardCharsets.US_ASCII);
    byte[] pt = pattern(100, 7);
    int tagLen = 16;
    if (!d.supports(new Op.GcmSeal(new AesKeyMaterial(key), iv, tagLen, aad, 0, aad.length, pt, 0, pt.length,
        new byte[pt.length + tagLen], 0))) {
      out.add(new SelfTestResult(d.name(), name + " seal", Outcome.SKIP, "not supported"));
      out.add(new SelfTestResult(d.name(), name + " open", Outcome.SKIP, "not supported"));
      out.add(new SelfTestResult(d.name(), name + " bad-tag", Outcome.SKIP, "not supported"));
      return;
    }
    byte[] expected;
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tagLen * 8, iv));
      c.updateAAD(aad);
      expected = c.doFinal(pt);
    } catch (Exception e) {
      out.add(fail(d, name + " seal", e));
      return;
    }
    try (AesKeyMaterial km = new AesKeyMaterial(key)) {
      byte[] sealed = new byte[pt.length + tagLen];
      try {
        int n = d.run(new Op.GcmSeal(km, iv, tagLen, aad, 0, aad.length, pt, 0, pt.length, sealed, 0));
        out.add(n == expected.length && Arrays.equals(sealed, expected)
            ? pass(d, name + " seal")
            : fail(d, name + " seal", "ciphertext/tag differs from SunJCE"));
      } catch (Exception e) {
        out.add(fail(d, name + " seal", e));
      }
      try {
        byte[] opened = new byte[pt.length];
        int n = d.run(new Op.GcmOpen(km, iv, tagLen, aad, 0, aad.length, expected, 0, expected.length, opened, 0));
        out.add(n == pt.length && Arrays.equals(opened, pt)
            ? pass(d, name + " open")
            : fail(d, name + " open", "plaintext differs"));
      } catch (Exception e) {
        out.add(fail(d, name + " open", e));
      }
      try {
        byte[] bad = expected.clone();
        bad[bad.length - 1] ^= 1;
        byte[] opened = new byte[pt.length];
        Arrays.fill(opened, (byte) 0x5a);
        d.run(new Op.GcmOpen(km, iv, tagLen, aad, 0, aad.length, bad, 0, bad.length, opened, 0));
        out.add(fail(d, name + " bad-tag", "a corrupted tag was accepted"));
      } catch (AEADBadTagException e) {
        out.add(pass(d, name + " bad-tag"));
      } catch (Exception e) {
        out.add(fail(d, name + " bad-tag", e));
      }
    }
  }

  private static void digest(Engine d, DigestAlgorithm alg, List<SelfTestResult> out) {
    String name = alg.jcaName();
    byte[] msg = pattern(1000, alg.ordinal());
    if (!d.supports(new Op.Digest(alg, msg, 0, msg.length, new byte[alg.digestLenBytes()], 0))) {
      out.add(new SelfTestResult(d.name(), name, Outcome.SKIP, "not supported"));
      return;
    }
    try {
      byte[] expected = MessageDigest.getInstance(name, "SUN").digest(msg);
      byte[] got = new byte[alg.digestLenBytes()];
      d.run(new Op.Digest(alg, msg, 0, msg.length, got, 0));
      out.add(Arrays.equals(got, expected)
          ? pass(d, name)
          : fail(d, name, "got " + HEX.formatHex(got) + ", SUN says " + HEX.formatHex(expected)));
    } catch (Exception e) {
      out.add(fail(d, name, e));
    }
  }

  private static void rsa(Engine d, List<SelfTestResult> out) {
    RsaKeyMaterial k = RSA_KEY;
    String bits = "RSA-" + k.modulusBits();
    byte[] input = pattern(k.modulusBytes(), 3);
    input[0] = 0x01; // below the modulus
    BigInteger m = new BigInteger(1, input);
    if (d.supports(new Op.RsaPrivate(k, input, new byte[k.modulusBytes()]))) {
      try {
        byte[] got = new byte[k.modulusBytes()];
        d.run(new Op.RsaPrivate(k, input, got));
        BigInteger expected = m.modPow(k.privateExponent(), k.modulus());
        out.add(new BigInteger(1, got).equals(expected) && got.length == k.modulusBytes()
            ? pass(d, bits + " private CRT")
            : fail(d, bits + " private CRT", "result differs from BigInteger.modPow"));
      } catch (Exception e) {
        out.add(fail(d, bits + " private CRT", e));
      }
    } else {
      out.add(new SelfTestResult(d.name(), bits + " private CRT", Outcome.SKIP, "not supported"));
    }
    if (d.supports(new Op.RsaPublic(k, input, new byte[k.modulusBytes()]))) {
      try {
        byte[] got = new byte[k.modulusBytes()];
        d.run(new Op.RsaPublic(k, input, got));
        BigInteger expected = m.modPow(k.publicExponent(), k.modulus());
        out.add(new BigInteger(1, got).equals(expected) && got.length == k.modulusBytes()
            ? pass(d, bits + " public")
            : fail(d, bits + " public", "result differs from BigInteger.modPow"));
      } catch (Exception e) {
        out.add(fail(d, bits + " public", e));
      }
    } else {
      out.add(new SelfTestResult(d.name(), bits + " public", Outcome.SKIP, "not supported"));
    }
  }
}

package dev.accel.device;

import dev.accel.testing.Ops;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every opcode through FFM on every backend, compared with the JDK (SunJCE, SUN, BigInteger).
 * Written once, run per device.
 */
class DeviceOpsTest {
  private static final long T = 30_000_000_000L;
  private static NativeDevice emu;
  private static NativeDevice cpu;

  @BeforeAll
  static void open() throws DeviceException {
    emu = Devices.open("emu", DeviceOptions.defaults());
    cpu = Devices.open("cpu", DeviceOptions.defaults());
  }

  @AfterAll
  static void close() {
    emu.close();
    cpu.close();
  }

  static NativeDevice device(String backend) {
    return backend.equals("emu") ? emu : cpu;
  }

  static byte[] jdkSeal(byte[] key, byte[] iv, int tagLen, byte[] aad, byte[] pt) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tagLen * 8, iv));
    c.updateAAD(aad);
    return c.doFinal(pt);
  }

  private static byte[] random(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static void sealOpenRoundTrip(Device d, Random rnd, int keyLen, int ivLen, int tagLen, int aadLen, int ptLen)
      throws Exception {
    byte[] key = random(rnd, keyLen);
    byte[] iv = random(rnd, ivLen);
    byte[] aad = random(rnd, aadLen);
    byte[] pt = random(rnd, ptLen);
    byte[] expected = jdkSeal(key, iv, tagLen, aad, pt);
    String what = "key " + keyLen + " iv " + ivLen + " tag " + tagLen + " aad " + aadLen + " pt " + ptLen;
    try (AesKeyMaterial k = new AesKeyMaterial(key)) {
      // Non-zero offsets on every array.
      byte[] in = new byte[ptLen + 3];
      System.arraycopy(pt, 0, in, 3, ptLen);
      byte[] aadBuf = new byte[aadLen + 5];
      System.arraycopy(aad, 0, aadBuf, 5, aadLen);
      byte[] out = new byte[ptLen + tagLen + 7];
      int n = Ops.gcmSeal(d, k, iv, tagLen, aadBuf, 5, aadLen, in, 3, ptLen, out, 7, T);
      assertEquals(ptLen + tagLen, n, what);
      assertArrayEquals(expected, Arrays.copyOfRange(out, 7, 7 + n), what);

      byte[] plain = new byte[ptLen + 2];
      int m = Ops.gcmOpen(d, k, iv, tagLen, aadBuf, 5, aadLen, out, 7, n, plain, 2, T);
      assertEquals(ptLen, m, what);
      assertArrayEquals(pt, Arrays.copyOfRange(plain, 2, 2 + ptLen), what);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu"})
  void gcmMatchesSunJceForKeyIvTagAndSizeMixes(String backend) throws Exception {
    Device d = device(backend);
    Random rnd = new Random(42);
    int[] ivLens = {1, 12, 16, 60};
    int[] sizes = {0, 1, 15, 16, 17, 255, 4096, 1 << 20};
    for (int keyLen : new int[] {16, 24, 32}) {
      for (int ivLen : ivLens) {
        for (int tagLen = 12; tagLen <= 16; tagLen++) {
          sealOpenRoundTrip(d, rnd, keyLen, ivLen, tagLen, rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(100), rnd.nextInt(2000));
        }
      }
    }
    for (int size : sizes) {
      sealOpenRoundTrip(d, rnd, 32, 12, 16, size == 0 ? 0 : 13, size);
    }
    sealOpenRoundTrip(d, rnd, 16, 12, 16, 0, 0); // empty payload and no AAD: a pure GMAC tag
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu"})
  void gcmInPlaceSealAndOpen(String backend) throws Exception {
    Device d = device(backend);
    byte[] key = new byte[16];
    byte[] iv = new byte[12];
    byte[] pt = "overlapping input and output".getBytes();
    byte[] buf = Arrays.copyOf(pt, pt.length + 16);
    try (AesKeyMaterial k = new AesKeyMaterial(key)) {
      Ops.gcmSeal(d, k, iv, 16, null, 0, 0, buf, 0, pt.length, buf, 0, T);
      assertArrayEquals(jdkSeal(key, iv, 16, new byte[0], pt), buf);
      int n = Ops.gcmOpen(d, k, iv, 16, null, 0, 0, buf, 0, buf.length, buf, 0, T);
      assertArrayEquals(pt, Arrays.copyOf(buf, n));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu"})
  void gcmBadTagThrowsAndLeavesOutputUntouched(String backend) throws Exception {
    Device d = device(backend);
    byte[] key = new byte[24];
    byte[] iv = new byte[12];
    byte[] aad = {1, 2, 3};
    byte[] pt = new byte[300];
    new Random(1).nextBytes(pt);
    byte[] ct = jdkSeal(key, iv, 16, aad, pt);
    try (AesKeyMaterial k = new AesKeyMaterial(key)) {
      for (int flip : new int[] {0, ct.length - 1}) { // ciphertext bit, tag bit
        byte[] bad = ct.clone();
        bad[flip] ^= 0x40;
        byte[] out = new byte[pt.length];
        Arrays.fill(out, (byte) 0x33);
        assertThrows(AEADBadTagException.class, () -> Ops.gcmOpen(d, k, iv, 16, aad, 0, aad.length, bad, 0, bad.length, out, 0, T));
        byte[] untouched = new byte[pt.length];
        Arrays.fill(untouched, (byte) 0x33);
        assertArrayEquals(untouched, out);
      }
      byte[] wrongAad = {1, 2, 4};
      assertThrows(AEADBadTagException.class,
          () -> Ops.gcmOpen(d, k, iv, 16, wrongAad, 0, 3, ct, 0, ct.length, new byte[pt.length], 0, T));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu"})
  void digestsMatchSun(String backend) throws Exception {
    Device d = device(backend);
    Random rnd = new Random(7);
    DigestAlgorithm[] algs = {DigestAlgorithm.SHA224, DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512};
    int[] sizes = {0, 1, 55, 56, 63, 64, 111, 112, 127, 128, 1000, rnd.nextInt(100_000), 1 << 20};
    for (DigestAlgorithm alg : algs) {
      MessageDigest md = MessageDigest.getInstance(alg.jcaName(), "SUN");
      for (int size : sizes) {
        byte[] m = random(rnd, size + 4);
        byte[] out = new byte[alg.digestLenBytes() + 2];
        Ops.digest(d, alg, m, 4, size, out, 2, T);
        md.update(m, 4, size);
        assertArrayEquals(md.digest(), Arrays.copyOfRange(out, 2, out.length), alg + " of " + size + " bytes");
      }
    }
  }

  private static void checkRsa(Device d, RsaKeyMaterial k, Random rnd) throws Exception {
    for (int i = 0; i < 5; i++) {
      BigInteger m = new BigInteger(k.modulusBits() + 8, rnd).mod(k.modulus());
      byte[] in = toFixed(m, k.modulusBytes());
      byte[] sig = Ops.rsaPrivateCrt(d, k, in, T);
      assertEquals(k.modulusBytes(), sig.length);
      assertEquals(m.modPow(k.privateExponent(), k.modulus()), new BigInteger(1, sig));
      byte[] back = Ops.rsaPublic(d, k, sig, T);
      assertArrayEquals(in, back, "public(private(m)) == m");
      assertEquals(m.modPow(k.publicExponent(), k.modulus()), new BigInteger(1, Ops.rsaPublic(d, k, in, T)));
    }
    // Edge inputs: 0, 1 and n-1.
    for (BigInteger m : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, k.modulus().subtract(BigInteger.ONE)}) {
      byte[] in = toFixed(m, k.modulusBytes());
      assertEquals(m.modPow(k.privateExponent(), k.modulus()), new BigInteger(1, Ops.rsaPrivateCrt(d, k, in, T)));
      assertEquals(m.modPow(k.publicExponent(), k.modulus()), new BigInteger(1, Ops.rsaPublic(d, k, in, T)));
    }
  }

  static byte[] toFixed(BigInteger v, int len) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[len];
    int n = Math.min(b.length, len);
    System.arraycopy(b, b.length - n, out, len - n, n);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu"})
  void rsaMatchesBigIntegerModPow(String backend) throws Exception {
    Device d = device(backend);
    Random rnd = new Random(3);
    checkRsa(d, DeviceSelfTest.rsaTestKey(), rnd);
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    RSAPrivateCrtKey p = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
    checkRsa(d, RsaKeyMaterial.ofCrt(p.getModulus(), p.getPublicExponent(), p.getPrivateExponent(),
        p.getPrimeP(), p.getPrimeQ(), p.getPrimeExponentP(), p.getPrimeExponentQ(), p.getCrtCoefficient()), rnd);
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu"})
  void rsaPublicOnlyKey(String backend) throws Exception {
    Device d = device(backend);
    RsaKeyMaterial full = DeviceSelfTest.rsaTestKey();
    RsaKeyMaterial pub = RsaKeyMaterial.ofPublic(full.modulus(), full.publicExponent());
    byte[] in = toFixed(BigInteger.valueOf(123456789), pub.modulusBytes());
    assertEquals(BigInteger.valueOf(123456789).modPow(pub.publicExponent(), pub.modulus()),
        new BigInteger(1, Ops.rsaPublic(d, pub, in, T)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu"})
  void virtualThreadsShareOneDevice(String backend) throws Exception {
    Device d = device(backend);
    byte[] key = new byte[16];
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor(); AesKeyMaterial k = new AesKeyMaterial(key)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 64; t++) {
        int seed = t;
        fs.add(ex.submit(() -> {
          Random rnd = new Random(seed);
          for (int i = 0; i < 10; i++) {
            byte[] iv = random(rnd, 12);
            byte[] pt = random(rnd, rnd.nextInt(5000));
            byte[] out = new byte[pt.length + 16];
            Ops.gcmSeal(d, k, iv, 16, null, 0, 0, pt, 0, pt.length, out, 0, T);
            assertArrayEquals(jdkSeal(key, iv, 16, new byte[0], pt), out);
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    assertEquals(0, device(backend).bufferPool().outstanding());
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu"})
  void capabilitiesAndHealthComeFromTheShim(String backend) {
    NativeDevice d = device(backend);
    DeviceCapabilities c = d.capabilities();
    assertEquals(backend, c.backend());
    assertEquals(backend + "0", c.name().replaceAll("\\d+$", "0"));
    assertTrue(c.driver().contains("libcrypto"), c.driver());
    for (int op = 1; op <= 8; op++) {
      assertTrue(c.supportsOp(op), "op " + op);
    }
    assertEquals(7, c.aesKeyMask());
    assertTrue(c.supportsGcm(16, 12, 16, 0, 0, false));
    assertTrue(c.supportsRsa(2048, true));
    assertEquals(backend.equals("emu") ? "fast" : "", c.profile());
    DeviceHealth h = d.health();
    assertEquals(DeviceHealth.State.OK, h.state());
    assertEquals("", h.reason());
    assertTrue(h.usable());
  }
}

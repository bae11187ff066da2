package dev.accel.rsa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.config.AccelConfig;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.Device;
import dev.accel.device.EmulatorControl;
import dev.accel.router.DeviceSelection;
import dev.accel.router.RouteReason;
import dev.accel.router.Router;
import dev.accel.soft.RsaMath;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Host-side blinding of RSA private-key operations: the per-key cached pair (updated by squaring,
 * refreshed every {@link RsaMath#BLINDING_REFRESH} uses) under concurrency, the Bellcore check on
 * devices that do not check themselves, and no host blinding for engines that blind and verify.
 */
class RsaBlindingTest {
  private static final Provider SUN_RSA = Security.getProvider("SunRsaSign");

  /** A fresh key material object (its own blinding cache) for the shared test key. */
  private static RsaKeyMaterial freshMaterial(KeyPair kp) {
    RSAPrivateCrtKey k = (RSAPrivateCrtKey) kp.getPrivate();
    return RsaKeyMaterial.ofCrt(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
        k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient());
  }

  private static void assertValidPair(RsaKeyMaterial key, RsaMath.Blinding b) {
    // u = r^e and v = r^-1 (mod n): u * v^e = 1.
    BigInteger n = key.modulus();
    assertEquals(BigInteger.ONE, b.u().multiply(b.v().modPow(key.publicExponent(), n)).mod(n));
  }

  @Test
  void concurrentPairsAreValidAndNeverReused() throws Exception {
    RsaKeyMaterial key = freshMaterial(RsaTestKeys.rsa2048());
    int threads = 8;
    int each = 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<RsaMath.Blinding>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          List<RsaMath.Blinding> got = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            got.add(RsaMath.newBlinding(key));
          }
          return got;
        }));
      }
      Set<BigInteger> seen = new HashSet<>();
      for (Future<List<RsaMath.Blinding>> f : futures) {
        for (RsaMath.Blinding b : f.get()) {
          assertValidPair(key, b);
          assertTrue(seen.add(b.u()), "a blinding pair was handed out twice");
        }
      }
      assertEquals(threads * each, seen.size());
      long[] stats = RsaMath.blindingStats(key);
      assertEquals(threads * each, stats[0]);
      assertTrue(stats[1] >= (threads * each) / RsaMath.BLINDING_REFRESH, "refreshes: " + stats[1]);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void pairIsSquaredBetweenUsesAndRefreshedEveryNUses() {
    RsaKeyMaterial key = freshMaterial(RsaTestKeys.rsa2048());
    BigInteger n = key.modulus();
    int refresh = RsaMath.BLINDING_REFRESH;
    List<RsaMath.Blinding> pairs = new ArrayList<>();
    for (int i = 0; i < 3 * refresh + 1; i++) {
      pairs.add(RsaMath.newBlinding(key)); // one thread: always the same stripe
    }
    for (int i = 1; i < pairs.size(); i++) {
      RsaMath.Blinding prev = pairs.get(i - 1);
      RsaMath.Blinding cur = pairs.get(i);
      assertValidPair(key, cur);
      boolean chainStart = i % refresh == 0;
      boolean squared = cur.u().equals(prev.u().multiply(prev.u()).mod(n))
          && cur.v().equals(prev.v().multiply(prev.v()).mod(n));
      assertEquals(!chainStart, squared, "use " + i + (chainStart ? " must start a fresh chain" : " must square"));
    }
    assertArrayEquals(new long[] {3L * refresh + 1, 4}, RsaMath.blindingStats(key));
  }

  /** Java blinding ({@code accel.rsa.host=java}): one cached pair per device signature. */
  @Test
  void manyThreadsSignWithOneKeyOnTheEmulator() throws Exception {
    AccelProvider p = AccelProvider.withConfig(Map.of(
        "accel.devices", "emu", "accel.emu.profile", "fast", "accel.threshold.rsa", "0",
        "accel.rsa.host", "java"));
    assertFalse(p.router().devices().get(0).capabilities().engineBlindsAndVerifies());
    KeyPair kp = RsaTestKeys.rsa2048b();
    RsaKeyMaterial key = RsaKeys.convert(kp.getPrivate()).material(); // what the Signature sees
    long usesBefore = RsaMath.blindingStats(key)[0];
    int threads = 16;
    int each = 12;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          Signature s = Signature.getInstance("SHA256withRSA", p);
          Signature v = Signature.getInstance("SHA256withRSA", SUN_RSA);
          int ok = 0;
          for (int i = 0; i < each; i++) {
            byte[] msg = ("thread " + id + " message " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            s.initSign(kp.getPrivate());
            s.update(msg);
            byte[] sig = s.sign();
            v.initVerify(kp.getPublic());
            v.update(msg);
            ok += v.verify(sig) ? 1 : 0;
          }
          return ok;
        }));
      }
      int ok = 0;
      for (Future<Integer> f : futures) {
        ok += f.get();
      }
      assertEquals(threads * each, ok);
    } finally {
      pool.shutdownNow();
    }
    long device = p.stats().ops(Router.ALG_RSA_PRIVATE, "device");
    assertTrue(device > 0, p.renderStats());
    // Every device signature took one host blinding pair.
    assertTrue(RsaMath.blindingStats(key)[0] - usesBefore >= device, p.renderStats());
  }

  /**
   * The default {@code accel.rsa.host=native}: the shim's cpu engine blinds, checks and unblinds
   * every emulator signature (accel_rsa_host), so Java draws no blinding pair; the signatures are
   * the JDK's, from many threads at once.
   */
  @Test
  void nativeHostBlindsAndChecksEmulatorSignatures() throws Exception {
    AccelProvider p = AccelProvider.withConfig(Map.of(
        "accel.devices", "emu", "accel.emu.profile", "fast", "accel.threshold.rsa", "0"));
    assertTrue(p.deviceStatus().stream().anyMatch(l -> l.startsWith("rsa host: cpu engine")),
        p.deviceStatus().toString());
    KeyPair kp = RsaTestKeys.rsa2048b();
    RsaKeyMaterial key = RsaKeys.convert(kp.getPrivate()).material();
    long[] before = RsaMath.blindingStats(key);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<byte[][]>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          byte[] msg = ("native host " + id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
          return new byte[][] {msg, sign(p, kp.getPrivate(), msg)};
        }));
      }
      for (Future<byte[][]> f : futures) {
        byte[][] r = f.get();
        assertArrayEquals(sign(SUN_RSA, kp.getPrivate(), r[0]), r[1]);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(8, p.stats().ops(Router.ALG_RSA_PRIVATE, "device"), p.renderStats());
    assertArrayEquals(before, RsaMath.blindingStats(key), "Java drew no blinding pair");
  }

  @Test
  void engineThatBlindsAndVerifiesIsNotBlindedAgain() throws Exception {
    AccelProvider p = AccelProvider.withConfig(Map.of("accel.devices", "cpu", "accel.threshold.rsa", "0"));
    Device cpu = p.router().devices().get(0);
    assertTrue(cpu.capabilities().engineBlindsAndVerifies(),
        "the cpu engine must advertise ACCEL_RSA_BLINDS_AND_VERIFIES: " + cpu.capabilities());
    KeyPair kp = RsaTestKeys.rsa2048b();
    RsaKeyMaterial key = RsaKeys.convert(kp.getPrivate()).material(); // what the Signature sees
    long[] before = RsaMath.blindingStats(key); // other tests may have blinded with this key
    for (int i = 0; i < 10; i++) {
      byte[] msg = RsaTestKeys.randomBytes(33 + i);
      assertArrayEquals(sign(SUN_RSA, kp.getPrivate(), msg), sign(p, kp.getPrivate(), msg));
    }
    assertEquals(10, p.stats().ops(Router.ALG_RSA_PRIVATE, "device"), p.renderStats());
    assertArrayEquals(before, RsaMath.blindingStats(key), "no host blinding for this engine");
  }

  /**
   * The CORRUPT fault on the emulator with the native software tier: the Bellcore check runs on
   * the cpu engine instead of BigInteger and must still catch every corrupted result.
   */
  @Test
  void corruptedResultsAreCaughtWhenTheEngineChecks() throws Exception {
    Map<String, String> config = Map.of("accel.devices", "emu", "accel.emu.profile", "fast",
        "accel.threshold.rsa", "0", "accel.software", "native");
    AccelConfig c = AccelConfig.load(null, config);
    DeviceSelection sel = DeviceSelection.open(c, null);
    List<Device> devices = sel.devices();
    assertFalse(devices.isEmpty());
    Device emu = devices.get(0);
    try {
      EmulatorControl control = emu.emulator().orElseThrow();
      AccelProvider p = AccelProvider.builder().config(config).devices(devices).build();
      assertEquals("native", p.router().softwareLabel(), "the native tier (cpu engine) must be available");
      KeyPair kp = RsaTestKeys.rsa2048();
      int faults = 4;
      control.inject(EmulatorControl.Fault.CORRUPT, faults, 0);
      for (int i = 0; i < faults + 3; i++) {
        byte[] msg = RsaTestKeys.randomBytes(10 + i);
        byte[] sig = sign(p, kp.getPrivate(), msg);
        assertArrayEquals(sign(SUN_RSA, kp.getPrivate(), msg), sig, "signature " + i);
      }
      control.inject(EmulatorControl.Fault.CLEAR, 0, 0);
      assertEquals(faults, p.stats().opsWithReason(Router.ALG_RSA_PRIVATE, RouteReason.FAULT_VERIFY.label()),
          p.renderStats());
      assertNotEquals(0, p.stats().ops(Router.ALG_RSA_PRIVATE, "device"), p.renderStats());
    } finally {
      emu.close();
    }
  }

  private static byte[] sign(Provider p, PrivateKey k, byte[] msg) throws Exception {
    Signature s = Signature.getInstance("SHA256withRSA", p);
    s.initSign(k);
    s.update(msg);
    return s.sign();
  }
}

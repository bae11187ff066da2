package dev.accel.reliability;

import dev.accel.AccelProvider;
import dev.accel.device.DeviceSelfTest;
import dev.accel.core.RsaKeyMaterial;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mixed JCA load for reliability tests: AES-GCM seal and open, SHA-256, SHA-512 and RSA-2048
 * PKCS#1 v1.5 signatures through an Accel provider, every result checked against the JDK
 * (SunJCE, SUN, SunRsaSign). Each operation is one routed request, so the provider's route
 * counters must account for exactly {@link #requests()}.
 */
final class MixedLoad {
  static final PrivateKey RSA_KEY;
  private static final byte[][] RSA_MSGS = new byte[8][];
  private static final byte[][] RSA_SIGS = new byte[8][];

  static {
    try {
      RsaKeyMaterial k = DeviceSelfTest.rsaTestKey();
      RSA_KEY = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
          k.modulus(), k.publicExponent(), k.privateExponent(), k.p(), k.q(), k.dp(), k.dq(), k.qinv()));
      // PKCS#1 v1.5 is deterministic: precompute the JDK's answers once (RSA is the costly check).
      SplittableRandom rnd = new SplittableRandom(99);
      for (int i = 0; i < RSA_MSGS.length; i++) {
        RSA_MSGS[i] = new byte[32 + i];
        rnd.nextBytes(RSA_MSGS[i]);
        Signature s = Signature.getInstance("SHA256withRSA", "SunRsaSign");
        s.initSign(RSA_KEY);
        s.update(RSA_MSGS[i]);
        RSA_SIGS[i] = s.sign();
      }
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final AccelProvider accel;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong wrong = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<String> firstProblems = new ArrayList<>();

  MixedLoad(AccelProvider accel) {
    this.accel = accel;
  }

  long requests() {
    return requests.get();
  }

  long wrong() {
    return wrong.get();
  }

  long failed() {
    return failed.get();
  }

  synchronized List<String> problems() {
    return List.copyOf(firstProblems);
  }

  private synchronized void note(String what) {
    if (firstProblems.size() < 5) {
      firstProblems.add(what);
    }
  }

  /**
   * Runs {@code threads} virtual threads until {@code keepGoing} turns false (checked between
   * operations), each doing at least {@code minOpsPerThread} operations; {@code progress} counts
   * down once per operation. Returns the number of threads that did not finish within {@code
   * timeoutMillis} (hung).
   */
  int run(int threads, int minOpsPerThread, BooleanSupplier keepGoing, CountDownLatch progress, long timeoutMillis)
      throws InterruptedException {
    List<Thread> ts = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      int seed = t;
      ts.add(Thread.ofVirtual().name("load-" + t).start(() -> {
        try {
          SplittableRandom rnd = new SplittableRandom(seed * 7919L + 1);
          for (int i = 0; i < minOpsPerThread || keepGoing.getAsBoolean(); i++) {
            one(rnd, seed + i);
            progress.countDown();
          }
        } finally {
          done.countDown();
        }
      }));
    }
    boolean finished = done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    int hung = 0;
    if (!finished) {
      for (Thread t : ts) {
        if (t.isAlive()) {
          hung++;
          note("hung: " + t.getName() + " at " + Arrays.toString(t.getStackTrace()));
        }
      }
    }
    return hung;
  }

  private void one(SplittableRandom rnd, int which) {
    requests.incrementAndGet();
    try {
      switch (Math.floorMod(which, 5)) {
        case 0 -> gcm(rnd, false);
        case 1 -> gcm(rnd, true);
        case 2 -> digest(rnd, "SHA-256");
        case 3 -> digest(rnd, "SHA-512");
        default -> sign(rnd);
      }
    } catch (Exception e) {
      failed.incrementAndGet();
      note("exception: " + e);
    }
  }

  private void gcm(SplittableRandom rnd, boolean open) throws Exception {
    byte[] key = new byte[16];
    rnd.nextBytes(key);
    SecretKeySpec k = new SecretKeySpec(key, "AES");
    byte[] iv = new byte[12];
    rnd.nextBytes(iv);
    byte[] aad = new byte[rnd.nextInt(0, 32)];
    rnd.nextBytes(aad);
    byte[] pt = new byte[rnd.nextInt(1, 4096)];
    rnd.nextBytes(pt);
    Cipher sun = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    sun.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv));
    sun.updateAAD(aad);
    byte[] expected = sun.doFinal(pt);
    if (!open) {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding", accel);
      c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv));
      c.updateAAD(aad);
      check(Arrays.equals(expected, c.doFinal(pt)), "gcm seal");
    } else {
      boolean tamper = rnd.nextInt(8) == 0; // a bad tag is a verdict, not a device failure
      if (tamper) {
        expected[expected.length - 1] ^= 1;
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding", accel);
      c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, iv));
      c.updateAAD(aad);
      try {
        byte[] got = c.doFinal(expected);
        check(!tamper && Arrays.equals(pt, got), "gcm open");
      } catch (AEADBadTagException e) {
        check(tamper, "gcm open: unexpected tag failure");
      }
    }
  }

  private void digest(SplittableRandom rnd, String alg) throws Exception {
    byte[] m = new byte[rnd.nextInt(0, 8192)];
    rnd.nextBytes(m);
    check(Arrays.equals(MessageDigest.getInstance(alg, "SUN").digest(m),
        MessageDigest.getInstance(alg, accel).digest(m)), alg);
  }

  private void sign(SplittableRandom rnd) throws Exception {
    int i = rnd.nextInt(RSA_MSGS.length);
    Signature s = Signature.getInstance("SHA256withRSA", accel);
    s.initSign(RSA_KEY);
    s.update(RSA_MSGS[i]);
    check(Arrays.equals(RSA_SIGS[i], s.sign()), "rsa sign");
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      wrong.incrementAndGet();
      note("wrong result: " + what);
    }
  }
}

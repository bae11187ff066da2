package dev.accel.cli;

import dev.accel.AccelProvider;
import dev.accel.device.DeviceSelfTest;
import java.io.PrintStream;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code accel stats}: runs a short mixed workload through a provider configured from the
 * arguments ({@code accel.key=value} pairs over system properties and {@code accel.conf}) and
 * prints the route table (operations, bytes, mean and p99 latency per algorithm x route x tier x
 * reason), per-device batch-size histograms, queue-full retries, in-flight depth, breaker state
 * and thresholds. {@code --current} prints the statistics of the provider already installed in
 * this JVM ({@code Security.getProvider("Accel")}) instead, without running anything.
 *
 * <p>Options: {@code --seconds S} (default 2), {@code --threads N} (default 16, virtual threads).
 * Exit status 1 when a result differs from the JDK's.
 */
final class StatsCommand implements Command {
  @Override
  public String name() {
    return "stats";
  }

  @Override
  public String summary() {
    return "run a short mixed workload (or --current) and print routes, latencies, batch sizes";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    double seconds = 2;
    int threads = 16;
    boolean current = false;
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--current" -> current = true;
        case "--seconds" -> seconds = Command.number(args, i++);
        case "--threads" -> threads = (int) Command.number(args, i++);
        default -> {
          int eq = a.indexOf('=');
          if (!a.startsWith("accel.") || eq < 0) {
            err.println("accel stats: expected accel.key=value, --seconds S, --threads N or --current; got " + a);
            return 2;
          }
          settings.put(a.substring(0, eq), a.substring(eq + 1));
        }
      }
    }
    if (current) {
      Provider p = Security.getProvider(AccelProvider.NAME);
      if (!(p instanceof AccelProvider ap)) {
        out.println("no Accel provider is installed in this JVM (java.security or Security.addProvider)");
        return 1;
      }
      out.print(ap.renderStats());
      return 0;
    }
    AccelProvider p = AccelProvider.withConfig(settings);
    p.router().awaitCalibration(5, TimeUnit.SECONDS);
    long wrong = workload(p, seconds, threads);
    out.printf("workload: %.1f s, %d threads, mixed AES-GCM 1 KiB/16 KiB seal+open, SHA-256 256 B/64 KiB, RSA-2048 sign%n",
        seconds, threads);
    out.print(p.renderStats());
    if (wrong != 0) {
      out.println("WRONG RESULTS: " + wrong);
      return 1;
    }
    return 0;
  }

  /** Mixed load for {@code seconds}; every result is checked against the JDK. Returns mismatches. */
  static long workload(AccelProvider p, double seconds, int threads) throws Exception {
    var k = DeviceSelfTest.rsaTestKey();
    PrivateKey rsa = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
        k.modulus(), k.publicExponent(), k.privateExponent(), k.p(), k.q(), k.dp(), k.dq(), k.qinv()));
    long end = System.nanoTime() + (long) (seconds * 1e9);
    AtomicLong wrong = new AtomicLong();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      ts.add(Thread.ofVirtual().start(() -> {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] key = new byte[16];
        rnd.nextBytes(key);
        SecretKeySpec aes = new SecretKeySpec(key, "AES");
        int i = 0;
        while (System.nanoTime() - end < 0) {
          try {
            switch ((i++ + seed) % 5) {
              case 0, 1 -> {
                byte[] pt = new byte[(i % 2 == 0) ? 1024 : 16384];
                rnd.nextBytes(pt);
                byte[] iv = new byte[12];
                rnd.nextBytes(iv);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
                c.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(128, iv));
                byte[] ct = c.doFinal(pt);
                Cipher sun = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
                sun.init(Cipher.DECRYPT_MODE, aes, new GCMParameterSpec(128, iv));
                Cipher d = Cipher.getInstance("AES/GCM/NoPadding", p);
                d.init(Cipher.DECRYPT_MODE, aes, new GCMParameterSpec(128, iv));
                if (!java.util.Arrays.equals(sun.doFinal(ct), pt) || !java.util.Arrays.equals(d.doFinal(ct), pt)) {
                  wrong.incrementAndGet();
                }
              }
              case 2, 3 -> {
                byte[] m = new byte[(i % 2 == 0) ? 256 : 65536];
                rnd.nextBytes(m);
                if (!java.util.Arrays.equals(MessageDigest.getInstance("SHA-256", p).digest(m),
                    MessageDigest.getInstance("SHA-256", "SUN").digest(m))) {
                  wrong.incrementAndGet();
                }
              }
              default -> {
                byte[] m = new byte[64];
                rnd.nextBytes(m);
                Signature s = Signature.getInstance("SHA256withRSA", p);
                s.initSign(rsa);
                s.update(m);
                byte[] sig = s.sign();
                Signature j = Signature.getInstance("SHA256withRSA", "SunRsaSign");
                j.initSign(rsa);
                j.update(m);
                if (!java.util.Arrays.equals(sig, j.sign())) {
                  wrong.incrementAndGet();
                }
              }
            }
          } catch (Exception e) {
            wrong.incrementAndGet();
          }
        }
      }));
    }
    for (Thread t : ts) {
      t.join();
    }
    return wrong.get();
  }
}

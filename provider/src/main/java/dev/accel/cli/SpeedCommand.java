package dev.accel.cli;

import dev.accel.AccelProvider;
import java.io.PrintStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code accel speed}: a quick comparison on this machine, like {@code openssl speed}: Accel (as
 * configured here, or with {@code --config}) against the JDK's providers and Bouncy Castle, for
 * chosen algorithms and sizes. Plain timing loops after a warm-up, single thread: approximate —
 * the JMH suite in {@code bench/} is the reference.
 */
final class SpeedCommand implements Command {
  private static final List<String> ALGS =
      List.of("aes-gcm", "aes-gcm-open", "sha224", "sha256", "sha384", "sha512", "rsa2048",
          "rsa3072", "rsa4096");

  @Override
  public String name() {
    return "speed";
  }

  @Override
  public String summary() {
    return "approximate speed of Accel vs the JDK and BC: speed [aes-gcm|aes-gcm-open|sha224..sha512|"
        + "rsa2048..4096]... [--sizes 16,1024,16384] [--seconds 1] [--config accel.k=v]...";
  }

  /** One measured operation: run it {@code n} times. */
  @FunctionalInterface
  private interface Op {
    void run(int n) throws Exception;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    List<String> algs = new ArrayList<>();
    int[] sizes = {16, 1024, 16384};
    double seconds = 1.0;
    Map<String, String> config = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--sizes" -> {
          String[] parts = Command.value(args, i++).split(",");
          sizes = new int[parts.length];
          for (int k = 0; k < parts.length; k++) {
            try {
              sizes[k] = Integer.parseInt(parts[k].trim());
            } catch (NumberFormatException e) {
              throw new Command.UsageException("--sizes wants a comma list of byte counts, got '" + parts[k] + "'");
            }
            if (sizes[k] < 1 || sizes[k] > (64 << 20)) {
              err.println("accel speed: sizes must be 1 .. 64 MiB");
              return 2;
            }
          }
        }
        case "--seconds" -> seconds = Command.number(args, i++);
        case "--config" -> {
          String kv = Command.value(args, i++);
          int eq = kv.indexOf('=');
          if (eq < 1) {
            err.println("accel speed: --config wants accel.key=value");
            return 2;
          }
          config.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        case "-h", "--help" -> {
          out.println("usage: accel " + summary().substring(summary().indexOf("speed")));
          out.println("  default: aes-gcm sha256 rsa2048; AES-256-GCM with a 12-byte IV, SHA256withRSA");
          return 0;
        }
        default -> {
          String alg = a.toLowerCase(Locale.ROOT);
          if (!ALGS.contains(alg)) {
            err.println("accel speed: unknown algorithm '" + a + "' (one of " + ALGS + ")");
            return 2;
          }
          algs.add(alg);
        }
      }
    }
    if (algs.isEmpty()) {
      algs = List.of("aes-gcm", "sha256", "rsa2048");
    }
    if (!(seconds > 0) || seconds > 60) {
      err.println("accel speed: --seconds must be in (0, 60]");
      return 2;
    }
    AccelProvider accel = config.isEmpty() ? new AccelProvider() : AccelProvider.withConfig(config);
    Provider bc = dev.accel.soft.BcTier.jcaProvider();
    out.printf(
        "accel speed: APPROXIMATE (plain timing loops, not JMH; one thread; %.1f s per cell after "
            + "as long a warm-up; the JMH suite in bench/ is the reference)%n",
        seconds);
    out.println("Accel: " + accel.getInfo() + (config.isEmpty() ? "" : " with " + config));
    out.printf("%-16s %9s  %16s %16s %16s  %9s %9s%n", "algorithm", "size", "Accel", "JDK", "BC",
        "Accel/JDK", "Accel/BC");
    for (String alg : algs) {
      if (alg.startsWith("rsa")) {
        int bits = Integer.parseInt(alg.substring(3));
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        g.initialize(bits);
        KeyPair kp = g.generateKeyPair();
        for (boolean sign : new boolean[] {true, false}) {
          double[] r = new double[3];
          Provider[] ps = {accel, Security.getProvider("SunRsaSign"), bc};
          for (int k = 0; k < 3; k++) {
            r[k] = measure(rsa(ps[k], kp, sign), seconds);
          }
          row(out, "rsa" + bits + (sign ? " sign" : " verify"), bits + " bit", r, 0);
        }
        continue;
      }
      for (int size : sizes) {
        double[] r = new double[3];
        Provider[] ps =
            alg.startsWith("aes")
                ? new Provider[] {accel, Security.getProvider("SunJCE"), bc}
                : new Provider[] {accel, Security.getProvider("SUN"), bc};
        for (int k = 0; k < 3; k++) {
          Op op = alg.startsWith("aes") ? gcm(ps[k], size, alg.endsWith("open")) : digest(ps[k], alg, size);
          r[k] = measure(op, seconds);
        }
        row(out, alg.startsWith("aes") ? "aes-256-gcm" + (alg.endsWith("open") ? " open" : "") : alg,
            size(size), r, size);
      }
    }
    return 0;
  }

  private static String size(int n) {
    return n >= 1 << 20 && n % (1 << 20) == 0 ? (n >> 20) + " MiB"
        : n >= 1024 && n % 1024 == 0 ? (n >> 10) + " KiB" : n + " B";
  }

  /** Prints one row: per provider ops/s (RSA) or MB/s plus ns/op; ratios Accel / peer. */
  private static void row(PrintStream out, String alg, String size, double[] opsPerSec, int bytes) {
    String[] cells = new String[3];
    for (int k = 0; k < 3; k++) {
      double v = opsPerSec[k];
      if (Double.isNaN(v)) {
        cells[k] = "n/a";
      } else if (bytes == 0) {
        cells[k] = String.format(Locale.ROOT, "%,.0f /s", v);
      } else {
        cells[k] = String.format(Locale.ROOT, "%,.1f MB/s", v * bytes / 1e6);
      }
    }
    out.printf(Locale.ROOT, "%-16s %9s  %16s %16s %16s  %9s %9s%n", alg, size, cells[0], cells[1],
        cells[2], ratio(opsPerSec[0], opsPerSec[1]), ratio(opsPerSec[0], opsPerSec[2]));
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? "n/a" : String.format(Locale.ROOT, "%.2fx", a / b);
  }

  /** Operations per second: a warm-up as long as the measurement (at least 0.5 s), then the loop. */
  private static double measure(Op op, double seconds) {
    try {
      run(op, Math.max(0.5, seconds));
      return run(op, seconds);
    } catch (Exception e) {
      return Double.NaN; // provider lacks the algorithm or size
    }
  }

  private static double run(Op op, double seconds) throws Exception {
    long budget = (long) (seconds * 1e9);
    long start = System.nanoTime();
    long now = start;
    long ops = 0;
    int batch = 1;
    while (now - start < budget) {
      op.run(batch);
      ops += batch;
      long t = System.nanoTime();
      if (t - now < 1_000_000 && batch < (1 << 20)) {
        batch *= 2; // aim at >= 1 ms between clock reads
      }
      now = t;
    }
    return ops * 1e9 / (now - start);
  }

  private static Op gcm(Provider p, int size, boolean open) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
    byte[] k = new byte[32];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (i + 1);
    }
    SecretKeySpec key = new SecretKeySpec(k, "AES");
    byte[] in = new byte[size];
    byte[] out = new byte[size + 16];
    byte[] iv = new byte[12];
    if (open) {
      GCMParameterSpec spec = new GCMParameterSpec(128, iv);
      c.init(Cipher.ENCRYPT_MODE, key, spec);
      byte[] ct = c.doFinal(in);
      return n -> {
        for (int i = 0; i < n; i++) {
          c.init(Cipher.DECRYPT_MODE, key, spec);
          c.doFinal(ct, 0, ct.length, out, 0);
        }
      };
    }
    long[] counter = {0};
    return n -> {
      for (int i = 0; i < n; i++) {
        long v = ++counter[0];
        for (int b = 0; b < 8; b++) {
          iv[4 + b] = (byte) (v >>> (8 * b));
        }
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        c.doFinal(in, 0, size, out, 0);
      }
    };
  }

  private static Op digest(Provider p, String alg, int size) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-" + alg.substring(3), p);
    byte[] in = new byte[size];
    byte[] out = new byte[md.getDigestLength()];
    return n -> {
      for (int i = 0; i < n; i++) {
        md.update(in, 0, size);
        md.digest(out, 0, out.length);
      }
    };
  }

  private static Op rsa(Provider p, KeyPair kp, boolean sign) throws Exception {
    byte[] msg = new byte[64];
    Signature s = Signature.getInstance("SHA256withRSA", p);
    s.initSign(kp.getPrivate());
    s.update(msg);
    byte[] sig = s.sign();
    if (sign) {
      return n -> {
        for (int i = 0; i < n; i++) {
          s.update(msg);
          s.sign();
        }
      };
    }
    Signature v = Signature.getInstance("SHA256withRSA", p);
    v.initVerify(kp.getPublic());
    return n -> {
      for (int i = 0; i < n; i++) {
        v.update(msg);
        if (!v.verify(sig)) {
          throw new IllegalStateException("verify failed");
        }
      }
    };
  }
}

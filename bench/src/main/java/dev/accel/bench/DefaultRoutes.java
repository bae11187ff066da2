package dev.accel.bench;

import dev.accel.AccelProvider;
import dev.accel.api.RouteStats;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.crypto.Cipher;

/**
 * Which engine serves each cell of issue 16's default-configuration group (bench/run --only
 * default): for every cell a fresh {@code accel-default} provider (no settings, inserted at
 * position 1, exactly as the JMH cell builds it), the cell's own benchmark method run a few
 * thousand times (fewer for slow RSA cells: at most about a second), then the provider's route
 * counters ({@link AccelProvider#stats()}) as they are, whatever labels they carry.
 *
 * <p>Output, one line per cell, tab-separated (bench/report.py reads it into the "served by"
 * column): {@code operation, size or bits, provider a lookup without a provider picks, operations
 * counted, served by}; "served by" lists every counter row of the measured operations as {@code
 * algorithm route/tier reason share}. Lines starting with {@code #} are comments: the provider's
 * configuration and device status, and each cell's full route table.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar
 * dev.accel.bench.DefaultRoutes [--gcm-sizes 16,64,...] [--sha-sizes 64,...] [--algorithms
 * SHA-256,...] [--bits 2048,...] [--ops N]}; the defaults are the group's cells and 3000 ops.
 */
public final class DefaultRoutes {
  private DefaultRoutes() {}

  /** One benchmark invocation. */
  private interface Op {
    Object run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int[] gcmSizes = {16, 64, 256, 1024, 16384, 1048576};
    int[] shaSizes = {64, 1024, 16384, 1048576};
    String[] algorithms = {"SHA-224", "SHA-256", "SHA-384", "SHA-512"};
    int[] bits = {2048, 3072, 4096};
    int ops = 3000;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--gcm-sizes" -> gcmSizes = ints(v);
        case "--sha-sizes" -> shaSizes = ints(v);
        case "--algorithms" -> algorithms = v.split(",");
        case "--bits" -> bits = ints(v);
        case "--ops" -> ops = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("DefaultRoutes: unknown option " + args[i]);
      }
      i++;
    }
    System.out.println("# DefaultRoutes: which route serves each cell of the default group; Java "
        + System.getProperty("java.version") + ", " + System.getProperty("os.arch"));
    System.out.println("# operation\tsize\tprovider a lookup without a provider picks\tops counted\tserved by");
    boolean header = false;
    for (String meth : new String[] {"seal", "open"}) {
      for (int size : gcmSizes) {
        GcmBench b = new GcmBench();
        b.provider = Providers.DEFAULT;
        b.size = size;
        b.aad = 0;
        b.buffer = "heap";
        b.prewarm = false;
        header = cell(header, "AES-256-GCM " + meth, size, ops, b::setup,
            meth.equals("seal") ? b::seal : b::open,
            () -> Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName());
      }
    }
    for (String alg : algorithms) {
      for (int size : shaSizes) {
        ShaBench b = new ShaBench();
        b.provider = Providers.DEFAULT;
        b.algorithm = alg;
        b.size = size;
        header = cell(header, alg, size, ops, b::setup, b::digest,
            () -> MessageDigest.getInstance(alg).getProvider().getName());
      }
    }
    for (int n : bits) {
      for (String meth : new String[] {"sign", "verify", "oaepDecrypt"}) {
        RsaBench b = new RsaBench();
        b.provider = Providers.DEFAULT;
        b.bits = n;
        String op =
            switch (meth) {
              case "sign" -> "SHA256withRSA sign";
              case "verify" -> "SHA256withRSA verify";
              default -> "RSA-OAEP decrypt";
            };
        Op run =
            switch (meth) {
              case "sign" -> b::sign;
              case "verify" -> b::verify;
              default -> b::oaepDecrypt;
            };
        header = cell(header, op, n, ops, b::setup, run,
            () -> meth.equals("oaepDecrypt")
                ? Cipher.getInstance("RSA/ECB/OAEPPadding").getProvider().getName()
                : Signature.getInstance("SHA256withRSA").getProvider().getName());
      }
    }
  }

  private interface Setup {
    void run() throws Exception;
  }

  private interface Lookup {
    String run() throws Exception;
  }

  /**
   * Builds a fresh default provider (the benchmark's setup installs it at position 1), runs
   * {@code op} as warm-up (up to {@code ops} times or 0.5 s), zeroes the counters, runs it again
   * (up to {@code ops} times or 1 s, at least 10), and prints what the counters saw.
   */
  private static boolean cell(boolean header, String name, int size, int ops, Setup setup, Op op, Lookup lookup)
      throws Exception {
    Providers.forget(Providers.DEFAULT);
    String picked;
    long counted;
    String served;
    AccelProvider p;
    try {
      setup.run();
      p = (AccelProvider) Providers.get(Providers.DEFAULT, "cipher"); // the one setup installed
      if (!header) {
        System.out.println("# configuration (effective): " + p.config().effective());
        for (String line : p.deviceStatus()) {
          System.out.println("#   " + line);
        }
      }
      picked = lookup.run();
      loop(op, ops, 500_000_000L);
      RouteStats atSetup = p.stats(); // a jvm-direct MessageDigest is counted once, when created
      p.resetStats();
      long n = loop(op, ops, 1_000_000_000L);
      RouteStats st = p.stats();
      counted = st.ops(null, null);
      served = counted == 0 && atSetup.ops(null, null) > 0
          ? summary(p, atSetup, size) + " (the JDK's own SPI: no Accel code per message, counted per instance)"
          : summary(p, st, size);
      System.out.println("# " + name + " " + size + ": " + n + " operations; route counters:");
      for (String line : st.render().split("\\R")) {
        System.out.println("#   " + line);
      }
    } catch (Exception | Error e) {
      System.out.println(name + "\t" + size + "\t?\t0\tfailed: " + e.toString().replace('\t', ' ').replace('\n', ' '));
      return header;
    }
    System.out.println(name + "\t" + size + "\t" + picked + "\t" + counted + "\t" + served);
    System.out.flush();
    return true;
  }

  private static long loop(Op op, int ops, long maxNanos) throws Exception {
    long start = System.nanoTime();
    long n = 0;
    while (n < ops && (n < 10 || System.nanoTime() - start < maxNanos)) {
      op.run();
      n++;
    }
    return n;
  }

  /** Every counter row, largest first: {@code algorithm route/tier reason share}. */
  static String summary(AccelProvider p, RouteStats st, long size) {
    long total = st.ops(null, null);
    if (total == 0) {
      return "no Accel route counted (served outside Accel's counters)";
    }
    List<RouteStats.Row> rows = new ArrayList<>(st.rows());
    rows.sort(Comparator.comparingLong(RouteStats.Row::ops).reversed());
    List<String> parts = new ArrayList<>();
    for (RouteStats.Row r : rows) {
      parts.add(String.format(Locale.ROOT, "%s %s/%s%s %s %.0f%%",
          r.algorithm(), r.route(), r.tier(), kernel(p, r, size), r.reason(), 100.0 * r.ops() / total));
    }
    return String.join("; ", parts);
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  /**
   * Which kernel of the device served the row's operation at this size, e.g. {@code (jvm)} where
   * the cpu device runs the JDK's own code (the JIT's intrinsics) in-process; empty for software.
   */
  private static String kernel(AccelProvider p, RouteStats.Row r, long size) {
    for (dev.accel.device.Device d : p.router().devices()) {
      if (!d.name().equals(r.tier())) {
        continue;
      }
      for (dev.accel.engine.Op.Kind k : dev.accel.engine.Op.Kind.values()) {
        if (k.label().equals(r.algorithm())) {
          return " (" + d.kernelFor(k, k.isRsa() ? 0 : size) + ")";
        }
      }
    }
    return "";
  }
}

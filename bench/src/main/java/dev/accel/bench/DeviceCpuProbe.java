package dev.accel.bench;

import dev.accel.AccelProvider;
import dev.accel.device.NativeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Host CPU per RSA-2048 signature on the device path: process CPU minus the emulator's engine
 * threads' CPU (on real hardware that share is the device's). The shim names its engine threads
 * {@code accel-emu<n>.<engine>} (Linux comm), and /proc/self/task/N/stat tells them apart from
 * every other thread. (Older shims left them unnamed: the device is still opened from a thread
 * named {@value #OPENER}, whose name such engines inherit.)
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar
 * dev.accel.bench.DeviceCpuProbe [profile] [seconds] [threads] [warm-up seconds] [rounds]
 * [platform|virtual|batch16]} (defaults hpre-920 5 64 10 3 platform): one warm-up, then that many
 * measured rounds and their median (the shared VM varies by +-40 % between runs).
 */
public final class DeviceCpuProbe {
  static final String OPENER = "accel-emu-eng";
  private static final long TICK_NANOS = 1_000_000_000L / 100; // USER_HZ

  private DeviceCpuProbe() {}

  public static void main(String[] args) throws Exception {
    String profile = args.length > 0 ? args[0] : "hpre-920";
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 10;
    int rounds = args.length > 4 ? Math.max(1, Integer.parseInt(args[4])) : 3;
    String callers = args.length > 5 ? args[5] : "platform";
    if (!List.of("platform", "virtual", "batch16").contains(callers)) {
      throw new IllegalArgumentException("callers: platform, virtual or batch16, not " + callers);
    }
    NativeDevice[] dev = new NativeDevice[1];
    Thread opener = Thread.ofPlatform().name(OPENER).start(() -> {
      try {
        dev[0] = DeviceBatchBench.openEmu(profile, 0);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    opener.join();
    AccelProvider accel = AccelProvider.builder().devices(List.of(dev[0])).config(Map.of(
        "accel.threshold.rsa", "0", "accel.calibrate", "false")).build();
    PrivateKey key = BenchKeys.rsa2048();
    byte[] msg = new byte[32];
    // Warm-up: until C2 has compiled the signing path, its compiler threads would be counted as
    // host CPU per signature (about 80 us at 1 caller after a 2 s warm-up, 2026-11-26).
    run(accel, key, msg, warmup, threads, callers);
    double[] hostUs = new double[rounds];
    long allSigns = 0;
    Map<String, Long> groups = new java.util.TreeMap<>();
    for (int round = 0; round < rounds; round++) {
      long[] before = cpu();
      Map<String, Long> threadsBefore = byThread();
      long signs = run(accel, key, msg, seconds, threads, callers);
      long[] after = cpu();
      Map<String, Long> threadsAfter = byThread();
      long total = after[0] - before[0];
      long engines = after[1] - before[1];
      hostUs[round] = (total - engines) / 1000.0 / signs;
      allSigns += signs;
      System.out.printf("round %d: profile %s, %d " + callers + " threads, %.1f s: %d signatures (%.0f/s); process CPU %.3f s,"
          + " engine threads %.3f s (%d); host CPU per signature %.1f us, engine CPU per signature %.1f us%n",
          round + 1, profile, threads, seconds, signs, signs / seconds, total / 1e9, engines / 1e9, (int) after[2],
          hostUs[round], engines / 1000.0 / signs);
      long living = 0;
      for (Map.Entry<String, Long> e : threadsAfter.entrySet()) {
        String g = group(e.getKey().substring(e.getKey().indexOf(' ') + 1));
        long d = e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L);
        if (!g.equals("accel-emu")) {
          groups.merge(g, d, Long::sum);
          living += d;
        }
      }
      // The signing threads end before the second reading; the process total still has them.
      groups.merge("signing threads", total - engines - living, Long::sum);
    }
    double[] sorted = hostUs.clone();
    java.util.Arrays.sort(sorted);
    System.out.printf("host CPU per signature (process - engines), median of %d rounds: %.1f us%n",
        rounds, sorted[rounds / 2]);
    System.out.println("batches: " + dev[0].batchSizes().snapshot().render());
    System.out.println("host CPU per signature by thread group, all rounds (us), largest first:");
    long n = allSigns;
    groups.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> System.out.printf("  %-24s %8.1f%n", e.getKey(), e.getValue() / 1000.0 / n));
    dev[0].close();
  }

  /**
   * Signs from {@code threads} threads until {@code seconds} pass; returns the signatures made.
   * {@code platform} and {@code virtual}: one JCA {@code Signature} per signature on that kind of
   * thread. {@code batch16}: platform threads that each sign 16 messages per call of the batch API
   * ({@code AccelCrypto.signAll}, one submission) and wait for the 16 futures.
   */
  private static long run(
      AccelProvider accel, PrivateKey key, byte[] msg, double seconds, int threads, String callers)
      throws InterruptedException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    AtomicLong n = new AtomicLong();
    List<Thread> ts = new ArrayList<>();
    List<byte[]> batch = java.util.Collections.nCopies(16, msg);
    for (int i = 0; i < threads; i++) {
      Thread.Builder b = callers.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform();
      ts.add(b.start(() -> {
        try {
          while (System.nanoTime() - end < 0) {
            if (callers.equals("batch16")) {
              for (java.util.concurrent.CompletableFuture<byte[]> f :
                  accel.crypto().signAll(key, "SHA256withRSA", null, batch)) {
                f.join();
              }
              n.addAndGet(batch.size());
            } else {
              DeviceBatchBench.sign(accel, key, msg);
              n.incrementAndGet();
            }
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }));
    }
    for (Thread t : ts) {
      t.join();
    }
    return n.get();
  }

  /** {process CPU ns, engine threads CPU ns, engine thread count} from /proc/self. */
  static long[] cpu() throws IOException {
    long process = ticks(Files.readString(Path.of("/proc/self/stat"))) * TICK_NANOS;
    long engines = 0;
    int count = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (comm.equals(OPENER) || comm.startsWith("accel-emu")) {
          engines += ticks(stat) * TICK_NANOS;
          count++;
        }
      }
    }
    return new long[] {process, engines, count};
  }

  /** CPU ns per live thread, keyed "tid comm" (threads that ended meanwhile are not counted). */
  static Map<String, Long> byThread() throws IOException {
    Map<String, Long> out = new java.util.HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          out.put(t.getFileName() + " " + comm, ticks(stat) * TICK_NANOS);
        } catch (IOException gone) {
          // ended between the listing and the read
        }
      }
    }
    return out;
  }

  /** Folds numbered thread names ("Thread-12", "C2 CompilerThre") into one group each. */
  private static String group(String comm) {
    return comm.startsWith("accel-emu") ? "accel-emu" : comm.replaceAll("[-#]?\\d+$", "");
  }

  /** utime + stime (fields 14 and 15) of a stat line. */
  private static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}

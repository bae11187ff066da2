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
 * [platform|virtual|batch16]} (defaults hpre-920 5 64 60 3 platform): one warm-up, then that many
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
    // 60 s: after a 20 s warm-up C2 was still compiling the signing path, 3.6-6.1 us of host CPU
    // per signature on its compiler threads; after 60 s 0.8-3.1 us in 19 runs of 2026-11-26, from
    // late recompilations (see the line without the JIT below). A one-time cost is not a
    // per-signature one.
    double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 60;
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
    // The probe's own /proc reading first, so that C2 compiles it during the warm-up: it runs only
    // between rounds, and compiled after the warm-up its compilation landed in round 1 (~10 us
    // per signature of C2 threads, 2026-11-26).
    for (int i = 0; i < 300; i++) {
      cpu();
      byThread();
      switches();
      group("C2 CompilerThread" + i);
    }
    // The signers run without a break from the warm-up to the last round, which are windows of
    // one run: stopping and restarting them between rounds deoptimized the signing path each time
    // (an uncommon trap in AccelCryptoImpl.sign as its threads ended), and C2 recompiling it
    // inside the next round cost ~7 us per signature even after a 90 s warm-up (2026-11-26).
    Signers signers = new Signers(accel, key, msg, threads, callers);
    Thread.sleep((long) (warmup * 1000));
    double[] hostUs = new double[rounds];
    double[] kernelUs = new double[rounds];
    double[] jitUs = new double[rounds]; // C1/C2 compiler threads, within hostUs
    Map<String, long[]> csw = new java.util.TreeMap<>();
    long allSigns = 0;
    Map<String, Long> groups = new java.util.TreeMap<>();
    for (int round = 0; round < rounds; round++) {
      long[] before = cpu();
      Map<String, Long> threadsBefore = byThread();
      Map<String, long[]> switchesBefore = switches();
      long n0 = signers.count.get();
      Thread.sleep((long) (seconds * 1000));
      long signs = signers.count.get() - n0;
      long[] after = cpu();
      Map<String, Long> threadsAfter = byThread();
      Map<String, long[]> switchesAfter = switches();
      long total = after[0] - before[0];
      long engines = after[1] - before[1];
      long hostKernel = (after[3] - before[3]) - (after[4] - before[4]);
      hostUs[round] = (total - engines) / 1000.0 / signs;
      kernelUs[round] = hostKernel / 1000.0 / signs;
      allSigns += signs;
      System.out.printf("round %d: profile %s, %d " + callers + " threads, %.1f s: %d signatures (%.0f/s); process CPU %.3f s,"
          + " engine threads %.3f s (%d); host CPU per signature %.1f us (%.1f of it in the kernel),"
          + " engine CPU per signature %.1f us%n",
          round + 1, profile, threads, seconds, signs, signs / seconds, total / 1e9, engines / 1e9, (int) after[2],
          hostUs[round], kernelUs[round], engines / 1000.0 / signs);
      for (Map.Entry<String, long[]> e : switchesAfter.entrySet()) {
        long[] b = switchesBefore.getOrDefault(e.getKey(), new long[2]);
        String g = group(e.getKey().substring(e.getKey().indexOf(' ') + 1));
        long[] acc = csw.computeIfAbsent(g, x -> new long[2]);
        acc[0] += e.getValue()[0] - b[0];
        acc[1] += e.getValue()[1] - b[1];
      }
      long living = 0;
      long jit = 0;
      for (Map.Entry<String, Long> e : threadsAfter.entrySet()) {
        String g = group(e.getKey().substring(e.getKey().indexOf(' ') + 1));
        long d = e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L);
        if (!g.equals("accel-emu")) {
          groups.merge(g, d, Long::sum);
          living += d;
        }
        if (g.startsWith("C1 CompilerThre") || g.startsWith("C2 CompilerThre")) {
          jit += d;
        }
      }
      jitUs[round] = jit / 1000.0 / signs;
      // Threads that ended within the round (none are expected): the process total still has them.
      groups.merge("threads that ended", total - engines - living, Long::sum);
    }
    signers.stop();
    double[] sorted = hostUs.clone();
    java.util.Arrays.sort(sorted);
    double[] sortedKernel = kernelUs.clone();
    java.util.Arrays.sort(sortedKernel);
    System.out.printf("host CPU per signature (process - engines), median of %d rounds: %.1f us"
        + " (user mode %.1f, kernel %.1f: median of each)%n",
        rounds, sorted[rounds / 2], medianOfDifference(hostUs, kernelUs), sortedKernel[rounds / 2]);
    // Recompilations still come after a 60 s warm-up: a branch first taken late (an uncommon trap,
    // -Xlog:deoptimization=debug: DeviceQueue.await, ConcurrentHashMap.addCount, ... at 64-73 s
    // on 2026-11-26) makes C2 recompile the method and its inlined tree, ~0.1-0.3 s each. That is
    // a one-time cost which a 25 s window spreads over its signatures at 1-3 us each, and which a
    // long-running server does not pay per signature; so this line leaves the compiler threads
    // out. The line above, with them, stays the headline.
    System.out.printf("host CPU per signature without the JIT compiler threads, median of %d rounds: %.1f us%n",
        rounds, medianOfDifference(hostUs, jitUs));
    System.out.println("batches: " + dev[0].batchSizes().snapshot().render());
    System.out.println("host CPU per signature by thread group, all rounds (us), largest first:");
    long n = allSigns;
    groups.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> System.out.printf("  %-24s %8.1f%n", e.getKey(), e.getValue() / 1000.0 / n));
    // Each switch of a thread that slept (voluntary) is a wake-up somebody paid for; involuntary
    // ones are preemptions, mostly by the emulator's engine threads on the same 2 cores.
    System.out.println("context switches per signature by thread group, all rounds (threads alive at the"
        + " end of a round), voluntary / involuntary:");
    csw.entrySet().stream().filter(e -> e.getValue()[0] + e.getValue()[1] > 0)
        .sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
        .forEach(e -> System.out.printf("  %-24s %8.3f %8.3f%n", e.getKey(),
            e.getValue()[0] / (double) n, e.getValue()[1] / (double) n));
    dev[0].close();
  }

  private static double medianOfDifference(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    java.util.Arrays.sort(d);
    return d[d.length / 2];
  }

  /**
   * Signs from {@code n} threads until stopped, counting signatures. {@code platform} and {@code
   * virtual}: one JCA {@code Signature} per signature on that kind of thread. {@code batch16}:
   * platform threads that each sign 16 messages per call of the batch API ({@code
   * AccelCrypto.signAll}, one submission) and wait for the 16 futures.
   */
  private static final class Signers {
    final AtomicLong count = new AtomicLong();
    private volatile boolean stopped;
    private final List<Thread> threads = new ArrayList<>();

    Signers(AccelProvider accel, PrivateKey key, byte[] msg, int n, String callers) {
      List<byte[]> batch = java.util.Collections.nCopies(16, msg);
      for (int i = 0; i < n; i++) {
        Thread.Builder b = callers.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform();
        threads.add(b.start(() -> {
          try {
            while (!stopped) {
              if (callers.equals("batch16")) {
                // allOf: one wake-up when the last completes (joining each in turn wakes this
                // thread again whenever the next is not complete yet).
                List<java.util.concurrent.CompletableFuture<byte[]>> fs =
                    accel.crypto().signAll(key, "SHA256withRSA", null, batch);
                java.util.concurrent.CompletableFuture.allOf(
                    fs.toArray(new java.util.concurrent.CompletableFuture<?>[0])).join();
                for (java.util.concurrent.CompletableFuture<byte[]> f : fs) {
                  f.join(); // complete: rethrows a failure
                }
                count.addAndGet(batch.size());
              } else {
                DeviceBatchBench.sign(accel, key, msg);
                count.incrementAndGet();
              }
            }
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }));
      }
    }

    void stop() throws InterruptedException {
      stopped = true;
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  /**
   * {process CPU ns, engine threads CPU ns, engine thread count, process kernel-mode ns, engine
   * threads kernel-mode ns} from /proc/self.
   */
  static long[] cpu() throws IOException {
    String self = Files.readString(Path.of("/proc/self/stat"));
    long process = ticks(self) * TICK_NANOS;
    long processKernel = field(self, 12) * TICK_NANOS;
    long engines = 0;
    long enginesKernel = 0;
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
          enginesKernel += field(stat, 12) * TICK_NANOS;
          count++;
        }
      }
    }
    return new long[] {process, engines, count, processKernel, enginesKernel};
  }

  /** {voluntary, involuntary} context switches per live thread, keyed "tid comm". */
  static Map<String, long[]> switches() throws IOException {
    Map<String, long[]> out = new java.util.HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        try {
          String comm = Files.readString(t.resolve("comm")).strip();
          long[] v = new long[2];
          for (String line : Files.readAllLines(t.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              v[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
              v[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
          }
          out.put(t.getFileName() + " " + comm, v);
        } catch (IOException gone) {
          // ended between the listing and the read
        }
      }
    }
    return out;
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
    return field(stat, 11) + field(stat, 12);
  }

  /** Field {@code i} counted from the state field (field 3 of proc(5)) of a stat line. */
  private static long field(String stat, int i) {
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[i]);
  }
}

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
 * dev.accel.bench.DeviceCpuProbe [profile] [seconds] [threads] [warm-up seconds]} (defaults hpre-920
 * 5 64 10).
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
    run(accel, key, msg, warmup, threads);
    long[] before = cpu();
    Map<String, Long> threadsBefore = byThread();
    long signs = run(accel, key, msg, seconds, threads);
    long[] after = cpu();
    Map<String, Long> threadsAfter = byThread();
    long total = after[0] - before[0];
    long engines = after[1] - before[1];
    double hostUs = (total - engines) / 1000.0 / signs;
    System.out.printf("profile %s, %d threads, %.1f s: %d signatures (%.0f/s)%n", profile, threads, seconds, signs,
        signs / seconds);
    System.out.printf("process CPU %.3f s, engine threads %.3f s (%d engine threads)%n",
        total / 1e9, engines / 1e9, (int) after[2]);
    System.out.printf("host CPU per signature (process - engines): %.1f us%n", hostUs);
    System.out.printf("engine CPU per signature: %.1f us%n", engines / 1000.0 / signs);
    System.out.println("batches: " + dev[0].batchSizes().snapshot().render());
    System.out.println("host CPU per signature by thread group (us), largest first:");
    Map<String, Long> groups = new java.util.TreeMap<>();
    threadsAfter.forEach((k, v) -> groups.merge(group(k.substring(k.indexOf(' ') + 1)),
        v - threadsBefore.getOrDefault(k, 0L), Long::sum));
    groups.entrySet().stream().filter(e -> !e.getKey().startsWith("accel-emu") && e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> System.out.printf("  %-24s %8.1f%n", e.getKey(), e.getValue() / 1000.0 / signs));
    dev[0].close();
  }

  private static long run(AccelProvider accel, PrivateKey key, byte[] msg, double seconds, int threads)
      throws InterruptedException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    AtomicLong n = new AtomicLong();
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      ts.add(Thread.ofPlatform().start(() -> {
        try {
          while (System.nanoTime() - end < 0) {
            DeviceBatchBench.sign(accel, key, msg);
            n.incrementAndGet();
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

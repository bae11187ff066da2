package dev.accel.netty;

import dev.accel.AccelProvider;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import dev.accel.rsa.AccelKeys;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Security;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Full-handshake benchmark (run manually, not by surefire; see docs/benchmarks-tls.md): a Netty
 * server with 2 event loops, BoringSSL clients keeping {@code concurrency} full TLS 1.3 handshakes
 * in flight (no resumption), RSA-2048 certificate, the emulated device on the {@code hpre-920}
 * profile. CPU is read per thread from /proc/self/task/N/schedstat and split into client threads
 * ({@code cli-*}), the emulator's engine threads (native threads started by the {@code emu-engines}
 * thread, whose name they inherit; on real hardware this is the device's time) and everything else
 * (server event loops, virtual-thread carriers, Accel's reapers): the server host. JIT compiler
 * and GC threads are reported apart ({@code jvm}).
 *
 * <p>Usage: {@code HandshakeBench [handshakes] [concurrency] [mode...]}, modes {@code jsse},
 * {@code jsse-accel}, {@code boringssl}, {@code boringssl-accel}.
 */
public final class HandshakeBench {
  private HandshakeBench() {}

  record Cpu(long clientNanos, long engineNanos, long jvmNanos, long hostNanos) {
    Cpu minus(Cpu o) {
      return new Cpu(
          clientNanos - o.clientNanos,
          engineNanos - o.engineNanos,
          jvmNanos - o.jvmNanos,
          hostNanos - o.hostNanos);
    }
  }

  /** JIT compiler and GC threads: reported apart, they are warm-up and heap artefacts. */
  private static boolean isJvmThread(String comm) {
    return comm.contains("CompilerThre") || comm.startsWith("GC ") || comm.startsWith("G1 ");
  }

  /** CPU nanoseconds per thread name with digits removed (for -Dbench.threads=true). */
  static Map<String, Long> byName() throws IOException {
    Map<String, Long> out = new java.util.TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(t.resolve("comm")).strip().replaceAll("[0-9]+", "#");
          long ns = Long.parseLong(Files.readString(t.resolve("schedstat")).split(" ")[0]);
          out.merge(comm, ns, Long::sum);
        } catch (IOException | RuntimeException gone) {
          // the thread exited meanwhile
        }
      }
    }
    return out;
  }

  static Cpu cpu() throws IOException {
    long client = 0;
    long engine = 0;
    long jvm = 0;
    long host = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String comm;
        long ns;
        try {
          comm = Files.readString(t.resolve("comm")).strip();
          ns = Long.parseLong(Files.readString(t.resolve("schedstat")).split(" ")[0]);
        } catch (IOException | RuntimeException gone) {
          continue; // the thread exited meanwhile
        }
        if (comm.startsWith("cli-")) {
          client += ns;
        } else if (comm.startsWith("emu-engines")) {
          engine += ns;
        } else if (isJvmThread(comm)) {
          jvm += ns;
        } else {
          host += ns;
        }
      }
    }
    return new Cpu(client, engine, jvm, host);
  }

  public static void main(String[] args) throws Exception {
    int handshakes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    List<String> modes =
        args.length > 2
            ? List.of(args).subList(2, args.length)
            : List.of("jsse", "boringssl", "boringssl-accel", "jsse-accel");
    TestPki pki = TestPki.rsa2048();

    // Open the device from a thread named so that its engine threads inherit the name.
    AtomicReference<NativeDevice> dev = new AtomicReference<>();
    AtomicReference<Exception> err = new AtomicReference<>();
    Thread opener =
        Thread.ofPlatform()
            .name("emu-engines")
            .start(
                () -> {
                  try {
                    dev.set(
                        Devices.open(
                            "emu",
                            DeviceOptions.defaults()
                                .withProfile(EmulatorControl.Profile.HPRE_920)
                                .withBusyRetryNanos(200_000_000L)));
                  } catch (Exception e) {
                    err.set(e);
                  }
                });
    opener.join();
    if (err.get() != null) {
      throw err.get();
    }
    NativeDevice device = dev.get();
    Map<String, String> cfg = new HashMap<>();
    cfg.put("accel.device.timeout.ms", "5000");
    AccelProvider accel = AccelProvider.builder().devices(List.of(device)).config(cfg).build();
    PrivateKey handle = AccelKeys.deviceResident(pki.key());

    System.out.printf(
        Locale.ROOT,
        "%d full TLS 1.3 handshakes per mode, %d concurrent, BoringSSL clients, RSA-2048, emu hpre-920, %d CPUs%n",
        handshakes, concurrency, Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "%-16s %7s %11s %13s %11s %12s %10s  %s%n",
        "mode", "hs/s", "host ms/hs", "engine ms/hs", "jvm ms/hs", "client ms/hs", "dev signs", "signing batches");
    for (String mode : modes) {
      AccelAsyncPrivateKeyMethod method = null;
      SslContext server;
      Function<io.netty.channel.Channel, io.netty.handler.ssl.SslHandler> handler;
      switch (mode) {
        case "jsse" -> {
          SslContext c =
              SslContextBuilder.forServer(pki.key(), pki.chain()).sslProvider(SslProvider.JDK).build();
          server = c;
          handler = ch -> c.newHandler(ch.alloc());
        }
        case "jsse-accel" -> {
          if (Security.getProvider(AccelProvider.NAME) == null) {
            Security.addProvider(accel); // last: only the opaque handle routes to it
          }
          SslContext c = AccelSsl.jdkServerContext(pki.chain(), handle);
          server = c;
          handler = ch -> AccelSsl.newHandler(c, ch.alloc());
        }
        case "boringssl" -> {
          SslContext c =
              SslContextBuilder.forServer(pki.key(), pki.chain()).sslProvider(SslProvider.OPENSSL).build();
          server = c;
          handler = ch -> c.newHandler(ch.alloc());
        }
        case "boringssl-accel" -> {
          method = new AccelAsyncPrivateKeyMethod(TestCrypto.of(accel), handle);
          SslContext c = AccelSsl.serverContextBuilder(method, pki.chain()).build();
          server = c;
          handler = ch -> c.newHandler(ch.alloc());
        }
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
      SslContext client = TestSupport.client("boringssl", "TLSv1.3");
      try (TlsHarness h = new TlsHarness(2, 1)) {
        h.start(handler);
        h.handshakes(client, Math.max(500, handshakes), concurrency); // warm-up (JIT)
        System.gc();
        accel.resetStats();
        long batches0 = method == null ? 0 : method.stats().batches();
        long sigs0 = method == null ? 0 : method.stats().signatures();
        Map<String, Long> namesBefore = Boolean.getBoolean("bench.threads") ? byName() : null;
        Cpu before = cpu();
        long t0 = System.nanoTime();
        h.handshakes(client, handshakes, concurrency);
        long wall = System.nanoTime() - t0;
        Cpu used = cpu().minus(before);
        long devSigns = accel.stats().ops(TestSupport.RSA_PRIVATE, TestSupport.DEVICE);
        String batches = "-";
        if (method != null) {
          var s = method.stats();
          long b = s.batches() - batches0;
          long n = s.signatures() - sigs0;
          batches = String.format(Locale.ROOT, "avg %.1f over %d batches; since start: %s", (double) n / b, b, s);
        }
        System.out.printf(
            Locale.ROOT,
            "%-16s %7.0f %11.3f %13.3f %11.3f %12.3f %10d  %s%n",
            mode,
            handshakes / (wall / 1e9),
            used.hostNanos() / 1e6 / handshakes,
            used.engineNanos() / 1e6 / handshakes,
            used.jvmNanos() / 1e6 / handshakes,
            used.clientNanos() / 1e6 / handshakes,
            devSigns,
            batches);
        if (namesBefore != null) {
          Map<String, Long> after = byName();
          after.forEach(
              (name, ns) -> {
                long d = ns - namesBefore.getOrDefault(name, 0L);
                if (d > wall / 100) {
                  System.out.printf(Locale.ROOT, "    %-20s %8.3f ms/hs%n", name, d / 1e6 / handshakes);
                }
              });
        }
      }
      if (server == null) {
        throw new IllegalStateException();
      }
    }
    device.close();
    System.exit(0);
  }
}

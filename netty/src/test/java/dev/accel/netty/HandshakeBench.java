package dev.accel.netty;

import dev.accel.api.HistogramSnapshot;
import dev.accel.AccelProvider;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import dev.accel.metrics.Log2Histogram;
import dev.accel.api.AccelKeys;
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
 * ({@code cli-*}), the emulator's engine threads (named {@code accel-emu0.N} by the shim; older
 * shims let them inherit the name of the {@code emu-engines} thread that opens the device; on real
 * hardware this is the device's time) and everything else
 * (server event loops, virtual-thread carriers, Accel's reapers): the server host. JIT compiler
 * and GC threads are reported apart ({@code jvm}).
 *
 * <p>Usage: {@code HandshakeBench [handshakes] [concurrency] [mode...]}, modes {@code jsse},
 * {@code jsse-accel}, {@code bcjsse}, {@code bcjsse-accel}, {@code boringssl}, {@code
 * boringssl-accel}, {@code boringssl-accel-eager} (a signing batch leaves whenever a slot is free), {@code
 * record-handler} (BC handshake signed on Accel, then Accel's record handler). System properties: {@code bench.rounds=N} (rounds over all modes, then a
 * markdown summary of medians), {@code bench.threads=true} (per-thread CPU), {@code
 * bench.warmup=N} (warm-up handshakes per mode, default as many as measured), {@code
 * bench.client.trust=insecure|pinned}, {@code bench.client.groups=x25519[,...]}, {@code bench.inflight=N} (batches the async key method
 * keeps in flight), {@code bench.overlap=N} (signatures that must wait before a second batch
 * overlaps the one in flight), {@code bench.coalesce=true|false} (the async key method submits at the end of
 * the event loop iteration, or at once). The client connections are opened from a thread named
 * {@code cli-driver}, so the load generator's CPU is counted as client CPU.
 */
public final class HandshakeBench {
  private HandshakeBench() {}

  /** CPU time per category over one measurement. */
  record Cpu(long clientNanos, long engineNanos, long jvmNanos, long hostNanos) {}

  /**
   * CPU time of every live thread by thread id (from /proc/self/task/N/schedstat) with its
   * category, and the whole process's CPU time (utime + stime of /proc/self/stat, which keeps the
   * time of threads that have exited).
   */
  record CpuSample(Map<Long, Long> nanosByTid, Map<Long, Character> categoryByTid, long processNanos) {
    /**
     * Client, engine and JVM threads are long-lived: their time is the per-thread difference.
     * Host is the rest of the process's time, so host threads that exit meanwhile (idle
     * virtual-thread carriers do) are neither lost nor subtracted.
     */
    Cpu since(CpuSample before) {
      long[] byCat = new long[128];
      nanosByTid.forEach(
          (tid, ns) -> byCat[categoryByTid.get(tid)] += ns - before.nanosByTid.getOrDefault(tid, 0L));
      long total = processNanos - before.processNanos;
      long client = byCat['c'];
      long engine = byCat['e'];
      long jvm = byCat['j'];
      return new Cpu(client, engine, jvm, total - client - engine - jvm);
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

  static CpuSample cpu() throws IOException {
    Map<Long, Long> nanos = new HashMap<>();
    Map<Long, Character> cats = new HashMap<>();
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
        long tid = Long.parseLong(t.getFileName().toString());
        nanos.put(tid, ns);
        cats.put(
            tid,
            comm.startsWith("cli-") ? 'c' : comm.startsWith("emu-engines") || comm.startsWith("accel-emu") ? 'e' : isJvmThread(comm) ? 'j' : 'h');
      }
    }
    // /proc/self/stat: fields after the parenthesised command; utime and stime are fields 14 and 15.
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return new CpuSample(nanos, cats, ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND));
  }

  /** USER_HZ: the unit of /proc/self/stat times, 100 on every Linux architecture Accel builds for. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  /** Knobs, as system properties (defaults in brackets). */
  private static final int WARMUP = Integer.getInteger("bench.warmup", 0); // [= handshakes, at least 500]
  /** Rounds over all modes [1]; with more, a summary gives each figure's median over the rounds. */
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 1);
  /** {@code insecure} [default]: the client skips chain validation; {@code pinned}: it validates the pinned certificate. */
  private static final String CLIENT_TRUST = System.getProperty("bench.client.trust", "insecure");
  /** Key-exchange groups the client offers, comma-separated BoringSSL names [x25519]. */
  private static final String CLIENT_GROUPS = System.getProperty("bench.client.groups", "x25519");
  /** Batches the async key method keeps in flight [AccelAsyncPrivateKeyMethod's default, 2]. */
  private static final int IN_FLIGHT = Integer.getInteger("bench.inflight", 2);
  /** Signatures that must wait before a batch overlaps one in flight [8, the method's default]. */
  private static final int OVERLAP = Integer.getInteger("bench.overlap", 8);
  /** The async key method submits at the end of the event loop's iteration [true] or at once. */
  private static final boolean COALESCE = Boolean.parseBoolean(System.getProperty("bench.coalesce", "true"));

  /**
   * BCJSSE logs two INFO lines per connection through java.util.logging (to stderr by default):
   * a server would configure that away, and here it would be counted as host CPU. Held in a field
   * because java.util.logging keeps loggers weakly.
   */
  private static final java.util.logging.Logger BC_JSSE_LOG = java.util.logging.Logger.getLogger("org.bouncycastle.jsse");

  /** Signing latency (request to result) of an async key method, for Little's law. */
  static final class Timed implements io.netty.handler.ssl.OpenSslAsyncPrivateKeyMethod {
    static final java.util.concurrent.atomic.LongAdder NANOS = new java.util.concurrent.atomic.LongAdder();
    static final java.util.concurrent.atomic.LongAdder COUNT = new java.util.concurrent.atomic.LongAdder();
    private final io.netty.handler.ssl.OpenSslAsyncPrivateKeyMethod delegate;

    Timed(io.netty.handler.ssl.OpenSslAsyncPrivateKeyMethod delegate) {
      this.delegate = delegate;
    }

    @Override
    public io.netty.util.concurrent.Future<byte[]> sign(javax.net.ssl.SSLEngine e, int alg, byte[] in) {
      long t0 = System.nanoTime();
      io.netty.util.concurrent.Future<byte[]> f = delegate.sign(e, alg, in);
      f.addListener(x -> {
        NANOS.add(System.nanoTime() - t0);
        COUNT.increment();
      });
      return f;
    }

    @Override
    public io.netty.util.concurrent.Future<byte[]> decrypt(javax.net.ssl.SSLEngine e, byte[] in) {
      return delegate.decrypt(e, in);
    }
  }

  /** One mode's measured run. */
  record Result(
      String mode,
      double handshakesPerSecond,
      double hostMs,
      double engineMs,
      double jvmMs,
      double clientMs,
      long deviceSignatures,
      HistogramSnapshot deviceBatches,
      AccelAsyncPrivateKeyMethod.BatchStats signer) {}

  public static void main(String[] args) throws Exception {
    BC_JSSE_LOG.setLevel(java.util.logging.Level.WARNING);
    int handshakes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    List<String> modes =
        args.length > 2
            ? List.of(args).subList(2, args.length)
            : List.of(
                "jsse", "jsse-accel", "bcjsse", "bcjsse-accel", "boringssl", "boringssl-accel",
                "boringssl-accel-eager", "record-handler");
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
        "%d full TLS 1.3 handshakes per mode and round (after %s warm-up), %d rounds, %d concurrent,"
            + " BoringSSL clients (trust %s, groups %s), RSA-2048, emu hpre-920, %d CPUs;"
            + " async key method: at most %d batches in flight, a second once %d wait, %s%n",
        handshakes, WARMUP > 0 ? Integer.toString(WARMUP) : "as many", ROUNDS, concurrency, CLIENT_TRUST, CLIENT_GROUPS,
        Runtime.getRuntime().availableProcessors(), IN_FLIGHT, OVERLAP,
        COALESCE ? "submits at the end of the event loop iteration" : "submits at once");
    System.out.printf(
        Locale.ROOT,
        "%-25s %7s %11s %13s %11s %12s %10s  %s%n",
        "mode", "hs/s", "host ms/hs", "engine ms/hs", "jvm ms/hs", "client ms/hs", "dev signs", "batches");
    Map<String, List<Result>> results = new java.util.LinkedHashMap<>();
    for (int round = 1; round <= ROUNDS; round++) {
      for (String mode : modes) {
        Result r = runMode(mode, pki, accel, handle, device, handshakes, concurrency);
        results.computeIfAbsent(mode, k -> new java.util.ArrayList<>()).add(r);
      }
    }
    if (ROUNDS > 1) {
      summary(results);
    }
    device.close();
    System.exit(0);
  }

  private static Result runMode(
      String mode, TestPki pki, AccelProvider accel, PrivateKey handle, NativeDevice device, int handshakes,
      int concurrency) throws Exception {
    AccelAsyncPrivateKeyMethod method = null;
    Function<io.netty.channel.Channel, io.netty.channel.ChannelHandler> handler;
    switch (mode) {
      case "jsse" -> {
        SslContext c =
            SslContextBuilder.forServer(pki.key(), pki.chain()).sslProvider(SslProvider.JDK).build();
        handler = ch -> c.newHandler(ch.alloc());
      }
      case "jsse-accel" -> {
        Security.addProvider(accel); // last: only the opaque handle routes to it (removed after)
        SslContext c = AccelSsl.jdkServerContext(pki.chain(), handle);
        handler = ch -> AccelSsl.newHandler(c, ch.alloc());
      }
      case "bcjsse", "bcjsse-accel" -> {
        // BCJSSE's usual companion, last in the list (BC names TLS 1.3 RSA-PSS
        // SHA256WITHRSAANDMGF1, which only BC registers); it takes nothing the JDK offers first.
        if (Security.getProvider("BC") == null) {
          Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        boolean withAccel = mode.equals("bcjsse-accel");
        java.security.Provider bcjsse =
            withAccel
                ? AccelBcTls.jsseProvider(accel, true) // record AEAD and RSA-PSS signing on Accel
                : new org.bouncycastle.jsse.provider.BouncyCastleJsseProvider();
        SslContext c =
            SslContextBuilder.forServer(new AccelKeyManager(pki.chain(), withAccel ? handle : pki.key()))
                .sslProvider(SslProvider.JDK)
                .sslContextProvider(bcjsse)
                .build();
        handler = ch -> c.newHandler(ch.alloc());
      }
      case "record-handler" -> {
        // BC's TLS 1.3 handshake (CertificateVerify signed on Accel with the device-resident
        // handle), then Accel's record handler; records are not exercised by a handshake-only run.
        dev.accel.netty.records.RecordBatcher batcher =
            new dev.accel.netty.records.RecordBatcher(TestCrypto.of(accel));
        org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto crypto =
            new AccelBcTls.CryptoProvider(accel, true).create(new java.security.SecureRandom());
        handler = ch -> new dev.accel.netty.records.BcTls13Handshaker(batcher, crypto, pki.chain(), handle);
      }
      case "boringssl" -> {
        SslContext c =
            SslContextBuilder.forServer(pki.key(), pki.chain()).sslProvider(SslProvider.OPENSSL).build();
        handler = ch -> c.newHandler(ch.alloc());
      }
      case "boringssl-accel", "boringssl-accel-eager" -> {
        // The second: a batch leaves whenever a slot is free (overlapBatch 1, the rule before the
        // default became 8), for comparison in the same run.
        method =
            new AccelAsyncPrivateKeyMethod(
                TestCrypto.of(accel), handle, 64, IN_FLIGHT, mode.endsWith("-eager") ? 1 : OVERLAP, COALESCE);
        SslContext c =
            SslContextBuilder.forServer(
                    io.netty.handler.ssl.OpenSslX509KeyManagerFactory.newKeyless(pki.chain()))
                .sslProvider(SslProvider.OPENSSL)
                .option(io.netty.handler.ssl.OpenSslContextOption.ASYNC_PRIVATE_KEY_METHOD, new Timed(method))
                .build();
        handler = ch -> c.newHandler(ch.alloc());
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
    SslContext client = client();
    try (TlsHarness h = new TlsHarness(2, 1)) {
      return measure(mode, h, handler, client, method, accel, device, handshakes, concurrency);
    } finally {
      Security.removeProvider(AccelProvider.NAME); // the other modes must not find Accel
    }
  }

  private static Result measure(
      String mode, TlsHarness h, Function<io.netty.channel.Channel, io.netty.channel.ChannelHandler> handler,
      SslContext client, AccelAsyncPrivateKeyMethod method, AccelProvider accel, NativeDevice device,
      int handshakes, int concurrency) throws Exception {
    h.start(handler);
    drive(h, client, WARMUP > 0 ? WARMUP : Math.max(500, handshakes), concurrency); // JIT
    System.gc();
    accel.resetStats();
    AccelAsyncPrivateKeyMethod.BatchStats m0 = method == null ? null : method.stats();
    HistogramSnapshot d0 = device.batchSizes().snapshot();
    Map<String, Long> namesBefore = Boolean.getBoolean("bench.threads") ? byName() : null;
    Timed.NANOS.reset();
    Timed.COUNT.reset();
    CpuSample before = cpu();
    long t0 = System.nanoTime();
    drive(h, client, handshakes, concurrency);
    long wall = System.nanoTime() - t0;
    Cpu used = cpu().since(before);
    HistogramSnapshot d = minus(device.batchSizes().snapshot(), d0);
    long devSigns = accel.stats().ops(TestSupport.RSA_PRIVATE, TestSupport.DEVICE);
    Result r =
        new Result(
            mode,
            handshakes / (wall / 1e9),
            used.hostNanos() / 1e6 / handshakes,
            used.engineNanos() / 1e6 / handshakes,
            used.jvmNanos() / 1e6 / handshakes,
            used.clientNanos() / 1e6 / handshakes,
            devSigns,
            d,
            method == null ? null : minus(method.stats(), m0));
    System.out.printf(
        Locale.ROOT,
        "%-25s %7.0f %11.3f %13.3f %11.3f %12.3f %10d  %s%n",
        mode, r.handshakesPerSecond(), r.hostMs(), r.engineMs(), r.jvmMs(), r.clientMs(), devSigns,
        batches(r));
    System.out.printf(
        Locale.ROOT,
        "    handshake (connect to close) mean %.1f ms%s; load average (1 min, whole machine) %s%n",
        concurrency * 1000.0 / r.handshakesPerSecond(),
        Timed.COUNT.sum() == 0
            ? ""
            : String.format(Locale.ROOT, ", async signing mean %.2f ms", Timed.NANOS.sum() / 1e6 / Timed.COUNT.sum()),
        Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    if (namesBefore != null) {
      Map<String, Long> after = byName();
      after.forEach(
          (name, ns) -> {
            long delta = ns - namesBefore.getOrDefault(name, 0L);
            if (delta > wall / 100) {
              System.out.printf(Locale.ROOT, "    %-20s %8.3f ms/hs%n", name, delta / 1e6 / handshakes);
            }
          });
    }
    return r;
  }

  private static String batches(Result r) {
    if (r.deviceSignatures() == 0) {
      return "-";
    }
    HistogramSnapshot d = r.deviceBatches();
    String s =
        String.format(
            Locale.ROOT, "device: avg %.1f over %d submits %s", (double) d.sum() / d.count(), d.count(), d.render());
    return r.signer() == null ? s : s + "; signer: " + r.signer();
  }

  private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Medians over the rounds, batch histograms summed over them; markdown for the report. */
  private static void summary(Map<String, List<Result>> results) {
    System.out.println();
    System.out.println("| mode | handshakes/s | host ms/hs | engine ms/hs | jvm ms/hs | client ms/hs | device signatures | device batch (avg) |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
    Map<String, Double> host = new java.util.LinkedHashMap<>();
    Map<String, Double> rate = new java.util.LinkedHashMap<>();
    results.forEach(
        (mode, rs) -> {
          HistogramSnapshot d = rs.getFirst().deviceBatches();
          long signs = 0;
          for (int i = 0; i < rs.size(); i++) {
            if (i > 0) {
              d = d.plus(rs.get(i).deviceBatches());
            }
            signs += rs.get(i).deviceSignatures();
          }
          host.put(mode, median(rs, Result::hostMs));
          rate.put(mode, median(rs, Result::handshakesPerSecond));
          System.out.printf(
              Locale.ROOT,
              "| %s | %.0f | %.3f | %.3f | %.3f | %.3f | %d | %s |%n",
              mode, rate.get(mode), host.get(mode), median(rs, Result::engineMs), median(rs, Result::jvmMs),
              median(rs, Result::clientMs), signs,
              signs == 0 ? "–" : String.format(Locale.ROOT, "%.1f (%d submits)", (double) d.sum() / d.count(), d.count()));
        });
    System.out.println();
    results.forEach(
        (mode, rs) -> {
          HistogramSnapshot d = rs.getFirst().deviceBatches();
          AccelAsyncPrivateKeyMethod.BatchStats sig = rs.getFirst().signer();
          for (int i = 1; i < rs.size(); i++) {
            d = d.plus(rs.get(i).deviceBatches());
            if (sig != null) {
              sig = plus(sig, rs.get(i).signer());
            }
          }
          if (d.count() > 0) {
            System.out.printf(Locale.ROOT, "%s device batch sizes (all rounds): %s%n", mode, d.render());
          }
          if (sig != null) {
            System.out.printf(Locale.ROOT, "%s signer batches (all rounds): %s%n", mode, sig);
          }
        });
    System.out.println();
    for (String[] ratio :
        new String[][] {
          {"jsse-accel", "jsse"}, {"bcjsse-accel", "bcjsse"}, {"bcjsse-accel", "jsse"},
          {"boringssl-accel", "jsse"}, {"boringssl-accel", "boringssl"},
          {"boringssl-accel-eager", "jsse"}, {"boringssl-accel-eager", "boringssl"},
          {"record-handler", "jsse"}
        }) {
      if (host.containsKey(ratio[0]) && host.containsKey(ratio[1])) {
        System.out.printf(
            Locale.ROOT,
            "host ms/hs %s / %s = %.2f; handshakes/s %s / %s = %.2f%n",
            ratio[0], ratio[1], host.get(ratio[0]) / host.get(ratio[1]),
            ratio[0], ratio[1], rate.get(ratio[0]) / rate.get(ratio[1]));
      }
    }
  }

  /** The BoringSSL client context ({@code bench.client.trust}, {@code bench.client.groups}). */
  private static SslContext client() throws javax.net.ssl.SSLException {
    SslContextBuilder b =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.OPENSSL)
            .protocols("TLSv1.3")
            // No peer host (so no session reuse), hence no host name to verify.
            .endpointIdentificationAlgorithm(null)
            // One key exchange for every server stack: Netty offers X25519MLKEM768 first with
            // BoringSSL, which BoringSSL servers pick and JSSE (JDK 25) does not support.
            .option(io.netty.handler.ssl.OpenSslContextOption.GROUPS, CLIENT_GROUPS.split(","));
    switch (CLIENT_TRUST) {
      case "pinned" -> b.trustManager(TestPki.rsa2048().cert()); // as the tests do
      // No chain validation (BoringSSL still checks the server's CertificateVerify signature with
      // the certificate's key, RFC 8446 section 4.4.3): the load generator skips the Java
      // X509TrustManager callback that otherwise parses and validates the chain per handshake.
      case "insecure" -> b.trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE);
      default ->
          throw new IllegalArgumentException("bench.client.trust must be pinned or insecure: " + CLIENT_TRUST);
    }
    return b.build();
  }

  /**
   * Runs the handshakes from a thread named {@code cli-driver}: opening connections is the load
   * generator's work and is counted as client CPU, not as server host CPU.
   */
  private static void drive(TlsHarness h, SslContext client, int count, int concurrency) throws Exception {
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread t =
        Thread.ofPlatform()
            .name("cli-driver")
            .start(
                () -> {
                  try {
                    h.handshakes(client, count, concurrency);
                  } catch (Exception e) {
                    failure.set(e);
                  }
                });
    t.join();
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private static HistogramSnapshot minus(HistogramSnapshot a, HistogramSnapshot b) {
    long[] c = a.counts().clone();
    for (int i = 0; i < c.length; i++) {
      c[i] -= b.counts()[i];
    }
    return new HistogramSnapshot(c, a.sum() - b.sum());
  }

  private static AccelAsyncPrivateKeyMethod.BatchStats plus(
      AccelAsyncPrivateKeyMethod.BatchStats a, AccelAsyncPrivateKeyMethod.BatchStats b) {
    long[] h = a.histogram().clone();
    for (int i = 0; i < h.length; i++) {
      h[i] += b.histogram()[i];
    }
    return new AccelAsyncPrivateKeyMethod.BatchStats(
        a.batches() + b.batches(), a.signatures() + b.signatures(), a.failures() + b.failures(), h);
  }

  private static AccelAsyncPrivateKeyMethod.BatchStats minus(
      AccelAsyncPrivateKeyMethod.BatchStats a, AccelAsyncPrivateKeyMethod.BatchStats b) {
    long[] h = a.histogram().clone();
    for (int i = 0; i < h.length; i++) {
      h[i] -= b.histogram()[i];
    }
    return new AccelAsyncPrivateKeyMethod.BatchStats(
        a.batches() - b.batches(), a.signatures() - b.signatures(), a.failures() - b.failures(), h);
  }
}

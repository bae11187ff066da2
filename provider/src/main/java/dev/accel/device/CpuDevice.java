package dev.accel.device;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.engine.Engine;
import dev.accel.engine.IncrementalDigest;
import dev.accel.engine.Op;
import dev.accel.ffm.CpuGcmKey;
import dev.accel.ffm.NativeQueue;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

/**
 * The {@code cpu} device: the CPU's own crypto instructions, reached two ways, and for each
 * operation and size range the faster of the two on this machine:
 *
 * <ul>
 *   <li>the shim's native kernels behind the device-queue ABI (ipsec-mb's VAES AES-GCM, the
 *       AVX-512 IFMA RSA kernel, libcrypto), one downcall per request;
 *   <li>the JVM's own intrinsics, run in-process through the JDK's classes (HotSpot compiles
 *       SUN's SHA-2 to SHA-NI / AVX2 code and SunJCE's AES-GCM to AES-NI/VAES code): SHA-256 of 64
 *       bytes takes about 95 ns this way, less than a downcall plus a native hash, and a streaming
 *       digest needs no buffering at all.
 * </ul>
 *
 * <p>The choice is a {@link Plan}: per {@link Op.Kind} a size from which the JVM kernel serves
 * ({@code 0}: always, {@link Long#MAX_VALUE}: never), with the reason, built once from what the
 * shim reports about its kernels and which intrinsics this JVM has enabled
 * (PERFORMANCE.md gives the measurements behind each rule). {@code accel.cpu.kernels=native|jvm}
 * pins one side for every operation the other side can also do.
 */
public final class CpuDevice implements Device {

  /** Where each operation runs: from {@code jvmFromBytes[kind]} on, the JVM kernel. */
  public record Plan(Map<Op.Kind, Long> jvmFromBytes, Map<Op.Kind, String> reasons) {
    long jvmFrom(Op.Kind k) {
      Long v = jvmFromBytes.get(k);
      return v == null ? Long.MAX_VALUE : v;
    }
  }

  private final NativeDevice nat;
  private final Engine jvm;
  private final Plan plan;
  private final long[] jvmFrom = new long[Op.Kind.values().length]; // hot-path copy of the plan
  private volatile boolean closed;

  public CpuDevice(NativeDevice nat, Engine jvm, Plan plan) {
    this.nat = Objects.requireNonNull(nat);
    this.jvm = Objects.requireNonNull(jvm);
    this.plan = Objects.requireNonNull(plan);
    for (Op.Kind k : Op.Kind.values()) {
      jvmFrom[k.ordinal()] = plan.jvmFrom(k);
    }
  }

  /**
   * The plan for this machine. {@code pin} is {@code auto}, {@code native} or {@code jvm}.
   *
   * <ul>
   *   <li>SHA-2: the JVM when HotSpot's SHA intrinsic for the algorithm is on (the native path
   *       costs a downcall and, for a streaming digest, a copy of the whole message);
   *   <li>AES-GCM: native with ipsec-mb's VAES/AVX kernels (45 ns for 16 B and 10.5 GB/s in C
   *       against SunJCE's 255 ns and 9.7 GB/s); with libcrypto EVP only, native below 1 KiB (EVP's
   *       fixed cost is still below SunJCE's there) and the JVM from 1 KiB (EVP's bulk GCM reaches
   *       half of SunJCE's AVX-512 code) when this JVM has its AES intrinsics;
   *   <li>RSA: native (the IFMA kernel signs 4x faster than the JDK; libcrypto 2x).
   * </ul>
   */
  public static Plan plan(String gcmKernel, String pin) {
    Map<Op.Kind, Long> from = new EnumMap<>(Op.Kind.class);
    Map<Op.Kind, String> why = new EnumMap<>(Op.Kind.class);
    // The per-algorithm intrinsic flags (UseSHA256Intrinsics, ...) are diagnostic flags that a
    // management bean cannot read; the product flags that gate them can: HotSpot enables its
    // SHA-1/SHA-256 stubs when UseSHA is on (SHA-NI, or AVX2 code), SHA-512 with UseSHA on AVX2
    // (vm_version_x86.cpp), and the AES/GHASH stubs with UseAES.
    boolean useSha = "true".equals(vmOption("UseSHA"));
    int avx = parseInt(vmOption("UseAVX"));
    boolean sha256 = useSha;
    boolean sha512 = useSha && ("aarch64".equals(System.getProperty("os.arch")) || avx >= 2);
    boolean aes = "true".equals(vmOption("UseAES"));
    for (Op.Kind k : Op.Kind.values()) {
      if (k.isDigest()) {
        boolean noNative = k == Op.Kind.SHA1 || k == Op.Kind.SHA512_224 || k == Op.Kind.SHA512_256;
        boolean intrinsic = noNative || (k == Op.Kind.SHA224 || k == Op.Kind.SHA256 ? sha256 : sha512);
        from.put(k, intrinsic ? 0L : Long.MAX_VALUE);
        why.put(k, noNative
            ? "JVM: no native kernel computes it"
            : intrinsic
                ? "JIT SHA intrinsic in-process: no downcall; streams without buffering"
                : "native: this JVM has no SHA intrinsic for it");
      } else if (k.isGcm()) {
        boolean ipsecMb = gcmKernel != null && gcmKernel.contains("ipsec-mb");
        if (ipsecMb) {
          from.put(k, Long.MAX_VALUE);
          why.put(k, "native " + gcmKernel.trim() + ": faster than SunJCE at every size");
        } else if (aes) {
          from.put(k, 1024L);
          why.put(k, "native EVP below 1 KiB; JIT AES-GCM intrinsic from 1 KiB (EVP's bulk GCM is half its speed)");
        } else {
          from.put(k, Long.MAX_VALUE);
          why.put(k, "native: this JVM has no AES intrinsics");
        }
      } else {
        from.put(k, Long.MAX_VALUE);
        why.put(k, "native: IFMA / libcrypto RSA beat BigInteger at every size");
      }
    }
    if (!"auto".equals(pin)) {
      long v = "jvm".equals(pin) ? 0L : Long.MAX_VALUE;
      for (Op.Kind k : Op.Kind.values()) {
        if (!k.isRsa() || "native".equals(pin)) {
          from.put(k, v);
          why.put(k, "pinned by accel.cpu.kernels=" + pin);
        }
      }
    }
    return new Plan(Map.copyOf(from), Map.copyOf(why));
  }

  /** {@link #plan(String, String)} for this process's shim (its AES-GCM kernel as {@link Devices#kernels()} reports it). */
  public static Plan plan(String pin) {
    String gcmKernel = null;
    for (String line : Devices.kernels()) {
      if (line.trim().startsWith("aes-gcm")) {
        gcmKernel = line.trim().substring("aes-gcm".length()).trim();
      }
    }
    return plan(gcmKernel, pin);
  }

  /** A HotSpot product flag's value, or "" when it cannot be read (another VM: then native serves). */
  private static String vmOption(String name) {
    try {
      var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      return bean == null ? "" : bean.getVMOption(name).getValue();
    } catch (RuntimeException | LinkageError e) {
      return "";
    }
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public Plan plan() {
    return plan;
  }

  /** The native half (queues, sessions, host RSA arithmetic). */
  public NativeDevice nativeDevice() {
    return nat;
  }

  private boolean onJvm(Op op) {
    return op.sizeBytes() >= jvmFrom[op.kind().ordinal()] && jvm.supports(op);
  }

  /**
   * AES-GCM on the native kernels goes straight to {@link CpuGcmKey} (one critical downcall; no
   * queue, session lock or shared counter): the per-record path. The queue path keeps what that
   * one does not take: IVs over 128 bytes, messages over 1 MiB, a seal whose output overlaps its
   * input shifted (the kernels work in place only).
   */
  @Override
  public int run(Op op) throws DeviceException, AEADBadTagException {
    if (closed) {
      throw new IllegalStateException(name() + " is closed");
    }
    if (onJvm(op)) {
      return jvm.run(op);
    }
    return switch (op) {
      case Op.GcmSeal s when keyed(s.iv(), s.tagLenBytes(), s.inLen())
              && !(s.in() == s.out() && s.inOff() != s.outOff()
                  && s.inOff() < s.outOff() + s.resultBytes() && s.outOff() < s.inOff() + s.inLen()) ->
          gcmKey(s.key()).seal(s.iv(), s.aad(), s.aadOff(), s.aadLen(), s.in(), s.inOff(), s.inLen(),
              s.out(), s.outOff(), s.tagLenBytes());
      case Op.GcmOpen o when keyed(o.iv(), o.tagLenBytes(), o.dataLen()) ->
          gcmKey(o.key()).open(o.iv(), o.aad(), o.aadOff(), o.aadLen(), o.in(), o.inOff(), o.inLen(),
              o.out(), o.outOff(), o.tagLenBytes());
      default -> nat.run(op);
    };
  }

  private static boolean keyed(byte[] iv, int tagLen, int dataLen) {
    return dataLen <= NativeQueue.EXECUTE_MAX_BYTES && CpuGcmKey.takes(iv.length, tagLen);
  }

  /** The key's prepared context, cached on the key (wiped and freed with it). */
  private CpuGcmKey gcmKey(AesKeyMaterial key) throws DeviceException {
    CpuGcmKey k = key.cached(this);
    if (k == null) {
      CpuGcmKey fresh = CpuGcmKey.create(key.rawKey());
      k = key.derived(this, unused -> fresh);
      if (k != fresh) {
        fresh.close(); // another thread prepared it first
      }
    }
    return k;
  }

  @Override
  public List<dev.accel.device.BatchOutcome> runBatch(List<? extends Op> ops) {
    for (Op op : ops) {
      if (onJvm(op)) {
        return Engine.runEach(this, ops); // mixed: one by one, each on its kernel
      }
    }
    return nat.runBatch(ops); // the multi-buffer SHA-2 kernel takes digest batches in one call
  }

  @Override
  public boolean supports(Op op) {
    return onJvm(op) || nat.supports(op);
  }

  /** SHA-2 streams through the JVM's intrinsic when the plan says so (no buffering, no downcall). */
  @Override
  public IncrementalDigest newDigest(DigestAlgorithm alg) {
    // Hashes no native kernel computes (SHA-1, SHA-512/t) stream on the JVM's code too: it is
    // never slower than the software tier's.
    if (alg.deviceOpcode() == 0 || jvmFrom[Op.Kind.of(alg).ordinal()] == 0) {
      return jvm.newDigest(alg);
    }
    return null;
  }

  @Override
  public java.security.MessageDigestSpi jvmDigestSpi(DigestAlgorithm alg) {
    return jvmFrom[Op.Kind.of(alg).ordinal()] == 0 ? jvm.jvmDigestSpi(alg) : null;
  }

  @Override
  public String kernelFor(Op.Kind kind, long sizeBytes) {
    return sizeBytes >= jvmFrom[kind.ordinal()] ? "jvm" : "native";
  }

  /** One line per operation: which kernel serves which sizes, and why. */
  public static List<String> describe(Plan plan) {
    List<String> out = new ArrayList<>();
    for (Op.Kind k : Op.Kind.values()) {
      long f = plan.jvmFrom(k);
      String range = f == 0 ? "jvm" : f == Long.MAX_VALUE ? "native" : "native < " + f + " B <= jvm";
      out.add(String.format("%-16s %-22s %s", k.label(), range, plan.reasons().get(k)));
    }
    return out;
  }

  // ---- the device surface: the native half's -------------------------------------------------

  @Override
  public String name() {
    return nat.name();
  }

  @Override
  public String backend() {
    return nat.backend();
  }

  @Override
  public DeviceCapabilities capabilities() {
    return nat.capabilities();
  }

  @Override
  public DeviceHealth health() {
    return nat.health();
  }

  @Override
  public boolean inline() {
    return true;
  }

  @Override
  public boolean hasRsaHostOps(int modulusBits) {
    return nat.hasRsaHostOps(modulusBits);
  }

  @Override
  public void rsaHostBlind(RsaKeyMaterial key, byte[] input, byte[] work) throws DeviceException {
    nat.rsaHostBlind(key, input, work);
  }

  @Override
  public boolean rsaHostUnblind(RsaKeyMaterial key, byte[] work, byte[] out) throws DeviceException {
    return nat.rsaHostUnblind(key, work, out);
  }

  @Override
  public int inflight() {
    return nat.inflight();
  }

  @Override
  public Optional<EmulatorControl> emulator() {
    return Optional.empty();
  }

  @Override
  public void close() {
    closed = true;
    nat.close();
  }

  @Override
  public String toString() {
    return "CpuDevice[" + nat + "]";
  }
}

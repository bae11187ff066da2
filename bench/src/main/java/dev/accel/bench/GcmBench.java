package dev.accel.bench;

import java.nio.ByteBuffer;
import java.security.Provider;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * AES-256-GCM seal and open of one message per operation: {@code init} with a fresh 12-byte IV
 * (seal) and {@code doFinal} into a preallocated buffer; optional 16-byte AAD; heap arrays or
 * direct buffers. The JDK provider (and the Accel configurations that may run its code) is
 * pre-warmed at bulk sizes (its GCM intrinsics need ~10 s of JIT warm-up, see
 * shared/design/PERFORMANCE.md). The default size list is the {@code default} group's (bench/run).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class GcmBench {
  @Param({"accel-cpu", "accel-emu", "accel-bc", "jdk", "bc", "accp", "conscrypt"})
  public String provider;

  // Also the sizes of issue 16's default-configuration group (bench/run --only default), which
  // relies on this list: it cannot pass -p size, since ShaBench in the same JMH run has others.
  @Param({"16", "64", "256", "1024", "16384", "1048576"})
  public int size;

  @Param({"0"})
  public int aad;

  @Param({"heap"})
  public String buffer;

  private Cipher cipher;
  private SecretKeySpec key;
  private final byte[] iv = new byte[12];
  private long counter;
  private byte[] in, out, ct, pt, aadBytes;
  private ByteBuffer dIn, dOut, dCt, dPt;
  private GCMParameterSpec openSpec;

  /**
   * Providers that may run SunJCE's GCM code and so need its JIT warm-up: the JDK itself, Accel's
   * jdk tier, and Accel's default configuration (which may hand a request to the JDK's code). The
   * pre-warm costs a provider whose GCM runs elsewhere only its 40,000 iterations (well under 1 s
   * on native code; at most 8 s on a slow software tier).
   */
  private static final java.util.Set<String> PREWARMED = java.util.Set.of("jdk", "accel-jdk", Providers.DEFAULT);

  /** False skips the pre-warm (DefaultRoutes, which only asks which route serves a request). */
  boolean prewarm = true;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    Provider p = Providers.get(provider, "cipher");
    cipher = Cipher.getInstance("AES/GCM/NoPadding", p);
    byte[] k = new byte[32];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (i * 7 + 1);
    }
    key = new SecretKeySpec(k, "AES");
    in = new byte[size];
    for (int i = 0; i < size; i++) {
      in[i] = (byte) i;
    }
    out = new byte[size + 16];
    pt = new byte[size];
    aadBytes = new byte[aad];
    // a valid message to open, under a fixed IV
    byte[] openIv = new byte[12];
    openIv[0] = 0x55;
    openSpec = new GCMParameterSpec(128, openIv);
    cipher.init(Cipher.ENCRYPT_MODE, key, openSpec);
    if (aad > 0) {
      cipher.updateAAD(aadBytes);
    }
    ct = cipher.doFinal(in);
    if (buffer.equals("direct")) {
      dIn = ByteBuffer.allocateDirect(size).put(in).flip();
      dOut = ByteBuffer.allocateDirect(size + 16);
      dCt = ByteBuffer.allocateDirect(ct.length).put(ct).flip();
      dPt = ByteBuffer.allocateDirect(size);
    }
    if (prewarm && size >= 8192 && PREWARMED.contains(provider)) {
      prewarm();
    }
  }

  /**
   * Runs seal and open of 16 KiB messages for up to 8 s so that C2 has compiled SunJCE's GCM
   * intrinsics before measurement: warming at 1 MiB alone takes far longer, since each
   * interpreted 1 MiB call runs for ~15 ms (PERFORMANCE.md: 75 MB/s for the first ~10 s).
   */
  private void prewarm() throws Exception {
    byte[] wIn = new byte[16384];
    byte[] wOut = new byte[16384 + 16];
    byte[] wPt = new byte[16384];
    byte[] wIv = new byte[12];
    wIv[0] = 0x77;
    GCMParameterSpec wSpec = new GCMParameterSpec(128, wIv);
    cipher.init(Cipher.ENCRYPT_MODE, key, wSpec);
    byte[] wCt = cipher.doFinal(wIn);
    long end = System.nanoTime() + 8_000_000_000L;
    for (int i = 0; i < 40_000 && System.nanoTime() < end; i++) {
      cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
      cipher.doFinal(wIn, 0, wIn.length, wOut, 0);
      cipher.init(Cipher.DECRYPT_MODE, key, wSpec);
      cipher.doFinal(wCt, 0, wCt.length, wPt, 0);
    }
    for (int i = 0; i < 20 && System.nanoTime() < end + 4_000_000_000L; i++) {
      seal();
      open();
    }
  }

  private GCMParameterSpec nextIv() {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      iv[4 + i] = (byte) (c >>> (8 * i));
    }
    return new GCMParameterSpec(128, iv);
  }

  @Benchmark
  public int seal() throws Exception {
    cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
    if (aad > 0) {
      cipher.updateAAD(aadBytes);
    }
    if (dIn != null) {
      dIn.clear();
      dOut.clear();
      return cipher.doFinal(dIn, dOut);
    }
    return cipher.doFinal(in, 0, size, out, 0);
  }

  @Benchmark
  public int open() throws Exception {
    cipher.init(Cipher.DECRYPT_MODE, key, openSpec);
    if (aad > 0) {
      cipher.updateAAD(aadBytes);
    }
    if (dCt != null) {
      dCt.clear();
      dPt.clear();
      return cipher.doFinal(dCt, dPt);
    }
    return cipher.doFinal(ct, 0, ct.length, pt, 0);
  }
}

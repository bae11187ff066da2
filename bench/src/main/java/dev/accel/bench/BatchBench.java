package dev.accel.bench;

import dev.accel.AccelProvider;
import dev.accel.api.GcmRequest;
import dev.accel.core.DigestAlgorithm;
import java.security.MessageDigest;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * {@code batch} messages of {@code size} bytes per operation (the report divides by {@code
 * batch}): Accel's batch API ({@code AccelProvider.crypto().sealAll / digestAll}) on its tiers,
 * and a plain JCA loop over the same messages for the other providers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class BatchBench {
  @Param({"accel-cpu", "accel-emu", "jdk", "accp"})
  public String provider;

  @Param({"64"})
  public int batch;

  @Param({"64"})
  public int size;

  @Param({"SHA-256", "SHA-512"})
  public String algorithm;

  private Provider p;
  private AccelProvider accel;
  private SecretKeySpec key;
  private final List<GcmRequest> requests = new ArrayList<>();
  private final List<byte[]> messages = new ArrayList<>();
  private byte[][] ivs;
  private long counter;
  private Cipher cipher;
  private MessageDigest md;
  private byte[] out;
  private byte[] digest;
  private DigestAlgorithm alg;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    p = Providers.get(provider, "cipher");
    accel = p instanceof AccelProvider a ? a : null;
    byte[] k = new byte[32];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (i + 3);
    }
    key = new SecretKeySpec(k, "AES");
    ivs = new byte[batch][12];
    for (int i = 0; i < batch; i++) {
      byte[] m = new byte[size];
      m[0] = (byte) i;
      messages.add(m);
      ivs[i][0] = (byte) i;
      requests.add(new GcmRequest(key, ivs[i], 16, new byte[0], m));
    }
    alg = algorithm.equals("SHA-512") ? DigestAlgorithm.SHA512 : DigestAlgorithm.SHA256;
    if (accel == null) {
      cipher = Cipher.getInstance("AES/GCM/NoPadding", p);
      md = MessageDigest.getInstance(algorithm, Providers.get(provider, "digest"));
      out = new byte[size + 16];
      digest = new byte[md.getDigestLength()];
    }
  }

  private void freshIvs() {
    long c = ++counter;
    for (byte[] iv : ivs) {
      for (int b = 0; b < 8; b++) {
        iv[4 + b] = (byte) (c >>> (8 * b));
      }
    }
  }

  /** AES-256-GCM seal of every message (fresh IVs); the algorithm parameter does not apply. */
  @Benchmark
  public int sealBatch() throws Exception {
    freshIvs();
    int n = 0;
    if (accel != null) {
      for (CompletableFuture<byte[]> f : accel.crypto().sealAll(requests)) {
        n += f.join().length;
      }
      return n;
    }
    for (int i = 0; i < batch; i++) {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, ivs[i]));
      n += cipher.doFinal(messages.get(i), 0, size, out, 0);
    }
    return n;
  }

  @Benchmark
  public int digestBatch() throws Exception {
    int n = 0;
    if (accel != null) {
      for (byte[] d : accel.crypto().digestAll(alg.jcaName(), messages)) {
        n += d.length;
      }
      return n;
    }
    for (int i = 0; i < batch; i++) {
      md.update(messages.get(i), 0, size);
      n += md.digest(digest, 0, digest.length);
    }
    return n;
  }
}

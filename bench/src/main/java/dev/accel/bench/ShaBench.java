package dev.accel.bench;

import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** SHA-2 of one message per operation: {@code update} + {@code digest} into a preallocated array. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ShaBench {
  @Param({"accel-cpu", "accel-emu", "accel-bc", "jdk", "bc", "accp", "conscrypt"})
  public String provider;

  @Param({"SHA-224", "SHA-256", "SHA-384", "SHA-512"})
  public String algorithm;

  // The default list is the sizes of issue 16's default-configuration group (bench/run --only
  // default), which cannot pass -p size because GcmBench in the same JMH run has other sizes.
  @Param({"64", "1024", "16384", "1048576"})
  public int size;

  private MessageDigest md;
  private byte[] in;
  private byte[] out;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    md = MessageDigest.getInstance(algorithm, Providers.get(provider, "digest"));
    in = new byte[size];
    for (int i = 0; i < size; i++) {
      in[i] = (byte) (i * 31);
    }
    out = new byte[md.getDigestLength()];
  }

  @Benchmark
  public int digest() throws Exception {
    md.update(in, 0, size);
    return md.digest(out, 0, out.length);
  }
}

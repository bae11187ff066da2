package dev.accel.bench;

import dev.accel.AccelProvider;
import dev.accel.device.NativeDevice;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The adaptive router (calibrated thresholds) against "always device" (threshold 0) and "always
 * software" ({@code accel.route.aes-gcm=software}) for AES-GCM seal, one caller, 16 B .. 1 MiB,
 * on each emulator profile.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class AdaptiveRouterBench {
  @Param({"fast", "sec-920"})
  public String profile;

  @Param({"16", "1024", "16384", "1048576"})
  public int size;

  @Param({"adaptive", "device", "software"})
  public String mode;

  NativeDevice device;
  AccelProvider accel;
  SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
  byte[] iv = new byte[12];
  byte[] in;
  Cipher cipher; // reused, re-initialised per message with a fresh IV (as TLS does)

  @Setup(Level.Trial)
  public void open() throws Exception {
    device = DeviceBatchBench.openEmu(profile, 0);
    Map<String, String> c = new HashMap<>();
    switch (mode) {
      case "device" -> c.put("accel.threshold.aes-gcm", "0");
      case "software" -> c.put("accel.route.aes-gcm", "software");
      default -> { } // calibrated at construction
    }
    accel = AccelProvider.builder().devices(List.of(device)).config(c).build();
    in = new byte[size];
    cipher = Cipher.getInstance("AES/GCM/NoPadding", accel);
    if (mode.equals("adaptive")) {
      DeviceBatchBench.reportThreshold(profile, accel.router().describeThresholds());
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    device.close();
  }

  @Benchmark
  public byte[] gcmSeal() throws Exception {
    iv[0]++;
    if (iv[0] == 0) {
      iv[1]++;
    }
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
    return cipher.doFinal(in);
  }
}

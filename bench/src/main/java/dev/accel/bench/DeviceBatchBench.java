package dev.accel.bench;

import dev.accel.AccelProvider;
import dev.accel.core.AesKeyMaterial;
import dev.accel.device.Device;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.security.Signature;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 5 device-tier benchmarks (docs/benchmarks-device.md): RSA-2048 sign with 64 callers vs
 * 1 in flight, AES-GCM 1 KiB with 32 callers, each on a modelled profile and on {@code fast} (the
 * host-side ceiling). Every trial appends the device's batch-size histogram (requests per
 * accel_submit) to {@code target/device-bench/batches.txt}.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeviceBatchBench {

  /** One provider on a dedicated emulated device, every threshold 0. */
  public abstract static class Dev {
    NativeDevice device;
    AccelProvider accel;
    PrivateKey rsa;
    SecretKeySpec aes = new SecretKeySpec(new byte[16], "AES");
    byte[] msg = new byte[32];
    byte[] kib = new byte[1024];

    abstract String profile();

    void openDevice() throws Exception {
      device = openEmu(profile(), 0);
      accel = AccelProvider.builder().devices(List.of(device)).config(Map.of(
          "accel.threshold.aes-gcm", "0", "accel.threshold.sha2", "0", "accel.threshold.rsa", "0",
          "accel.calibrate", "false")).build();
      rsa = BenchKeys.rsa2048();
    }

    void closeDevice(String what) {
      reportBatches(what + " " + profile(), device);
      device.close();
    }
  }

  /** RSA rows: hpre-920 (modelled 8 engines x 80 us) and fast (host ceiling). */
  @State(Scope.Benchmark)
  public static class Hpre extends Dev {
    @Param({"hpre-920", "fast"})
    public String profile;

    @Override
    String profile() {
      return profile;
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
      openDevice();
    }

    @TearDown(Level.Trial)
    public void close() {
      closeDevice("rsa");
    }
  }

  /** AES-GCM rows: sec-920 and fast. */
  @State(Scope.Benchmark)
  public static class Sec extends Dev {
    @Param({"sec-920", "fast"})
    public String profile;

    @Override
    String profile() {
      return profile;
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
      openDevice();
    }

    @TearDown(Level.Trial)
    public void close() {
      closeDevice("gcm1KiB32");
    }
  }

  static NativeDevice openEmu(String profile, int engines) throws Exception {
    EmulatorControl.Profile p = EmulatorControl.Profile.ofConfigName(profile);
    return Devices.open("emu", DeviceOptions.defaults().withProfile(p).withEngines(engines));
  }

  static void reportBatches(String what, NativeDevice d) {
    try {
      Path out = Path.of("target", "device-bench", "batches.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, what + ": " + d.batchSizes().snapshot().render() + System.lineSeparator(),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // the histogram is a report aid only
    }
  }

  static void reportThreshold(String profile, List<String> lines) {
    try {
      Path out = Path.of("target", "device-bench", "thresholds.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, profile + ": " + String.join("; ", lines) + System.lineSeparator(),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // report aid only
    }
  }

  static byte[] sign(AccelProvider p, PrivateKey k, byte[] m) throws Exception {
    Signature s = Signature.getInstance("SHA256withRSA", p);
    s.initSign(k);
    s.update(m);
    return s.sign();
  }

  @Benchmark
  @Threads(64)
  public byte[] rsaSign64(Hpre d) throws Exception {
    return sign(d.accel, d.rsa, d.msg);
  }

  @Benchmark
  @Threads(1)
  public byte[] rsaSign1(Hpre d) throws Exception {
    return sign(d.accel, d.rsa, d.msg);
  }

  /** A Cipher per benchmark thread, re-initialised with a fresh IV per message (as TLS does). */
  @State(Scope.Thread)
  public static class ThreadCipher {
    Cipher c;
    byte[] iv = new byte[12];
    long counter;

    @Setup(Level.Trial)
    public void make(Sec d) throws Exception {
      c = Cipher.getInstance("AES/GCM/NoPadding", d.accel);
      java.util.concurrent.ThreadLocalRandom.current().nextBytes(iv);
    }

    byte[] seal(SecretKeySpec key, byte[] in) throws Exception {
      long n = ++counter;
      for (int i = 0; i < 8; i++) {
        iv[4 + i] = (byte) (n >>> (8 * i));
      }
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      return c.doFinal(in);
    }
  }

  @Benchmark
  @Threads(32)
  public byte[] gcm1KiB32(Sec d, ThreadCipher t) throws Exception {
    return t.seal(d.aes, d.kib);
  }

  // ---- low load: added latency of the device path over a direct cpu-device call ---------------

  /** One caller: Accel JCA call on the emu device (fast profile) vs the cpu device called directly. */
  @State(Scope.Benchmark)
  public static class LowLoad {
    NativeDevice emu;
    NativeDevice cpu;
    AccelProvider accel;
    AccelProvider accelCpu; // the full JCA -> router -> queue path on the cpu device
    Cipher emuCipher;
    Cipher cpuCipher;
    AesKeyMaterial key = new AesKeyMaterial(new byte[16]);
    SecretKeySpec aes = new SecretKeySpec(new byte[16], "AES");
    byte[] iv = new byte[12];
    byte[] in = new byte[1024];
    byte[] out = new byte[1024 + 16];

    @Setup(Level.Trial)
    public void open() throws Exception {
      emu = openEmu("fast", 0);
      cpu = Devices.open("cpu", DeviceOptions.defaults());
      accel = AccelProvider.builder().devices(List.of(emu)).config(Map.of(
          "accel.threshold.aes-gcm", "0", "accel.calibrate", "false")).build();
      accelCpu = AccelProvider.builder().devices(List.of(cpu)).config(Map.of(
          "accel.threshold.aes-gcm", "0", "accel.calibrate", "false")).build();
      emuCipher = Cipher.getInstance("AES/GCM/NoPadding", accel);
      cpuCipher = Cipher.getInstance("AES/GCM/NoPadding", accelCpu);
    }

    byte[] seal(Cipher c) throws Exception {
      iv[0]++;
      if (iv[0] == 0) {
        iv[1]++;
      }
      c.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(128, iv));
      return c.doFinal(in);
    }

    @TearDown(Level.Trial)
    public void close() {
      reportBatches("LowLoad emu fast", emu);
      emu.close();
      cpu.close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public byte[] lowLoadEmuDevicePath(LowLoad s) throws Exception {
    return s.seal(s.emuCipher);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public byte[] lowLoadCpuDevicePath(LowLoad s) throws Exception {
    return s.seal(s.cpuCipher);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public byte[] lowLoadCpuDeviceDirect(LowLoad s) throws Exception {
    s.cpu.run(new dev.accel.engine.Op.GcmSeal(s.key, s.iv, 16, null, 0, 0, s.in, 0, s.in.length, s.out, 0), 1_000_000_000L);
    return s.out;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public byte[] lowLoadEmuDeviceDirect(LowLoad s) throws Exception {
    s.emu.run(new dev.accel.engine.Op.GcmSeal(s.key, s.iv, 16, null, 0, 0, s.in, 0, s.in.length, s.out, 0), 1_000_000_000L);
    return s.out;
  }
}

package dev.accel.router;

import dev.accel.config.AccelConfig;
import dev.accel.config.AccelConfig.Family;
import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.device.Device;
import dev.accel.device.DeviceException;
import java.util.SplittableRandom;

/**
 * Start-up calibration of the size thresholds of one device against the software tier
 * (DEVICE-MODEL.md: "thresholds per algorithm, measured, configurable").
 *
 * <p>For AES-GCM seal and SHA-256, single requests of growing size (64 B .. 64 KiB, doubling by
 * four) are timed on the device and in software (a short warm-up, then the best of a few runs:
 * the best is the least disturbed by other threads). The threshold is the smallest size from
 * which the device is at least as fast for every larger size measured; when software wins
 * everywhere it is twice the largest size measured (larger requests amortise the round trip
 * better). The whole run is bounded by {@code accel.calibrate.budget.ms} per device; sizes not reached keep
 * the profile default. Devices that compute inline on the host (cpu) and RSA (the device always
 * wins private-key operations; public ones stay on the CPU by rule) are not calibrated. The
 * calibration talks to the device directly, so it is not counted in the route counters.
 */
final class Calibration {
  /** Results per (device, software tier): a process calibrates a shared device once. */
  private static final java.util.Map<Device, java.util.Map<String, Result>> CACHE =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * Per family: the threshold (-1: keep the default) and what was measured, for {@link
   * Router#describeThresholds} ("device/software µs: 64 B 52/1.0, ..."), so that an operator can
   * see why a threshold is where it is.
   */
  private record Result(long[] thresholds, String[] evidence) {}
  private static final int[] SIZES = {64, 256, 1024, 4096, 16384, 65536};
  private static final int WARMUP = 8;
  private static final int RUNS = 5;

  private Calibration() {}

  static boolean applies(Device d, Family f) {
    return !"cpu".equals(d.backend()) && f != Family.RSA;
  }

  @FunctionalInterface
  private interface Op {
    void run(byte[] in) throws DeviceException;
  }

  static void run(Router.Slot slot, dev.accel.engine.Engine software, String softwareLabel, AccelConfig config) {
    Device dev = slot.device();
    Result cached;
    synchronized (CACHE) {
      cached = CACHE.computeIfAbsent(dev, k -> new java.util.HashMap<>()).get(softwareLabel);
    }
    if (cached == null) {
      cached = new Result(new long[Family.values().length], new String[Family.values().length]);
      java.util.Arrays.fill(cached.thresholds(), -1);
      measure(slot, cached, software, config);
      synchronized (CACHE) {
        CACHE.get(dev).put(softwareLabel, cached);
      }
    }
    for (Family f : Family.values()) {
      if (config.thresholdBytes(f) >= 0) {
        continue; // configured
      }
      String evidence = cached.evidence()[f.ordinal()];
      if (cached.thresholds()[f.ordinal()] >= 0) {
        slot.thresholdBytes()[f.ordinal()] = cached.thresholds()[f.ordinal()];
        slot.thresholdSource()[f.ordinal()] = "calibrated; " + evidence;
      } else if (evidence != null) {
        slot.thresholdSource()[f.ordinal()] = "default; calibration inconclusive, " + evidence;
      }
    }
  }

  private static void measure(Router.Slot slot, Result result, dev.accel.engine.Engine software, AccelConfig config) {
    long deadline = System.nanoTime() + config.calibrateBudgetMs() * 1_000_000L;
    Device d = slot.device();
    SplittableRandom rnd = new SplittableRandom(0x5eed);
    byte[] keyBytes = new byte[16];
    rnd.nextBytes(keyBytes);
    byte[] iv = new byte[12];
    rnd.nextBytes(iv);
    byte[] out = new byte[SIZES[SIZES.length - 1] + 16];
    try (AesKeyMaterial key = new AesKeyMaterial(keyBytes)) {
      if (d.capabilities().supportsGcm(16, 12, 16, 0, 1024, false)) {
        // A fresh IV per message, as real traffic has: sealing twice under one IV is refused by
        // Bouncy Castle's per-instance nonce guard, and the software tier's recovery from that
        // (a new cipher and an exception per call) once made software look 5-50x slower here.
        calibrate(result, Family.AES_GCM, deadline,
            in -> run(d, new dev.accel.engine.Op.GcmSeal(key, nextIv(iv), 16, null, 0, 0, in, 0, in.length, out, 0)),
            in -> run(software, new dev.accel.engine.Op.GcmSeal(key, nextIv(iv), 16, null, 0, 0, in, 0, in.length, out, 0)));
      }
      if (d.capabilities().supportsDigest(DigestAlgorithm.SHA256, 1024)) {
        calibrate(result, Family.SHA2, deadline,
            in -> run(d, new dev.accel.engine.Op.Digest(DigestAlgorithm.SHA256, in, 0, in.length, out, 0)),
            in -> run(software, new dev.accel.engine.Op.Digest(DigestAlgorithm.SHA256, in, 0, in.length, out, 0)));
      }
    } catch (RuntimeException e) {
      // A device that misbehaves during calibration keeps its defaults; the breaker handles it.
    }
  }

  private static void calibrate(Result result, Family f, long deadline, Op device, Op soft) {
    int measured = 0;
    int threshold = -1; // smallest size from which the device won every larger size so far
    StringBuilder evidence = new StringBuilder("device/software µs:");
    for (int size : SIZES) {
      if (System.nanoTime() - deadline >= 0) {
        evidence.append(size == SIZES[0] ? " none" : "").append(" (budget spent)");
        break;
      }
      byte[] in = new byte[size];
      long dev;
      long sw;
      try {
        dev = best(device, in);
        sw = best(soft, in);
      } catch (DeviceException e) {
        result.evidence()[f.ordinal()] = evidence.append(" device failed: ").append(e.getMessage()).toString();
        return; // keep the default
      }
      evidence.append(measured == 0 ? " " : ", ").append(size >= 1024 ? size / 1024 + " KiB " : size + " B ")
          .append(micros(dev)).append('/').append(micros(sw));
      measured = size;
      if (dev <= sw) {
        if (threshold < 0) {
          threshold = size;
        }
      } else {
        threshold = -1;
      }
    }
    result.evidence()[f.ordinal()] = evidence.toString();
    if (measured == 0) {
      return;
    }
    long t = threshold >= 0 ? threshold : 2L * measured;
    if (measured < SIZES[SIZES.length - 1] && threshold < 0) {
      return; // budget ran out before a crossover was seen: the default is as good a guess
    }
    result.thresholds()[f.ordinal()] = t;
  }

  private static void run(dev.accel.engine.Engine e, dev.accel.engine.Op op) throws DeviceException {
    try {
      e.run(op);
    } catch (javax.crypto.AEADBadTagException notReachable) {
      throw new IllegalStateException(notReachable); // calibration only seals and hashes
    }
  }

  /** Increments {@code iv} as a big-endian counter (in place) and returns it. */
  private static byte[] nextIv(byte[] iv) {
    for (int i = iv.length - 1; i >= 0 && ++iv[i] == 0; i--) {
      // carry
    }
    return iv;
  }

  /** Nanoseconds as microseconds with two significant digits below 10 (52, 8.4, 1.0). */
  private static String micros(long nanos) {
    double us = nanos / 1000.0;
    return us >= 10 ? Long.toString(Math.round(us)) : String.format(java.util.Locale.ROOT, "%.1f", us);
  }

  private static long best(Op op, byte[] in) throws DeviceException {
    for (int i = 0; i < WARMUP; i++) {
      op.run(in);
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < RUNS; i++) {
      long t = System.nanoTime();
      op.run(in);
      best = Math.min(best, System.nanoTime() - t);
    }
    return best;
  }
}

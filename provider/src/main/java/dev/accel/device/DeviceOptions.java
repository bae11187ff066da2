package dev.accel.device;

import java.util.Objects;

/**
 * How to open a device ({@link Devices#open}). Zero means "backend default" for {@code engines}
 * and {@code queueDepth}.
 *
 * @param profile emulator latency profile (ignored by other backends)
 * @param engines emulator engine threads; 0 = profile default
 * @param queueDepth ring entries per queue (power of two); 0 = 1024 on emu, 256 on cpu (clamped
 *     to the device's maximum)
 * @param queues queues opened on the device (requests are spread round-robin)
 * @param defaultTimeoutNanos deadline used when an operation is given a non-positive timeout
 * @param busyRetryNanos how long a full queue (EAGAIN) is retried before the request fails BUSY
 * @param numaNode NUMA node to open on, -1 = any
 * @param poisonFreed debug: {@code ACCEL_DEV_POISON_FREED}, freed device buffers are poisoned and
 *     quarantined, and a late device write into one is reported in the health reason
 * @param quarantineMaxRequests abandoned requests (timed out, their buffers still the device's) a
 *     queue may hold; past it, or past {@code quarantineMaxBytes}, the queue is retired (destroyed,
 *     which frees them) and a fresh one replaces it
 * @param quarantineMaxBytes buffer bytes those abandoned requests may hold
 */
public record DeviceOptions(
    EmulatorControl.Profile profile,
    int engines,
    int queueDepth,
    int queues,
    long defaultTimeoutNanos,
    long busyRetryNanos,
    int numaNode,
    boolean poisonFreed,
    int quarantineMaxRequests,
    long quarantineMaxBytes) {

  public DeviceOptions {
    Objects.requireNonNull(profile, "profile");
    if (engines < 0) {
      throw new IllegalArgumentException("engines must be >= 0: " + engines);
    }
    if (queueDepth != 0 && (queueDepth < 2 || Integer.bitCount(queueDepth) != 1)) {
      throw new IllegalArgumentException("queueDepth must be 0 or a power of two >= 2: " + queueDepth);
    }
    if (queues < 1) {
      throw new IllegalArgumentException("queues must be >= 1: " + queues);
    }
    if (defaultTimeoutNanos <= 0) {
      throw new IllegalArgumentException("defaultTimeoutNanos must be > 0");
    }
    if (busyRetryNanos < 0) {
      throw new IllegalArgumentException("busyRetryNanos must be >= 0");
    }
    if (quarantineMaxRequests < 1 || quarantineMaxBytes < 1) {
      throw new IllegalArgumentException("quarantine limits must be >= 1");
    }
  }

  /**
   * fast profile, default engines and depth, one queue, 5 s timeout, 2 ms busy budget; a queue is
   * retired past 32 abandoned requests or 8 MiB of their buffers.
   */
  public static DeviceOptions defaults() {
    return new DeviceOptions(EmulatorControl.Profile.FAST, 0, 0, 1, 5_000_000_000L, 2_000_000L, -1, false, 32, 8L << 20);
  }

  public DeviceOptions withProfile(EmulatorControl.Profile p) {
    return new DeviceOptions(p, engines, queueDepth, queues, defaultTimeoutNanos, busyRetryNanos, numaNode, poisonFreed, quarantineMaxRequests, quarantineMaxBytes);
  }

  public DeviceOptions withEngines(int n) {
    return new DeviceOptions(profile, n, queueDepth, queues, defaultTimeoutNanos, busyRetryNanos, numaNode, poisonFreed, quarantineMaxRequests, quarantineMaxBytes);
  }

  public DeviceOptions withQueueDepth(int d) {
    return new DeviceOptions(profile, engines, d, queues, defaultTimeoutNanos, busyRetryNanos, numaNode, poisonFreed, quarantineMaxRequests, quarantineMaxBytes);
  }

  public DeviceOptions withQueues(int n) {
    return new DeviceOptions(profile, engines, queueDepth, n, defaultTimeoutNanos, busyRetryNanos, numaNode, poisonFreed, quarantineMaxRequests, quarantineMaxBytes);
  }

  public DeviceOptions withDefaultTimeoutNanos(long t) {
    return new DeviceOptions(profile, engines, queueDepth, queues, t, busyRetryNanos, numaNode, poisonFreed, quarantineMaxRequests, quarantineMaxBytes);
  }

  public DeviceOptions withPoisonFreed(boolean on) {
    return new DeviceOptions(profile, engines, queueDepth, queues, defaultTimeoutNanos, busyRetryNanos, numaNode, on, quarantineMaxRequests, quarantineMaxBytes);
  }

  public DeviceOptions withQuarantine(int maxRequests, long maxBytes) {
    return new DeviceOptions(profile, engines, queueDepth, queues, defaultTimeoutNanos, busyRetryNanos, numaNode,
        poisonFreed, maxRequests, maxBytes);
  }

  public DeviceOptions withBusyRetryNanos(long t) {
    return new DeviceOptions(profile, engines, queueDepth, queues, defaultTimeoutNanos, t, numaNode, poisonFreed, quarantineMaxRequests, quarantineMaxBytes);
  }
}

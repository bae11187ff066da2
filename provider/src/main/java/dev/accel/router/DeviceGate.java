package dev.accel.router;

import dev.accel.device.Device;
import dev.accel.device.DeviceException;
import dev.accel.device.DeviceHealth;

/**
 * Whether a device may take new requests. This first version follows the device's own health
 * report, re-read at most every {@link #HEALTH_TTL_NANOS} (one cheap downcall) and at once after a
 * failure that suggests the device changed state. It is the seam for the circuit breaker and
 * adaptive thresholds of a later issue: {@link Router} calls only {@link #admit()}, {@link
 * #onSuccess()} and {@link #onFailure(DeviceException.Reason)}.
 */
final class DeviceGate {
  static final long HEALTH_TTL_NANOS = 100_000_000L; // 100 ms

  private final Device device;
  private volatile boolean usable = true;
  private volatile long nextProbeNanos = System.nanoTime(); // probe on first use
  private volatile String lastReason = "";

  DeviceGate(Device device) {
    this.device = device;
  }

  /** True when the device reports itself usable. */
  boolean admit() {
    long now = System.nanoTime();
    if (now - nextProbeNanos >= 0) {
      probe(now);
    }
    return usable;
  }

  private void probe(long now) {
    try {
      DeviceHealth h = device.health();
      usable = h.usable();
      lastReason = h.reason() == null ? "" : h.reason();
    } catch (RuntimeException e) {
      usable = false;
      lastReason = "health probe failed: " + e.getClass().getSimpleName();
    }
    nextProbeNanos = now + HEALTH_TTL_NANOS;
  }

  void onSuccess() {}

  void onFailure(DeviceException.Reason reason) {
    if (reason == DeviceException.Reason.GONE || reason == DeviceException.Reason.QUEUE_ERROR) {
      nextProbeNanos = System.nanoTime(); // re-read health before the next request
    }
  }

  String state() {
    return usable ? "usable" : "unusable" + (lastReason.isEmpty() ? "" : " (" + lastReason + ")");
  }
}

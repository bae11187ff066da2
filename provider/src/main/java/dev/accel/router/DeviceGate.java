package dev.accel.router;

import dev.accel.core.DigestAlgorithm;
import dev.accel.device.Device;
import dev.accel.device.DeviceException;
import dev.accel.device.DeviceHealth;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a device may take new requests: a circuit breaker per device plus an in-flight budget.
 *
 * <ul>
 *   <li><b>closed</b> (normal): requests flow; the device's own health report is re-read at most
 *       every {@link #HEALTH_TTL_NANOS} (one cheap downcall), at once after a failure that
 *       suggests the device changed state. A closed gate looks at the clock only every {@link
 *       #CLOCK_EVERY} admissions (one {@code System.nanoTime()} costs ~28 ns on a kvm-clock
 *       guest, as much as a third of a small SHA-256 on the cpu engine); failures still trip it
 *       at once. An unusable report (removed, isolated, forked) opens
 *       the breaker;
 *   <li><b>open</b>: after {@code breakerErrors} consecutive device failures (errors, queue errors,
 *       timeouts, removal), after {@code failurePercent} % or more of an asynchronous device's
 *       last {@link #WINDOW} requests failed (a device that loses one completion in four, with
 *       successes between, never fails {@code breakerErrors} times in a row, yet each lost
 *       completion pins its buffers), or after an unusable health report, every request goes to
 *       software. Every
 *       {@code probeIntervalNanos} one thread re-probes: health, then a tiny known-answer test
 *       (SHA-256 of "abc", FIPS 180-4 example; or health alone if the device has no SHA-256); on
 *       success the breaker closes.
 * </ul>
 *
 * BUSY (queue full) and REJECTED (shape refused) are not device faults and do not count.
 */
final class DeviceGate {
  static final long HEALTH_TTL_NANOS = 100_000_000L; // 100 ms
  private static final byte[] ABC = {'a', 'b', 'c'};
  private static final byte[] SHA256_ABC =
      HexFormat.of().parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  private static final long PROBE_TIMEOUT_NANOS = 200_000_000L;
  static final int CLOCK_EVERY = 64;
  /** Requests per failure-rate window. */
  static final int WINDOW = 64;

  private final Device device;
  private final int breakerErrors;
  private final int failurePercent; // 0: no rate rule
  private final long probeIntervalNanos;
  private final int inflightBudget;
  /**
   * False for the run-to-completion cpu engine: it has no queue to fill (each request computes on
   * its caller's thread before the call returns), so an in-flight budget would only add two
   * contended atomic operations per request.
   */
  private final boolean tracksInflight;

  private volatile boolean open;
  private volatile String openReason = "";
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  /** The current window: requests in the high 32 bits, failures in the low 32 (one atomic add). */
  private final AtomicLong window = new AtomicLong();
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile long nextProbeNanos = System.nanoTime(); // health read on first use
  private volatile boolean probeDue = true; // read the clock at the next admission
  private int ticks; // racy on purpose: it only spaces out clock reads
  private final AtomicInteger inflight = new AtomicInteger();
  private final AtomicLong opens = new AtomicLong();
  private final AtomicLong closes = new AtomicLong();

  DeviceGate(Device device, int breakerErrors, int failurePercent, long probeIntervalNanos, int inflightBudget) {
    this.device = device;
    this.breakerErrors = breakerErrors;
    this.failurePercent = failurePercent;
    this.probeIntervalNanos = probeIntervalNanos;
    this.inflightBudget = inflightBudget;
    this.tracksInflight = !"cpu".equals(device.backend());
  }

  DeviceGate(Device device) {
    this(device, 5, 10, 1_000_000_000L, Integer.MAX_VALUE);
  }

  /** True when the breaker is closed (probing when due). */
  boolean admit() {
    if (!open && !probeDue && (++ticks & (CLOCK_EVERY - 1)) != 0) {
      return true;
    }
    long now = System.nanoTime();
    if (now - nextProbeNanos >= 0 && probing.compareAndSet(false, true)) {
      try {
        if (open) {
          reprobe(now);
        } else {
          readHealth(now);
        }
      } finally {
        probing.set(false);
      }
    }
    return !open;
  }

  /** Takes an in-flight slot; false when the budget is spent (the request spills to software). */
  boolean acquireSlot() {
    if (!tracksInflight) {
      return true;
    }
    if (inflight.incrementAndGet() > inflightBudget) {
      inflight.decrementAndGet();
      return false;
    }
    return true;
  }

  void releaseSlot() {
    if (!tracksInflight) {
      return;
    }
    inflight.decrementAndGet();
  }

  int inflight() {
    return inflight.get();
  }

  private void readHealth(long now) {
    DeviceHealth h = health();
    if (h != null && !h.usable()) {
      trip("health: " + h.state() + (h.reason().isEmpty() ? "" : " (" + h.reason() + ")"));
    }
    nextProbeNanos = now + (open ? probeIntervalNanos : HEALTH_TTL_NANOS);
    probeDue = false;
  }

  private DeviceHealth health() {
    try {
      return device.health();
    } catch (RuntimeException e) {
      trip("health probe failed: " + e);
      return null;
    }
  }

  private void reprobe(long now) {
    String why = null;
    DeviceHealth h = health();
    if (h == null) {
      why = openReason;
    } else if (!h.usable()) {
      why = "health: " + h.state() + (h.reason().isEmpty() ? "" : " (" + h.reason() + ")");
    } else if (device.capabilities().supportsDigest(DigestAlgorithm.SHA256, ABC.length)) {
      byte[] out = new byte[32];
      try {
        device.run(new dev.accel.engine.Op.Digest(DigestAlgorithm.SHA256, ABC, 0, ABC.length, out, 0));
        if (!Arrays.equals(out, SHA256_ABC)) {
          why = "re-probe: SHA-256 known answer mismatch";
        }
      } catch (DeviceException | javax.crypto.AEADBadTagException | RuntimeException e) {
        why = "re-probe: " + e.getMessage();
      }
    }
    if (why == null) {
      open = false;
      openReason = "";
      consecutiveFailures.set(0);
      window.set(0);
      closes.incrementAndGet();
      nextProbeNanos = now + HEALTH_TTL_NANOS;
      probeDue = false;
    } else {
      openReason = why;
      nextProbeNanos = System.nanoTime() + probeIntervalNanos;
    }
  }

  private void trip(String reason) {
    openReason = reason;
    if (!open) {
      open = true;
      opens.incrementAndGet();
    }
    nextProbeNanos = System.nanoTime() + probeIntervalNanos;
  }

  void onSuccess() {
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
    if (tracksInflight && failurePercent > 0) {
      count(1L << 32);
    }
  }

  /**
   * Adds one request to the window (the cpu engine keeps no window: its failures are bugs, counted
   * by the router, and a shared counter would be the only contended write on its path). The thread
   * that completes a window judges it and starts the next.
   */
  private void count(long delta) {
    long w = window.addAndGet(delta);
    long n = w >>> 32;
    if (n >= WINDOW && window.compareAndSet(w, 0)) {
      long failed = w & 0xffff_ffffL;
      if (failed * 100 >= n * failurePercent) {
        trip(failed + " of the last " + n + " requests failed (the limit is " + failurePercent + " %)");
      }
    }
  }

  void onFailure(DeviceException.Reason reason, String message) {
    if (reason == DeviceException.Reason.BUSY || reason == DeviceException.Reason.REJECTED) {
      return;
    }
    int n = consecutiveFailures.incrementAndGet();
    if (tracksInflight && failurePercent > 0) {
      count((1L << 32) | 1);
    }
    if (open) {
      return; // the rate rule tripped it just now
    }
    if (n >= breakerErrors) {
      trip(n + " consecutive device failures, last " + reason + (message == null ? "" : ": " + message));
    } else if (reason == DeviceException.Reason.GONE || reason == DeviceException.Reason.QUEUE_ERROR) {
      nextProbeNanos = System.nanoTime(); // re-read health before the next request
      probeDue = true;
    }
  }

  void onFailure(DeviceException.Reason reason) {
    onFailure(reason, null);
  }

  boolean isOpen() {
    return open;
  }

  long opens() {
    return opens.get();
  }

  long closes() {
    return closes.get();
  }

  String state() {
    return open ? "breaker-open (" + openReason + ")" : "usable";
  }

  String reason() {
    return open ? openReason : "";
  }
}

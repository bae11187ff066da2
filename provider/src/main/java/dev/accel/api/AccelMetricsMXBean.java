package dev.accel.api;

import java.util.List;
import java.util.Map;

/**
 * The provider's metrics over JMX, registered as {@code dev.accel:type=Provider,name=<instance>}
 * (docs/observability.md). Every attribute is computed from lock-free counters when read.
 */
public interface AccelMetricsMXBean {
  /** Requests served, every algorithm and route. */
  long getRequests();

  /** Requests a device served. */
  long getDeviceOperations();

  /** Requests the software tier served (below threshold, unsupported, fallbacks, ...). */
  long getSoftwareOperations();

  /** Software re-runs after a device failure, by reason ({@code fallback-timeout}, ...). */
  Map<String, Long> getFallbacksByReason();

  /** Operations per {@code algorithm|route|tier|reason}. */
  Map<String, Long> getOperations();

  /** Input bytes per {@code algorithm|route|tier|reason}. */
  Map<String, Long> getBytes();

  /**
   * {@code AES/GCM/NoPadding} Cipher inits and doFinals: {@code AES-GCM-encrypt|init}, {@code
   * AES-GCM-encrypt|doFinal}, {@code AES-GCM-decrypt|init}, {@code AES-GCM-decrypt|doFinal}.
   */
  Map<String, Long> getCipherCalls();

  /** Latency histogram per {@code algorithm|route} as {@code [lo..hi]ns:count} buckets. */
  Map<String, String> getLatencyHistograms();

  /** Requests per accel_submit per device, as {@code [lo..hi]:count} buckets. */
  Map<String, String> getBatchSizeHistograms();

  /** accel_submit calls answered EAGAIN (ring full) per device. */
  Map<String, Long> getQueueFullRetries();

  /** Requests the router has in flight per device now. */
  Map<String, Integer> getInflight();

  /** One line per device: usable or the reason it is not. */
  List<String> getDeviceHealth();

  /** The table {@code accel stats} prints. */
  String getTable();

  /** Zeroes the route counters and the cipher call counters. */
  void reset();
}

package dev.accel;

import dev.accel.api.HistogramSnapshot;
import dev.accel.device.Device;
import dev.accel.device.NativeDevice;
import dev.accel.api.AccelMetricsMXBean;
import dev.accel.metrics.GcmCallCounters;
import dev.accel.metrics.Log2Histogram;
import dev.accel.metrics.RouteCounters;
import dev.accel.api.RouteStats;
import dev.accel.router.Router;
import java.lang.management.ManagementFactory;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The provider's metrics MBean. It holds the router and counters, never the provider, so a
 * provider that is no longer referenced is collected; a cleaner then unregisters the MBean.
 * Registration failures are recorded, never thrown.
 */
final class ProviderMetrics implements AccelMetricsMXBean {
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final Cleaner CLEANER = Cleaner.create();

  private final Router router;
  private final RouteCounters counters;
  private final GcmCallCounters gcmCalls;

  ProviderMetrics(Router router, RouteCounters counters, GcmCallCounters gcmCalls) {
    this.router = router;
    this.counters = counters;
    this.gcmCalls = gcmCalls;
  }

  /**
   * Registers {@code metrics} as {@code dev.accel:type=Provider,name=<name or accel-N>}.
   *
   * @return the object name, or a string starting with "not registered: " saying why
   */
  static String register(Object owner, ProviderMetrics metrics, String name) {
    String instance = name != null ? name : "accel-" + INSTANCES.incrementAndGet();
    try {
      ObjectName on = new ObjectName("dev.accel:type=Provider,name=" + ObjectName.quote(instance).replace("\"", ""));
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      if (server.isRegistered(on)) {
        on = new ObjectName(on + "-" + INSTANCES.incrementAndGet());
      }
      server.registerMBean(metrics, on);
      ObjectName registered = on;
      CLEANER.register(owner, () -> {
        try {
          server.unregisterMBean(registered);
        } catch (Exception | Error ignored) {
          // already gone
        }
      });
      return on.toString();
    } catch (Exception | LinkageError e) {
      return "not registered: " + e;
    }
  }

  private static String key(RouteStats.Row r) {
    return r.algorithm() + "|" + r.route() + "|" + r.tier() + "|" + r.reason();
  }

  @Override
  public long getRequests() {
    return counters.snapshot().ops(null, null);
  }

  @Override
  public long getDeviceOperations() {
    return counters.snapshot().ops(null, RouteCounters.DEVICE);
  }

  @Override
  public long getSoftwareOperations() {
    return counters.snapshot().ops(null, RouteCounters.SOFTWARE);
  }

  @Override
  public Map<String, Long> getFallbacksByReason() {
    Map<String, Long> out = new TreeMap<>();
    for (RouteStats.Row r : counters.snapshot().rows()) {
      if (r.reason().startsWith("fallback") || r.reason().equals("device-busy") || r.reason().equals("device-unhealthy")) {
        out.merge(r.reason(), r.ops(), Long::sum);
      }
    }
    return out;
  }

  @Override
  public Map<String, Long> getOperations() {
    Map<String, Long> out = new TreeMap<>();
    for (RouteStats.Row r : counters.snapshot().rows()) {
      out.put(key(r), r.ops());
    }
    return out;
  }

  @Override
  public Map<String, Long> getBytes() {
    Map<String, Long> out = new TreeMap<>();
    for (RouteStats.Row r : counters.snapshot().rows()) {
      out.put(key(r), r.bytes());
    }
    return out;
  }

  @Override
  public Map<String, Long> getCipherCalls() {
    return gcmCalls.snapshot().asMap();
  }

  @Override
  public Map<String, String> getLatencyHistograms() {
    Map<String, HistogramSnapshot> acc = new TreeMap<>();
    for (RouteStats.Row r : counters.snapshot().rows()) {
      acc.merge(r.algorithm() + "|" + r.route(), r.latencyNanos(), HistogramSnapshot::plus);
    }
    Map<String, String> out = new TreeMap<>();
    acc.forEach((k, v) -> out.put(k, v.render()));
    return out;
  }

  @Override
  public Map<String, String> getBatchSizeHistograms() {
    Map<String, String> out = new TreeMap<>();
    for (Device d : router.devices()) {
      if (d instanceof NativeDevice nd) {
        out.put(d.name(), nd.batchSizes().snapshot().render());
      }
    }
    return out;
  }

  @Override
  public Map<String, Long> getQueueFullRetries() {
    Map<String, Long> out = new TreeMap<>();
    for (Device d : router.devices()) {
      if (d instanceof NativeDevice nd) {
        out.put(d.name(), nd.queueFullRetries());
      }
    }
    return out;
  }

  @Override
  public Map<String, Integer> getInflight() {
    Map<String, Integer> out = new TreeMap<>();
    for (Router.DeviceState s : router.deviceStates()) {
      out.put(s.name(), s.inflight());
    }
    return out;
  }

  @Override
  public List<String> getDeviceHealth() {
    List<String> out = new ArrayList<>();
    for (Router.DeviceState s : router.deviceStates()) {
      out.add(s.name() + ": " + (s.usable() ? "usable" : "unusable (" + s.reason() + ")"));
    }
    return out;
  }

  @Override
  public String getTable() {
    return render();
  }

  @Override
  public void reset() {
    counters.reset();
    gcmCalls.reset();
  }

  /** Route table, AES-GCM Cipher calls, then per device: batch sizes, queue-full retries, in-flight, breaker. */
  String render() {
    StringBuilder sb = new StringBuilder(counters.snapshot().render());
    sb.append(gcmCalls.snapshot().render()).append(System.lineSeparator());
    Map<String, String> batches = getBatchSizeHistograms();
    Map<String, Long> retries = getQueueFullRetries();
    for (Router.DeviceState s : router.deviceStates()) {
      sb.append("device ").append(s.name()).append(" (").append(s.backend()).append("): ")
          .append(s.usable() ? "usable" : "breaker open: " + s.reason())
          .append(", in flight ").append(s.inflight())
          .append(", breaker opened ").append(s.breakerOpens()).append("x closed ").append(s.breakerCloses()).append('x');
      if (retries.containsKey(s.name())) {
        sb.append(", queue-full retries ").append(retries.get(s.name()));
      }
      sb.append(System.lineSeparator());
      if (batches.containsKey(s.name())) {
        sb.append("  batch sizes (requests per accel_submit): ").append(batches.get(s.name()))
            .append(System.lineSeparator());
      }
    }
    for (String t : router.describeThresholds()) {
      sb.append("thresholds ").append(t).append(System.lineSeparator());
    }
    return sb.toString();
  }
}

package dev.accel.metrics;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event {@code accel.Request}: one routed request. Disabled by default (enable it in a
 * recording's settings: {@code jfr configure accel.Request#enabled=true} or {@code
 * -XX:StartFlightRecording:settings=...}); when no recording enables it, {@link #emit} costs one
 * allocation-free check.
 */
@Name("accel.Request")
@Label("Accel Request")
@Category({"Accel"})
@Description("One cryptographic request served by the Accel provider (device or software)")
@Enabled(false)
@StackTrace(false)
public final class AccelRequestEvent extends Event {
  private static final AccelRequestEvent PROBE;

  static {
    try {
      // Registers (and instruments) the class even when it is loaded before JFR starts.
      jdk.jfr.FlightRecorder.register(AccelRequestEvent.class);
    } catch (RuntimeException | LinkageError e) {
      // JFR unavailable: emit() stays a no-op
    }
    PROBE = new AccelRequestEvent();
  }

  @Label("Algorithm")
  public String algorithm;

  @Label("Route")
  @Description("device or software")
  public String route;

  @Label("Tier")
  @Description("device name (emu0) or software tier (bc, jdk, native)")
  public String tier;

  @Label("Reason")
  public String reason;

  @Label("Bytes")
  @DataAmount
  public long bytes;

  @Label("Batch Size")
  @Description("requests of the explicit batch this request belonged to (1 for a plain JCA call)")
  public int batchSize;

  @Label("Request Duration")
  @Timespan(Timespan.NANOSECONDS)
  public long durationNanos;

  /** True while a recording enables {@code accel.Request} (then every request is timed). */
  public static boolean recording() {
    return PROBE.isEnabled();
  }

  /** Commits one event when a recording enables {@code accel.Request}. */
  public static void emit(
      String algorithm, String route, String tier, String reason, long bytes, int batchSize, long nanos) {
    if (!PROBE.isEnabled()) {
      return;
    }
    AccelRequestEvent e = new AccelRequestEvent();
    e.algorithm = algorithm;
    e.route = route;
    e.tier = tier;
    e.reason = reason;
    e.bytes = bytes;
    e.batchSize = batchSize;
    e.durationNanos = nanos;
    e.commit();
  }
}

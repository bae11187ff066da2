package dev.accel.router;

import dev.accel.engine.Op;
import dev.accel.metrics.AccelRequestEvent;
import dev.accel.metrics.RouteCounters;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Counts what the router did: one {@link RouteCounters.Cell} per op kind x engine x reason, looked
 * up once and kept, so counting a request allocates nothing; latency for a sample of in-process
 * requests (one {@code System.nanoTime()} pair costs about as much as a 64-byte hash on a
 * kvm-clock guest) and for every request that waits for a device.
 */
final class RouteLedger {
  private static final Op.Kind[] KINDS = Op.Kind.values();
  private static final RouteReason[] REASONS = RouteReason.values();

  /** {@link #start} result for a request outside the latency sample. */
  static final long UNTIMED = Long.MIN_VALUE;

  private final RouteCounters counters;
  private final String[] names; // engine names: devices first, then software tiers
  private final boolean[] software;
  private final RouteCounters.Cell[][][] cells; // [engine][kind][reason], filled on first use
  private final int sampleMask; // 0: time every request; else 1 in (mask + 1)

  /**
   * @param engineNames every engine the router holds, in its order
   * @param softwareFlags which of them are software tiers
   * @param timeEverything true when an asynchronous device is present (its waits are always timed)
   */
  RouteLedger(RouteCounters counters, List<String> engineNames, boolean[] softwareFlags, boolean timeEverything) {
    this.counters = counters;
    this.names = engineNames.toArray(new String[0]);
    this.software = softwareFlags.clone();
    this.cells = new RouteCounters.Cell[names.length][KINDS.length][REASONS.length];
    this.sampleMask = timeEverything ? 0 : 15;
  }

  RouteCounters counters() {
    return counters;
  }

  long start() {
    if (sampleMask == 0
        || (ThreadLocalRandom.current().nextInt() & sampleMask) == 0
        || AccelRequestEvent.recording()) {
      return System.nanoTime();
    }
    return UNTIMED;
  }

  private static long elapsed(long t0) {
    return t0 == UNTIMED ? -1 : System.nanoTime() - t0;
  }

  private RouteCounters.Cell cell(int engine, Op.Kind kind, RouteReason reason) {
    RouteCounters.Cell c = cells[engine][kind.ordinal()][reason.ordinal()];
    if (c == null) {
      // benign race: every thread gets the same cell from the counters' map
      c = counters.cell(kind.label(), software[engine] ? RouteCounters.SOFTWARE : RouteCounters.DEVICE,
          names[engine], reason.label());
      cells[engine][kind.ordinal()][reason.ordinal()] = c;
    }
    return c;
  }

  /** One request served by engine {@code engine}; {@code reason} says why a device did not serve it. */
  void served(int engine, Op.Kind kind, RouteReason reason, long bytes, long t0, int batch) {
    cell(engine, kind, reason).count(bytes, elapsed(t0), batch);
  }

  /** A streamed digest: counted without latency (it has no single start); its JFR event has 0. */
  void streamed(int engine, Op.Kind kind, RouteReason reason, long bytes) {
    cell(engine, kind, reason).count(bytes);
    AccelRequestEvent.emit(kind.label(), software[engine] ? RouteCounters.SOFTWARE : RouteCounters.DEVICE,
        names[engine], reason.label(), bytes, 1, 0);
  }
}

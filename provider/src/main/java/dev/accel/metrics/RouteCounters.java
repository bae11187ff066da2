package dev.accel.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which route served each request: operations and bytes per algorithm x route x tier x reason.
 *
 * <p>{@code route} is {@link #DEVICE} or {@link #SOFTWARE}; {@code tier} names the device (e.g.
 * {@code emu0}) or software tier (e.g. {@code bc}); {@code reason} says why (e.g. {@code ok},
 * {@code below-threshold}, {@code fallback-device-error}). Counting is lock-free ({@link
 * LongAdder}); {@link #snapshot()} is a consistent-enough copy for reporting and tests.
 */
public final class RouteCounters {
  public static final String DEVICE = "device";
  public static final String SOFTWARE = "software";

  private record Key(String algorithm, String route, String tier, String reason) {}

  private static final class Cell {
    final LongAdder ops = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final Log2Histogram latencyNanos = new Log2Histogram();
  }

  private final ConcurrentHashMap<Key, Cell> cells = new ConcurrentHashMap<>();

  /** Counts one request of {@code bytes} input bytes. */
  public void record(String algorithm, String route, String tier, String reason, long bytes) {
    Cell c = cells.computeIfAbsent(new Key(algorithm, route, tier, reason), k -> new Cell());
    c.ops.increment();
    c.bytes.add(bytes);
  }

  /**
   * Counts one request and its latency (routing decision to result, software re-runs included),
   * and emits an {@link AccelRequestEvent} when a JFR recording enables it.
   */
  public void record(
      String algorithm, String route, String tier, String reason, long bytes, long latencyNanos, int batchSize) {
    Cell c = cells.computeIfAbsent(new Key(algorithm, route, tier, reason), k -> new Cell());
    c.ops.increment();
    c.bytes.add(bytes);
    c.latencyNanos.record(latencyNanos);
    AccelRequestEvent.emit(algorithm, route, tier, reason, bytes, batchSize, latencyNanos);
  }

  public RouteStats snapshot() {
    List<RouteStats.Row> rows = new ArrayList<>();
    cells.forEach(
        (k, c) ->
            rows.add(
                new RouteStats.Row(
                    k.algorithm(),
                    k.route(),
                    k.tier(),
                    k.reason(),
                    c.ops.sum(),
                    c.bytes.sum(),
                    c.latencyNanos.snapshot())));
    return new RouteStats(rows);
  }

  /** Zeroes every counter (tests and {@code accel stats --reset}). */
  public void reset() {
    cells.clear();
  }
}

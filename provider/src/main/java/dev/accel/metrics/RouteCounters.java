package dev.accel.metrics;

import dev.accel.api.RouteStats;
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

  /**
   * The counters of one algorithm x route x tier x reason. The router looks each one up once and
   * keeps it, so counting a request allocates nothing (PERFORMANCE.md: the hot path's allocation
   * budget is the output plus 64 bytes).
   */
  public static final class Cell {
    private final Key key;
    final LongAdder ops = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final Log2Histogram latencyNanos = new Log2Histogram();

    private Cell(Key key) {
      this.key = key;
    }

    /** Counts one request of {@code bytes} input bytes, without latency. */
    public void count(long bytes) {
      ops.increment();
      this.bytes.add(bytes);
    }

    /**
     * Counts one request; {@code nanos < 0} means "not timed" (the router times a sample of
     * sub-microsecond requests only: one {@code System.nanoTime()} costs ~28 ns on a kvm-clock
     * guest, a quarter of a 64-byte SHA-256). Emits an {@link AccelRequestEvent} when a JFR
     * recording enables it.
     */
    public void count(long bytes, long nanos, int batchSize) {
      ops.increment();
      this.bytes.add(bytes);
      if (nanos >= 0) {
        latencyNanos.record(nanos);
        AccelRequestEvent.emit(
            key.algorithm(), key.route(), key.tier(), key.reason(), bytes, batchSize, nanos);
      }
    }
  }

  private final ConcurrentHashMap<Key, Cell> cells = new ConcurrentHashMap<>();

  /** The cell of one algorithm x route x tier x reason (created on first use; never removed). */
  public Cell cell(String algorithm, String route, String tier, String reason) {
    return cells.computeIfAbsent(new Key(algorithm, route, tier, reason), Cell::new);
  }

  /** Counts one request of {@code bytes} input bytes. */
  public void record(String algorithm, String route, String tier, String reason, long bytes) {
    cell(algorithm, route, tier, reason).count(bytes);
  }

  /**
   * Counts one request and its latency (routing decision to result, software re-runs included),
   * and emits an {@link AccelRequestEvent} when a JFR recording enables it.
   */
  public void record(
      String algorithm, String route, String tier, String reason, long bytes, long latencyNanos, int batchSize) {
    cell(algorithm, route, tier, reason).count(bytes, latencyNanos, batchSize);
  }

  public RouteStats snapshot() {
    List<RouteStats.Row> rows = new ArrayList<>();
    cells.forEach(
        (k, c) -> {
          if (c.ops.sum() == 0) {
            return; // created by a lookup, or zeroed by reset(): not a route that served anything
          }
          rows.add(
                new RouteStats.Row(
                    k.algorithm(),
                    k.route(),
                    k.tier(),
                    k.reason(),
                    c.ops.sum(),
                    c.bytes.sum(),
                    c.latencyNanos.snapshot()));
        });
    return new RouteStats(rows);
  }

  /** Zeroes every counter (tests and {@code accel stats --reset}). */
  public void reset() {
    // Zeroed, not removed: the router keeps references to its cells.
    for (Cell c : cells.values()) {
      c.ops.reset();
      c.bytes.reset();
      c.latencyNanos.reset();
    }
  }
}

package dev.accel.api;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** An immutable snapshot of {@link RouteCounters}, sorted by algorithm, route, tier, reason. */
public record RouteStats(List<Row> rows) {

  /**
   * One counter cell. {@code bytes} is the input size of the requests; {@code latencyNanos} the
   * log2 histogram of their latencies (empty for requests counted without one).
   */
  public record Row(
      String algorithm,
      String route,
      String tier,
      String reason,
      long ops,
      long bytes,
      HistogramSnapshot latencyNanos) {
    public Row(String algorithm, String route, String tier, String reason, long ops, long bytes) {
      this(algorithm, route, tier, reason, ops, bytes, HistogramSnapshot.empty());
    }
  }

  public RouteStats {
    rows =
        rows.stream()
            .sorted(
                Comparator.comparing(Row::algorithm)
                    .thenComparing(Row::route)
                    .thenComparing(Row::tier)
                    .thenComparing(Row::reason))
            .toList();
  }

  /** Operations of {@code algorithm} (null: any) served by {@code route} (null: any). */
  public long ops(String algorithm, String route) {
    long sum = 0;
    for (Row r : rows) {
      if ((algorithm == null || r.algorithm().equals(algorithm))
          && (route == null || r.route().equals(route))) {
        sum += r.ops();
      }
    }
    return sum;
  }

  /** Operations of {@code algorithm} (null: any) with exactly this {@code reason}. */
  public long opsWithReason(String algorithm, String reason) {
    long sum = 0;
    for (Row r : rows) {
      if ((algorithm == null || r.algorithm().equals(algorithm)) && r.reason().equals(reason)) {
        sum += r.ops();
      }
    }
    return sum;
  }

  /** Latency histogram of {@code algorithm} (null: any) on {@code route} (null: any). */
  public HistogramSnapshot latency(String algorithm, String route) {
    HistogramSnapshot sum = HistogramSnapshot.empty();
    for (Row r : rows) {
      if ((algorithm == null || r.algorithm().equals(algorithm))
          && (route == null || r.route().equals(route))) {
        sum = sum.plus(r.latencyNanos());
      }
    }
    return sum;
  }

  /** Input bytes of {@code algorithm} (null: any) served by {@code route} (null: any). */
  public long bytes(String algorithm, String route) {
    long sum = 0;
    for (Row r : rows) {
      if ((algorithm == null || r.algorithm().equals(algorithm))
          && (route == null || r.route().equals(route))) {
        sum += r.bytes();
      }
    }
    return sum;
  }

  /** The table {@code accel stats} prints. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-16s %-8s %-22s %-24s %10s %14s %10s %10s%n",
            "algorithm",
            "route",
            "tier",
            "reason",
            "ops",
            "bytes",
            "mean-us",
            "p99<=us"));
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-16s %-8s %-22s %-24s %10d %14d %10.1f %10s%n",
              r.algorithm(),
              r.route(),
              r.tier(),
              r.reason(),
              r.ops(),
              r.bytes(),
              r.latencyNanos().mean() / 1000.0,
              r.latencyNanos().count() == 0
                  ? "-"
                  : Long.toString((r.latencyNanos().quantileUpperBound(0.99) + 999) / 1000)));
    }
    if (rows.isEmpty()) {
      sb.append("(no requests yet)").append(System.lineSeparator());
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return render();
  }
}

package dev.accel.metrics;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** An immutable snapshot of {@link RouteCounters}, sorted by algorithm, route, tier, reason. */
public record RouteStats(List<Row> rows) {

  /** One counter cell. {@code bytes} is the input size of the requests. */
  public record Row(
      String algorithm, String route, String tier, String reason, long ops, long bytes) {}

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

  /** The table {@code accel stats} prints. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-14s %-8s %-22s %-28s %12s %16s%n",
            "algorithm",
            "route",
            "tier",
            "reason",
            "ops",
            "bytes"));
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-14s %-8s %-22s %-28s %12d %16d%n",
              r.algorithm(),
              r.route(),
              r.tier(),
              r.reason(),
              r.ops(),
              r.bytes()));
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

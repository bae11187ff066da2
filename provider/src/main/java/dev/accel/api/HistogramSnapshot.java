package dev.accel.api;

import java.util.Locale;

/**
 * A latency or batch-size histogram at one moment: {@code counts[b]} counts values in {@code [0, 0]}
 * for b = 0 and {@code [2^(b-1), 2^b - 1]} above (log2 buckets), {@code sum} their total.
 */
public record HistogramSnapshot(long[] counts, long sum) {
  /** Buckets of every snapshot: one for 0 and one per power of two of a long. */
  public static final int BUCKETS = 64;

  /** No values. */
  public static HistogramSnapshot empty() {
    return new HistogramSnapshot(new long[BUCKETS], 0);
  }

  public long count() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  public double mean() {
    long n = count();
    return n == 0 ? 0 : (double) sum / n;
  }

  /** Upper bound of the bucket that holds the {@code q}-quantile (0 < q <= 1); 0 when empty. */
  public long quantileUpperBound(double q) {
    long n = count();
    if (n == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * n);
    long seen = 0;
    for (int b = 0; b < counts.length; b++) {
      seen += counts[b];
      if (seen >= rank) {
        return b == 0 ? 0 : (b >= 63 ? Long.MAX_VALUE : (1L << b) - 1);
      }
    }
    return Long.MAX_VALUE;
  }

  public HistogramSnapshot plus(HistogramSnapshot o) {
    long[] c = counts.clone();
    for (int i = 0; i < c.length; i++) {
      c[i] += o.counts[i];
    }
    return new HistogramSnapshot(c, sum + o.sum);
  }

  /** Non-empty buckets as {@code [lo..hi]:count} pairs, e.g. {@code [8..15]:120 [16..31]:4}. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    for (int b = 0; b < counts.length; b++) {
      if (counts[b] == 0) {
        continue;
      }
      long lo = b == 0 ? 0 : 1L << (b - 1);
      long hi = b == 0 ? 0 : (b >= 63 ? Long.MAX_VALUE : (1L << b) - 1);
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(String.format(Locale.ROOT, "[%d..%d]:%d", lo, hi, counts[b]));
    }
    return sb.length() == 0 ? "(empty)" : sb.toString();
  }
}

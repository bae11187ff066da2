package dev.accel.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free histogram with power-of-two buckets: bucket {@code b} counts values in {@code
 * [2^(b-1), 2^b)} (bucket 0 counts zero). Recording is one {@link LongAdder#increment()} plus
 * one {@link LongAdder#add(long)}: cheap enough for every request on the hot path.
 */
public final class Log2Histogram {
  public static final int BUCKETS = 64;

  private final LongAdder[] buckets = new LongAdder[BUCKETS];
  private final LongAdder sum = new LongAdder();

  public Log2Histogram() {
    for (int i = 0; i < BUCKETS; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /** The bucket of {@code value} (negative values count as zero). */
  public static int bucketOf(long value) {
    return value <= 0 ? 0 : Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(value));
  }

  /** Smallest value of bucket {@code b}. */
  public static long lowerBound(int b) {
    return b == 0 ? 0 : 1L << (b - 1);
  }

  public void record(long value) {
    buckets[bucketOf(value)].increment();
    sum.add(Math.max(0, value));
  }

  public Snapshot snapshot() {
    long[] counts = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] = buckets[i].sum();
    }
    return new Snapshot(counts, sum.sum());
  }

  public void reset() {
    for (LongAdder a : buckets) {
      a.reset();
    }
    sum.reset();
  }

  /** A copy of the buckets; {@code counts[b]} counts values in {@code [lowerBound(b), 2*lowerBound(b))}. */
  public record Snapshot(long[] counts, long sum) {
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

    public Snapshot plus(Snapshot o) {
      long[] c = counts.clone();
      for (int i = 0; i < c.length; i++) {
        c[i] += o.counts[i];
      }
      return new Snapshot(c, sum + o.sum);
    }

    /** Non-empty buckets as {@code [lo..hi]:count} pairs, e.g. {@code [8..15]:120 [16..31]:4}. */
    public String render() {
      StringBuilder sb = new StringBuilder();
      for (int b = 0; b < counts.length; b++) {
        if (counts[b] == 0) {
          continue;
        }
        long lo = lowerBound(b);
        long hi = b == 0 ? 0 : (b >= 63 ? Long.MAX_VALUE : (1L << b) - 1);
        if (sb.length() > 0) {
          sb.append(' ');
        }
        sb.append(String.format(Locale.ROOT, "[%d..%d]:%d", lo, hi, counts[b]));
      }
      return sb.length() == 0 ? "(empty)" : sb.toString();
    }
  }
}

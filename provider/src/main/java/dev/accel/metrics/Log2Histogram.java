package dev.accel.metrics;

import dev.accel.api.HistogramSnapshot;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free histogram with power-of-two buckets: bucket {@code b} counts values in {@code
 * [2^(b-1), 2^b)} (bucket 0 counts zero). Recording is one {@link LongAdder#increment()} plus
 * one {@link LongAdder#add(long)}: cheap enough for every request on the hot path.
 */
public final class Log2Histogram {
  public static final int BUCKETS = dev.accel.api.HistogramSnapshot.BUCKETS;

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

  public HistogramSnapshot snapshot() {
    long[] counts = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] = buckets[i].sum();
    }
    return new HistogramSnapshot(counts, sum.sum());
  }

  public void reset() {
    for (LongAdder a : buckets) {
      a.reset();
    }
    sum.reset();
  }
}

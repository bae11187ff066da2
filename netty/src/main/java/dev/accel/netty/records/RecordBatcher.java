package dev.accel.netty.records;

import dev.accel.api.AccelCrypto;
import dev.accel.api.GcmRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals and opens TLS records of many channels in shared submissions to {@link
 * AccelCrypto#sealAll} / {@link AccelCrypto#openAll}: at most {@code maxInFlight} submissions per
 * direction are outstanding, records that arrive meanwhile leave together with the next one. A
 * record whose result has not come back within {@code stallNanos} is computed on the CPU (SunJCE)
 * with the same key, nonce and AAD — GCM is deterministic, so both answers are the same bytes and
 * whichever comes first is used. Thread-safe; share one instance across event loops.
 */
public final class RecordBatcher implements AutoCloseable {
  private record Job(GcmRequest request, CompletableFuture<byte[]> result) {}

  private final AccelCrypto crypto;
  private final int maxBatch;
  private final int maxInFlight;
  private final long stallNanos;
  private final ScheduledExecutorService timer;
  private final Direction seal = new Direction(true);
  private final Direction open = new Direction(false);

  private final LongAdder batches = new LongAdder();
  private final LongAdder records = new LongAdder();
  private final LongAdder cpuAfterStall = new LongAdder();

  /**
   * @param stallNanos how long a record may wait for the device before the CPU computes it
   */
  public RecordBatcher(AccelCrypto crypto, int maxBatch, int maxInFlight, long stallNanos) {
    this.crypto = Objects.requireNonNull(crypto, "crypto");
    if (maxBatch < 1 || maxInFlight < 1 || stallNanos <= 0) {
      throw new IllegalArgumentException("maxBatch, maxInFlight and stallNanos must be positive");
    }
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.stallNanos = stallNanos;
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("accel-record-stall").daemon().factory());
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
  }

  /** Batches of up to 64 records, 4 in flight per direction, CPU after 20 ms. */
  public RecordBatcher(AccelCrypto crypto) {
    this(crypto, 64, 4, TimeUnit.MILLISECONDS.toNanos(20));
  }

  /** Ciphertext followed by the 16-byte tag. */
  public CompletableFuture<byte[]> seal(SecretKey key, byte[] nonce, byte[] aad, byte[] plaintext) {
    return seal.submit(new GcmRequest(key, nonce, 16, aad, plaintext));
  }

  /** Plaintext, or a future failed with {@link AEADBadTagException}. */
  public CompletableFuture<byte[]> open(SecretKey key, byte[] nonce, byte[] aad, byte[] ciphertextAndTag) {
    return open.submit(new GcmRequest(key, nonce, 16, aad, ciphertextAndTag));
  }

  /**
   * Counters: submissions, records, and records whose answer came from the CPU (the device was
   * later than {@code stallNanos}, or failed without a verdict on the record).
   */
  public record Stats(long batches, long records, long cpuAfterStall) {
    public double averageBatch() {
      return batches == 0 ? 0 : (double) records / batches;
    }
  }

  public Stats stats() {
    return new Stats(batches.sum(), records.sum(), cpuAfterStall.sum());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private final class Direction {
    private final boolean sealing;
    private final ArrayDeque<Job> pending = new ArrayDeque<>();
    private int inFlight;

    Direction(boolean sealing) {
      this.sealing = sealing;
    }

    CompletableFuture<byte[]> submit(GcmRequest request) {
      CompletableFuture<byte[]> result = new CompletableFuture<>();
      ScheduledFuture<?> stall =
          timer.schedule(() -> cpu(request, result), stallNanos, TimeUnit.NANOSECONDS);
      result.whenComplete((r, e) -> stall.cancel(false));
      List<List<Job>> ready;
      synchronized (this) {
        pending.add(new Job(request, result));
        ready = takeLocked();
      }
      ready.forEach(this::send);
      return result;
    }

    private List<List<Job>> takeLocked() {
      List<List<Job>> out = new ArrayList<>(1);
      while (inFlight < maxInFlight && !pending.isEmpty()) {
        List<Job> batch = new ArrayList<>(Math.min(maxBatch, pending.size()));
        while (batch.size() < maxBatch && !pending.isEmpty()) {
          batch.add(pending.poll());
        }
        inFlight++;
        out.add(batch);
      }
      return out;
    }

    private void send(List<Job> batch) {
      batches.increment();
      records.add(batch.size());
      List<GcmRequest> requests = new ArrayList<>(batch.size());
      for (Job j : batch) {
        requests.add(j.request());
      }
      List<CompletableFuture<byte[]>> results;
      try {
        results = sealing ? crypto.sealAll(requests) : crypto.openAll(requests);
      } catch (RuntimeException e) {
        for (Job j : batch) {
          cpu(j.request(), j.result());
        }
        done();
        return;
      }
      for (int i = 0; i < batch.size(); i++) {
        Job j = batch.get(i);
        results
            .get(i)
            .whenComplete(
                (r, e) -> {
                  if (e == null) {
                    j.result().complete(r);
                  } else if (unwrap(e) instanceof AEADBadTagException bad) {
                    j.result().completeExceptionally(bad);
                  } else {
                    cpu(j.request(), j.result()); // not a verdict on the record: recompute
                  }
                });
      }
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> done());
    }

    private void done() {
      List<List<Job>> ready;
      synchronized (this) {
        inFlight--;
        ready = takeLocked();
      }
      ready.forEach(this::send);
    }

    /** The same GCM operation on the CPU (SunJCE), same key, nonce and AAD. */
    private void cpu(GcmRequest r, CompletableFuture<byte[]> result) {
      if (result.isDone()) {
        return;
      }
      try {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        c.init(sealing ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, r.key(), new GCMParameterSpec(128, r.iv()));
        c.updateAAD(r.aad());
        byte[] out = c.doFinal(r.input());
        if (result.complete(out)) {
          cpuAfterStall.increment();
        }
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    }
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}

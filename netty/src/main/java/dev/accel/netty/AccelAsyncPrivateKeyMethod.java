package dev.accel.netty;

import dev.accel.api.AccelCrypto;
import io.netty.handler.ssl.OpenSslAsyncPrivateKeyMethod;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.SignatureException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLEngine;

/**
 * BoringSSL (netty-tcnative) handshake signing on Accel, asynchronous and batched across
 * connections: BoringSSL hands over the message to sign (not a digest) and parks the handshake;
 * this method queues it, and whole batches go to {@link AccelCrypto#signAll} so the device sees
 * many signatures per submission. The rule is Nagle's algorithm (RFC 896) with a batch for a
 * segment: when no batch is in flight, whatever waits leaves at once (an idle device adds no
 * latency); while one is in flight, the waiting signatures leave when it completes, or earlier
 * once {@code overlapBatch} of them wait (a "full" batch, worth overlapping with the one out), up
 * to {@code maxInFlightBatches} batches. No timer is involved.
 *
 * <p>A signature requested on a Netty event loop is queued and submitted by a task on that loop,
 * which runs once the loop has processed the rest of its ready channels (the way Netty's flush
 * consolidation works): one select wake-up that carries many ClientHellos produces one batch, not
 * a batch of one followed by a batch of the rest. No timer is involved; with one ready channel the
 * task runs right after it.
 *
 * <p>Only RSA schemes are signed ({@link TlsSignatureScheme}); anything else, and RSA key exchange
 * ({@link #decrypt}), fails the returned future, which fails that handshake only.
 *
 * <p>Configure it with {@link AccelSsl#serverContext} or {@code
 * OpenSslContextOption.ASYNC_PRIVATE_KEY_METHOD} and {@code OpenSslX509KeyManagerFactory
 * .newKeyless(chain)}. Thread-safe; one instance serves every connection of a context.
 */
public final class AccelAsyncPrivateKeyMethod implements OpenSslAsyncPrivateKeyMethod {

  /** Upper bounds of the batch-size histogram buckets; the last bucket takes everything above. */
  private static final int[] BUCKET_UPPER = {1, 2, 4, 8, 16, 32, 64, Integer.MAX_VALUE};

  /** A signature waiting for its batch. */
  private record Pending(TlsSignatureScheme scheme, byte[] message, Promise<byte[]> promise) {}

  private final AccelCrypto crypto;
  private final PrivateKey key;
  private final int maxBatch;
  private final int maxInFlightBatches;
  private final int overlapBatch;
  /** Submit from a task at the end of the event loop's iteration (false: at once; benchmarks). */
  final boolean coalesceOnEventLoop;

  private final Object lock = new Object();
  /** Signatures not yet submitted, in arrival order; guarded by {@link #lock}. */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  /** Batches handed to {@link AccelCrypto#signAll} and not yet complete; guarded by lock. */
  private int inFlightBatches;

  private final LongAdder batches = new LongAdder();
  private final LongAdder signatures = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final AtomicLongArray histogram = new AtomicLongArray(BUCKET_UPPER.length);

  /** Per event-loop thread: a flush task of this method is queued on that loop. */
  private final FastThreadLocal<boolean[]> flushQueued =
      new FastThreadLocal<>() {
        @Override
        protected boolean[] initialValue() {
          return new boolean[1];
        }
      };

  /**
   * Batches of up to 64 signatures; a second batch overlaps the one in flight once 8 signatures
   * wait (the order of a device's engine count: HiSilicon HPRE and the {@code emu} profiles run 8,
   * so a batch of 8 occupies every engine once), at most two in flight.
   */
  public AccelAsyncPrivateKeyMethod(AccelCrypto crypto, PrivateKey key) {
    this(crypto, key, 64, 2, 8);
  }

  /**
   * @param crypto Accel's batch API ({@code AccelProvider#crypto()})
   * @param key the server's RSA private key: a device-resident handle ({@code
   *     dev.accel.api.AccelKeys#deviceResident}) or any RSA private key Accel accepts
   * @param maxBatch most signatures per submission (1..4096)
   * @param maxInFlightBatches most submissions outstanding at once (1..64)
   */
  public AccelAsyncPrivateKeyMethod(
      AccelCrypto crypto, PrivateKey key, int maxBatch, int maxInFlightBatches) {
    this(crypto, key, maxBatch, maxInFlightBatches, 1);
  }

  /**
   * As above, and {@code overlapBatch} (1..maxBatch): how many signatures must wait before a
   * batch leaves while another is in flight (1: as soon as a slot is free).
   */
  public AccelAsyncPrivateKeyMethod(
      AccelCrypto crypto, PrivateKey key, int maxBatch, int maxInFlightBatches, int overlapBatch) {
    this(crypto, key, maxBatch, maxInFlightBatches, overlapBatch, true);
  }

  AccelAsyncPrivateKeyMethod(
      AccelCrypto crypto,
      PrivateKey key,
      int maxBatch,
      int maxInFlightBatches,
      int overlapBatch,
      boolean coalesceOnEventLoop) {
    this.coalesceOnEventLoop = coalesceOnEventLoop;
    this.crypto = Objects.requireNonNull(crypto, "crypto");
    this.key = Objects.requireNonNull(key, "key");
    if (!"RSA".equals(key.getAlgorithm())) {
      throw new IllegalArgumentException("Accel signs TLS handshakes with RSA keys only, got " + key.getAlgorithm());
    }
    if (maxBatch < 1 || maxBatch > 4096) {
      throw new IllegalArgumentException("maxBatch must be in 1..4096: " + maxBatch);
    }
    if (maxInFlightBatches < 1 || maxInFlightBatches > 64) {
      throw new IllegalArgumentException("maxInFlightBatches must be in 1..64: " + maxInFlightBatches);
    }
    if (overlapBatch < 1 || overlapBatch > maxBatch) {
      throw new IllegalArgumentException("overlapBatch must be in 1..maxBatch: " + overlapBatch);
    }
    this.overlapBatch = overlapBatch;
    this.maxBatch = maxBatch;
    this.maxInFlightBatches = maxInFlightBatches;
  }

  @Override
  public Future<byte[]> sign(SSLEngine engine, int signatureAlgorithm, byte[] input) {
    TlsSignatureScheme scheme = TlsSignatureScheme.of(signatureAlgorithm);
    if (scheme == null) {
      failures.increment();
      return ImmediateEventExecutor.INSTANCE.newFailedFuture(
          new InvalidKeyException(
              String.format(
                  "Accel signs RSA PKCS#1 v1.5 and RSA-PSS (rsae) schemes only, not 0x%04x",
                  signatureAlgorithm)));
    }
    Promise<byte[]> promise = ImmediateEventExecutor.INSTANCE.newPromise();
    synchronized (lock) {
      pending.add(new Pending(scheme, input, promise));
    }
    EventExecutor loop = coalesceOnEventLoop ? currentEventLoop() : null;
    if (loop != null) {
      boolean[] queued = flushQueued.get();
      if (!queued[0]) {
        queued[0] = true;
        try {
          loop.execute(
              () -> {
                queued[0] = false;
                flush();
              });
        } catch (RejectedExecutionException shuttingDown) {
          queued[0] = false;
          flush();
        }
      }
    } else {
      flush();
    }
    return promise;
  }

  /**
   * The Netty event loop running the calling thread, or null. Netty keeps that mapping in {@code
   * io.netty.util.internal.ThreadExecutorMap} (public since 4.1.31, but in an internal package):
   * should it ever be missing, signatures are submitted at once, as from any other thread.
   */
  private static EventExecutor currentEventLoop() {
    if (!EVENT_LOOP_LOOKUP) {
      return null;
    }
    EventExecutor e = io.netty.util.internal.ThreadExecutorMap.currentExecutor();
    return e != null && e.inEventLoop() ? e : null;
  }

  private static final boolean EVENT_LOOP_LOOKUP = eventLoopLookupWorks();

  private static boolean eventLoopLookupWorks() {
    try {
      io.netty.util.internal.ThreadExecutorMap.currentExecutor();
      return true;
    } catch (LinkageError e) {
      return false;
    }
  }

  /** Submits what is pending as far as the batching rule allows. */
  private void flush() {
    List<List<Pending>> ready;
    synchronized (lock) {
      ready = takeBatchesLocked();
    }
    submit(ready);
  }

  /** RSA key exchange (TLS 1.2 {@code TLS_RSA_*}) is not offered: no forward secrecy. */
  @Override
  public Future<byte[]> decrypt(SSLEngine engine, byte[] input) {
    failures.increment();
    return ImmediateEventExecutor.INSTANCE.newFailedFuture(
        new UnsupportedOperationException(
            "RSA key exchange is not supported by AccelAsyncPrivateKeyMethod; use ECDHE cipher suites"));
  }

  /** Batch counters since construction. */
  public BatchStats stats() {
    long[] h = new long[BUCKET_UPPER.length];
    for (int i = 0; i < h.length; i++) {
      h[i] = histogram.get(i);
    }
    return new BatchStats(batches.sum(), signatures.sum(), failures.sum(), h);
  }

  /**
   * Signing batch counters.
   *
   * @param batches submissions to the device
   * @param signatures signatures submitted
   * @param failures sign/decrypt calls refused before submission or failed by Accel
   * @param histogram batches with size 1, 2, 3..4, 5..8, 9..16, 17..32, 33..64, &gt;64
   */
  public record BatchStats(long batches, long signatures, long failures, long[] histogram) {
    public double averageBatch() {
      return batches == 0 ? 0 : (double) signatures / batches;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("batches=%d signatures=%d avg=%.1f failures=%d sizes[", batches, signatures, averageBatch(), failures));
      String[] labels = {"1", "2", "3-4", "5-8", "9-16", "17-32", "33-64", ">64"};
      for (int i = 0; i < histogram.length; i++) {
        sb.append(i == 0 ? "" : " ").append(labels[i]).append(':').append(histogram[i]);
      }
      return sb.append(']').toString();
    }
  }

  // ---- batching ------------------------------------------------------------------------------

  /**
   * Forms batches while the rule allows (class comment): oldest scheme first, same scheme per
   * batch.
   */
  private List<List<Pending>> takeBatchesLocked() {
    List<List<Pending>> out = List.of();
    while (!pending.isEmpty()
        && (inFlightBatches == 0
            || (inFlightBatches < maxInFlightBatches && pending.size() >= overlapBatch))) {
      int codePoint = pending.peekFirst().scheme().codePoint();
      List<Pending> batch = new ArrayList<>(Math.min(pending.size(), maxBatch));
      for (Iterator<Pending> it = pending.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
        Pending p = it.next();
        if (p.scheme().codePoint() == codePoint) {
          batch.add(p);
          it.remove();
        }
      }
      inFlightBatches++;
      if (out.isEmpty()) {
        out = new ArrayList<>(2);
      }
      out.add(batch);
    }
    return out;
  }

  private void submit(List<List<Pending>> ready) {
    for (List<Pending> batch : ready) {
      submitOne(batch);
    }
  }

  private void submitOne(List<Pending> batch) {
    batches.increment();
    signatures.add(batch.size());
    histogram.incrementAndGet(bucket(batch.size()));
    TlsSignatureScheme scheme = batch.getFirst().scheme();
    List<byte[]> messages = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      messages.add(p.message());
    }
    List<CompletableFuture<byte[]>> results;
    try {
      results = crypto.signAll(key, scheme.jcaAlgorithm(), scheme.params(), messages);
      if (results.size() != batch.size()) {
        throw new IllegalStateException(
            "signAll returned " + results.size() + " results for " + batch.size() + " messages");
      }
    } catch (RuntimeException e) {
      for (Pending p : batch) {
        fail(p.promise(), e);
      }
      batchDone();
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      Promise<byte[]> promise = batch.get(i).promise();
      results
          .get(i)
          .whenComplete(
              (sig, err) -> {
                if (err != null) {
                  fail(promise, err);
                } else {
                  promise.trySuccess(sig);
                }
              });
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .whenComplete((v, err) -> batchDone());
  }

  private void batchDone() {
    List<List<Pending>> ready;
    synchronized (lock) {
      inFlightBatches--;
      ready = takeBatchesLocked();
    }
    submit(ready);
  }

  private void fail(Promise<byte[]> promise, Throwable err) {
    failures.increment();
    Throwable cause = err;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (!(cause instanceof Exception)) {
      cause = new SignatureException("Accel signing failed", cause);
    }
    promise.tryFailure(cause);
  }

  private static int bucket(int size) {
    for (int i = 0; i < BUCKET_UPPER.length; i++) {
      if (size <= BUCKET_UPPER[i]) {
        return i;
      }
    }
    return BUCKET_UPPER.length - 1;
  }
}

package dev.accel.device;

import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.engine.Engine;
import dev.accel.engine.Op;
import dev.accel.ffm.NativeQueue;
import dev.accel.ffm.Opcode;
import dev.accel.queue.DeviceQueue;
import dev.accel.queue.Request;
import dev.accel.queue.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * {@link NativeDevice#runBatch}: ops of one kind submitted together on one queue (one flush: one
 * {@code accel_submit} while the ring has room), each result written straight into its op's
 * {@code out}, each failure kept to its own element. On the cpu engine digests go to the
 * multi-buffer kernel in one call and GCM ops run one by one (no ring to amortise).
 */
final class NativeBatch {
  private final NativeDevice dev;

  NativeBatch(NativeDevice dev) {
    this.dev = dev;
  }

  List<BatchOutcome> run(List<? extends Op> ops, long timeoutNanos) {
    int n = ops.size();
    if (n == 0) {
      return List.of();
    }
    Op first = ops.get(0);
    for (Op op : ops) {
      if (!sameBatchKind(first, op)) {
        return Engine.runEach(dev, ops);
      }
    }
    BatchOutcome[] out = new BatchOutcome[n];
    DeviceQueue q;
    Session rsaSession = null;
    try {
      q = dev.queue();
      if (first instanceof Op.RsaPrivate r) {
        rsaSession = q.rsaSession(r.key());
      }
    } catch (DeviceException e) {
      Arrays.fill(out, BatchOutcome.failed(e));
      return List.of(out);
    }
    if (first instanceof Op.RsaPublic || (q.canExecuteInline() && (first instanceof Op.GcmSeal || first instanceof Op.GcmOpen))) {
      // Run-to-completion engine: no ring, no doorbell to amortise; each message goes straight
      // from the caller's arrays to the kernel (PERFORMANCE.md: batching saves <= 5% in-process).
      return runEach(ops, timeoutNanos);
    }
    if (first instanceof Op.Digest d && q.canExecuteInline()) {
      if (digestInline(q, d.alg(), ops, out)) {
        return List.of(out);
      }
      return runEach(ops, timeoutNanos);
    }
    long deadline = dev.deadline(timeoutNanos);
    Request[] reqs = new Request[n];
    Session[] sess = new Session[n];
    for (int i = 0; i < n; i++) {
      try {
        Op op = ops.get(i);
        sess[i] = op instanceof Op.RsaPrivate ? rsaSession : null;
        reqs[i] = prepare(q, op);
        if (op instanceof Op.GcmSeal g) {
          sess[i] = q.aesSession(g.key());
        } else if (op instanceof Op.GcmOpen g) {
          sess[i] = q.aesSession(g.key());
        }
      } catch (DeviceException | IllegalArgumentException e) {
        if (reqs[i] != null) {
          q.release(reqs[i]);
          reqs[i] = null;
        }
        out[i] = BatchOutcome.failed(e);
      }
    }
    submitAndCollect(q, ops, reqs, sess, out, deadline);
    return List.of(out);
  }

  private List<BatchOutcome> runEach(List<? extends Op> ops, long timeoutNanos) {
    BatchOutcome[] out = new BatchOutcome[ops.size()];
    for (int i = 0; i < out.length; i++) {
      Op op = ops.get(i);
      try {
        dev.run(op, timeoutNanos);
        out[i] = BatchOutcome.of(Engine.outputOf(op));
      } catch (DeviceException | IllegalArgumentException | AEADBadTagException e) {
        out[i] = BatchOutcome.failed(e);
      }
    }
    return List.of(out);
  }

  private static boolean sameBatchKind(Op a, Op b) {
    return switch (a) {
      case Op.GcmSeal s -> b instanceof Op.GcmSeal;
      case Op.GcmOpen o -> b instanceof Op.GcmOpen;
      case Op.Digest d -> b instanceof Op.Digest e && e.alg() == d.alg();
      case Op.RsaPrivate r -> b instanceof Op.RsaPrivate e && e.key() == r.key();
      case Op.RsaPublic r -> false;
    };
  }

  /** Checks {@code op} and copies it into a pooled request (not yet queued). */
  private Request prepare(DeviceQueue q, Op op) throws DeviceException {
    NativeChecks c = dev.checks;
    return switch (op) {
      case Op.GcmSeal g -> {
        c.checkGcm(false, g.key(), g.iv(), g.tagLenBytes(), g.aad(), g.aadOff(), g.aadLen(),
            g.in(), g.inOff(), g.inLen(), g.out(), g.outOff());
        yield NativeRequests.gcmRequest(q, false, g.key(), g.iv(), g.tagLenBytes(), g.aad(), g.aadOff(),
            g.aadLen(), g.in(), g.inOff(), g.inLen());
      }
      case Op.GcmOpen g -> {
        int ctLen = c.checkGcm(true, g.key(), g.iv(), g.tagLenBytes(), g.aad(), g.aadOff(), g.aadLen(),
            g.in(), g.inOff(), g.inLen(), g.out(), g.outOff());
        yield NativeRequests.gcmRequest(q, true, g.key(), g.iv(), g.tagLenBytes(), g.aad(), g.aadOff(),
            g.aadLen(), g.in(), g.inOff(), ctLen);
      }
      case Op.Digest d -> {
        c.checkDigest(d.alg(), d.in(), d.off(), d.len(), d.out(), d.outOff());
        yield NativeRequests.digestRequest(q, d.alg(), d.in(), d.off(), d.len());
      }
      case Op.RsaPrivate r -> {
        c.checkRsa(r.key(), r.input(), true);
        yield NativeRequests.rsaRequest(q, Opcode.RSA_PRIV_CRT, r.input(), r.key().modulusBytes());
      }
      case Op.RsaPublic r -> throw new IllegalArgumentException("RSA public ops run one by one");
    };
  }

  /** Writes a completed request's result into its op's {@code out}. */
  private void finish(Op op, Request r, boolean passed) throws DeviceException, AEADBadTagException {
    switch (op) {
      case Op.GcmSeal g -> NativeRequests.finishSeal(dev.name(), r, passed, g.out(), g.outOff(), g.inLen(), g.tagLenBytes());
      case Op.GcmOpen g ->
          NativeRequests.finishOpen(r, passed, g.out(), g.outOff(), g.inLen() - g.tagLenBytes());
      case Op.Digest d -> NativeRequests.finishDigest(dev.name(), r, passed, d.alg().digestLenBytes(), d.out(), d.outOff());
      case Op.RsaPrivate p -> NativeRequests.finishDigest(dev.name(), r, passed, p.key().modulusBytes(), p.out(), 0);
      case Op.RsaPublic p -> throw new IllegalStateException("RSA public ops run one by one");
    }
  }

  /**
   * Submits the prepared requests together on {@code q} and collects each outcome into {@code
   * out}; every request is released. Null requests were rejected while preparing and keep the
   * failure already in {@code out}.
   */
  private void submitAndCollect(
      DeviceQueue q, List<? extends Op> ops, Request[] reqs, Session[] sess, BatchOutcome[] out, long deadline) {
    List<Request> live = new ArrayList<>(reqs.length);
    List<Session> liveSess = new ArrayList<>(reqs.length);
    for (int i = 0; i < reqs.length; i++) {
      if (reqs[i] != null) {
        live.add(reqs[i]);
        liveSess.add(sess[i]);
      }
    }
    DeviceException queueFailure = null;
    try {
      q.submitAll(live, liveSess);
    } catch (DeviceException e) {
      queueFailure = e; // requests queued before the failure still complete
    }
    q.awaitAll(live, deadline); // one wake-up for the batch; the awaits below then return at once
    for (int i = 0; i < reqs.length; i++) {
      Request r = reqs[i];
      if (r == null) {
        continue;
      }
      try {
        if (!r.isQueued() && queueFailure != null) {
          out[i] = BatchOutcome.failed(queueFailure);
          continue;
        }
        finish(ops.get(i), r, q.await(r, deadline));
        out[i] = BatchOutcome.of(Engine.outputOf(ops.get(i)));
      } catch (DeviceException | AEADBadTagException e) {
        out[i] = BatchOutcome.failed(e);
      } finally {
        q.release(r);
      }
    }
  }

  /** Per-thread packing buffers of {@link #digestInline}. */
  private static final class Packing {
    byte[] data = new byte[8192];
    byte[] digests = new byte[64 * 64];
    int[] lens = new int[64];
  }

  private static final ThreadLocal<Packing> PACKING = ThreadLocal.withInitial(Packing::new);

  /** Messages up to this total size are packed for the multi-buffer kernel; larger ones gain nothing. */
  private static final int PACK_MAX_BYTES = 256 * 1024;

  /**
   * The cpu engine's multi-buffer path: messages packed back to back into a per-thread array, one
   * downcall, digests unpacked into each op's {@code out}. False (nothing done) when the batch
   * does not fit the packing limits or an op is not this device's to hash; the caller then goes
   * op by op.
   */
  private boolean digestInline(DeviceQueue q, DigestAlgorithm alg, List<? extends Op> ops, BatchOutcome[] out) {
    int n = ops.size();
    DeviceCapabilities caps = dev.capabilities();
    if (n > NativeQueue.DIGEST_BATCH_MAX || alg.deviceOpcode() == 0 || !caps.supportsOp(alg.deviceOpcode())) {
      return false;
    }
    int dlen = alg.digestLenBytes();
    long total = 0;
    for (Op op : ops) {
      Op.Digest d = (Op.Digest) op;
      try {
        dev.checks.checkDigest(alg, d.in(), d.off(), d.len(), d.out(), d.outOff());
      } catch (IllegalArgumentException e) {
        return false;
      }
      total += d.len();
    }
    if (total > PACK_MAX_BYTES) {
      return false;
    }
    Packing p = PACKING.get();
    if (p.data.length < total) {
      p.data = new byte[(int) Math.max(total, 2L * p.data.length)];
    }
    if (p.lens.length < n) {
      p.lens = new int[Math.max(n, 2 * p.lens.length)];
    }
    if (p.digests.length < n * dlen) {
      p.digests = new byte[Math.max(n * dlen, 2 * p.digests.length)];
    }
    int pos = 0;
    for (int i = 0; i < n; i++) {
      Op.Digest d = (Op.Digest) ops.get(i);
      System.arraycopy(d.in(), d.off(), p.data, pos, d.len());
      pos += d.len();
      p.lens[i] = d.len();
    }
    try {
      q.executeDigestBatch(alg.deviceOpcode(), p.data, p.lens, n, p.digests, dlen);
      for (int i = 0; i < n; i++) {
        Op.Digest d = (Op.Digest) ops.get(i);
        System.arraycopy(p.digests, i * dlen, d.out(), d.outOff(), dlen);
        out[i] = BatchOutcome.of(d.out());
      }
    } catch (DeviceException | RuntimeException e) {
      Arrays.fill(out, BatchOutcome.failed(e));
    } finally {
      Arrays.fill(p.data, 0, pos, (byte) 0); // messages may be secrets (HMAC keys, PRF input)
    }
    return true;
  }
}

package dev.accel.queue;

import dev.accel.api.HistogramSnapshot;
import dev.accel.core.AesKeyMaterial;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.DeviceException;
import dev.accel.ffm.DeviceHandle;
import dev.accel.ffm.Layouts;
import dev.accel.ffm.NativeException;
import dev.accel.ffm.NativeStatus;
import dev.accel.ffm.Opcode;
import dev.accel.ffm.QueueHandle;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import dev.accel.metrics.Log2Histogram;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One shim queue as Java sees it: submit a request, wait for <em>its</em> completion (matched by
 * user tag) until a deadline, hand results back.
 *
 * <p>Completion delivery depends on the backend:
 *
 * <ul>
 *   <li>asynchronous backends (emu, uadk): one platform reaper thread per queue blocks in {@code
 *       accel_wait}, reaps, and unparks waiters. Callers spin briefly then park, so virtual
 *       threads never sit in native code;
 *   <li>inline (cpu): the request is complete when {@code accel_submit} returns, so the caller
 *       reaps itself (one reaper at a time, as the shim requires) and no thread is started.
 * </ul>
 *
 * <p>Failure rules: EAGAIN is retried for at most the busy budget, then BUSY. A deadline expiry is
 * TIMEOUT, and the request's buffer stays owned by the queue until the device completes it or the
 * queue is destroyed (a lost completion quarantines it until then). EQUEUE or ENODEV marks the
 * queue dead: every waiter fails (QUEUE_ERROR / GONE) and the owner replaces the queue.
 *
 * <p>Batching across callers (ARCHITECTURE.md "Batching"): a request is first put on a lock-free
 * multi-producer pending queue; whoever holds the submit lock (a caller that found the queue
 * idle, the next caller, a waiter, or the reaper after a drain) moves <em>everything</em> pending
 * into the descriptor array and hands it to the shim in one {@code accel_submit} (one downcall,
 * one doorbell). A caller that finds the device idle (fewer requests on it than twice its engines,
 * the {@code saturation} of this queue) submits at once, so an idle queue adds no latency. When the
 * engines are all busy, each with one more request ready, a new request could not start earlier
 * anyway: it is left pending and the
 * reaper flushes everything that accumulated right after the next completions (one doorbell for
 * many callers); a waiter whose request stayed pending for {@link #COALESCE_MAX_NANOS} flushes
 * itself (a safety net for completions that never come). While a downcall is in progress,
 * arrivals likewise accumulate and leave together in the next one. Requests the ring did not accept (EAGAIN) stay first in line for the next
 * flush. {@link #submitAll} queues many requests before one flush (the explicit batch API).
 * Routing policy stays above this class.
 */
public final class DeviceQueue implements AutoCloseable {
  private static final int CQE_BATCH = 64;
  private static final int WAIT_MS = 20; // reaper wake-up period to notice close()
  private static final int SPIN_ITERATIONS = 200;
  // Longest park of a caller whose request is on the device. Completion, queue death and close()
  // all unpark it and the deadline bounds it, so this only guards against a missed unpark: with 1 ms
  // a caller under load (64 callers, ~18 ms per RSA signature on the shared 2-vCPU VM) woke ~17
  // times per request, and each context switch costs ~15-30 us of guest CPU there (issue 5, perf).
  private static final long MAX_PARK_NANOS = 20_000_000;
  private static final long EXPIRY_SCAN_NANOS = 10_000_000; // reaper's deadline scan, at most this often
  private static final int DRAIN_MS = 50; // accel_queue_destroy grace for in-flight requests
  private static final int MAX_BATCH = 256; // descriptors per accel_submit
  private static final long QUEUED_PARK_NANOS = 20_000; // shortest sleep of a queued request (EAGAIN retry)
  // Longest a request waits for the reaper's flush before its caller flushes itself: a safety net
  // only (the reaper flushes after every drain and every WAIT_MS). At 100 us every caller behind a
  // busy device woke up once more per request just to submit; at 2 ms, on the 2-vCPU VM, 64 RSA
  // callers on hpre-920 went from 213 to 144 us host CPU per signature (issue 5, DeviceCpuProbe).
  static final long COALESCE_MAX_NANOS = 2_000_000;

  private final String name;
  private final QueueHandle handle;
  private final BufferPool pool;
  private final boolean inlineCompletion;
  private final long busyRetryNanos;

  private final Arena arena = Arena.ofShared(); // descriptor ring image and out-parameters
  private final ReentrantLock submitLock = new ReentrantLock(); // guards descs/accepted/backlog + sessions
  private final MemorySegment descs; // reusable accel_desc array, batchMax slots
  private final int batchMax;
  private final Request[] batch; // requests behind descs[0..n) during one flush (submitLock)
  private final ConcurrentLinkedQueue<Request> pending = new ConcurrentLinkedQueue<>(); // MPSC
  private final ArrayDeque<Request> backlog = new ArrayDeque<>(); // not accepted last time (submitLock)
  private final int saturation; // requests on the device from which new arrivals wait to coalesce
  private final java.util.concurrent.atomic.AtomicInteger onDevice = new java.util.concurrent.atomic.AtomicInteger();
  private final MemorySegment accepted; // uint32_t out-parameter of accel_submit
  private final ReentrantLock reapLock = new ReentrantLock(); // one thread in accel_reap at a time
  private final MemorySegment cqes; // owned by whoever reaps
  private final MemorySegment got; // uint32_t out-parameter of accel_reap

  private final ConcurrentHashMap<Long, Request> inflight = new ConcurrentHashMap<>();
  private final Set<Session.State> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextTag = new AtomicLong(1);
  private final Thread reaper; // null in inline mode
  // Completions the reaper's current wait asks for (coalesceTarget); 1 when it takes each one.
  private volatile int reaperWant = 1;
  private long nextExpiryScan; // reaper thread only (expireWaiters)
  private volatile int deadStatus; // 0 = alive; else the status that killed the queue
  private volatile boolean closed;
  private volatile int destroyStatus = NativeStatus.OK; // accel_queue_destroy's answer
  private volatile int leakedBuffers; // kept forever because destroy was refused

  // statistics (the reaping thread is single, so maxTagSeen needs no atomics)
  private long maxTagSeen;
  private final LongAdder eagain = new LongAdder();
  private final LongAdder outOfOrder = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder unknownTags = new LongAdder();
  private final LongAdder submits = new LongAdder(); // accel_submit downcalls that took >= 1
  private final LongAdder busySpills = new LongAdder();
  private final LongAdder reaperWakeups = new LongAdder(); // reaper waits that returned completions
  private final Log2Histogram batchSizes = new Log2Histogram();
  private final Log2Histogram deviceBatchSizes; // the owner's, outlives replaced queues (may be null)

  private DeviceQueue(
      String name,
      QueueHandle handle,
      BufferPool pool,
      boolean inlineCompletion,
      long busyRetryNanos,
      Log2Histogram deviceBatchSizes,
      int saturation) {
    this.name = name;
    this.deviceBatchSizes = deviceBatchSizes;
    // Two requests per engine before arrivals wait: one running and one ready, so an engine that
    // finishes starts its next request at once instead of idling through the reaper's hand-off
    // (completion, wake-up, flush). Measured on the 2-vCPU VM, with the 2 ms coalescing window:
    // hpre-920 RSA-2048 at 64 callers 4 992 -> 5 747 signatures/s and 144 -> 109 us host CPU per
    // signature (DeviceCpuProbe); the queue still coalesces everything beyond that.
    this.saturation =
        inlineCompletion || saturation > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : 2 * Math.max(1, saturation);
    this.handle = handle;
    this.pool = pool;
    this.inlineCompletion = inlineCompletion;
    this.busyRetryNanos = busyRetryNanos;
    this.batchMax = Math.max(1, Math.min(MAX_BATCH, handle.depth() - 1));
    this.descs = arena.allocate(Layouts.DESC, batchMax);
    this.batch = new Request[batchMax];
    this.accepted = arena.allocate(Layouts.C_INT);
    this.cqes = arena.allocate(Layouts.CQE, CQE_BATCH);
    this.got = arena.allocate(Layouts.C_INT);
    if (inlineCompletion) {
      reaper = null;
    } else {
      reaper = Thread.ofPlatform().name("accel-reaper-" + name).daemon().unstarted(this::reapLoop);
      reaper.start();
    }
  }

  /**
   * Creates a queue of {@code depth} ring entries on {@code device}.
   *
   * @param inlineCompletion true for backends that complete inside {@code accel_submit} (cpu)
   * @param busyRetryNanos how long EAGAIN is retried before BUSY
   * @throws DeviceException BUSY past the queue budget, GONE when the device is gone, ...
   */
  public static DeviceQueue create(
      String name,
      DeviceHandle device,
      BufferPool pool,
      int depth,
      boolean inlineCompletion,
      long busyRetryNanos)
      throws DeviceException {
    return create(name, device, pool, depth, inlineCompletion, busyRetryNanos, null, Integer.MAX_VALUE);
  }

  /**
   * As above; every batch size is also recorded in {@code deviceBatchSizes} (may be null), and
   * from twice {@code saturation} requests on the device (pass its engine count) new arrivals
   * coalesce.
   */
  public static DeviceQueue create(
      String name,
      DeviceHandle device,
      BufferPool pool,
      int depth,
      boolean inlineCompletion,
      long busyRetryNanos,
      Log2Histogram deviceBatchSizes,
      int saturation)
      throws DeviceException {
    QueueHandle h;
    try {
      h = device.createQueue(depth);
    } catch (NativeException e) {
      throw NativeStatus.toDeviceException(e.code(), "accel_queue_create");
    }
    return new DeviceQueue(name, h, pool, inlineCompletion, busyRetryNanos, deviceBatchSizes, saturation);
  }

  public String name() {
    return name;
  }

  /** Ring entries; at most {@code depth - 1} requests are in flight. */
  public int depth() {
    return handle.depth();
  }

  /** True after a queue-level error or device loss: replace this queue. */
  public boolean isDead() {
    return deadStatus != 0 || closed;
  }

  /** The status that killed the queue, or 0. */
  public int deadStatus() {
    return deadStatus;
  }

  // ---------------------------------------------------------------- synchronous fast path

  /** Threads inside accel_execute_*: close() waits for them before destroying the queue. */
  private final java.util.concurrent.atomic.AtomicInteger executing =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * True when requests can run on the caller's thread without the rings: the cpu backend with a
   * shim that has {@code accel_execute_gcm}/{@code accel_execute_digest}. Heap arrays go to C
   * without a copy (critical downcall), and threads do not serialise on the queue.
   */
  public boolean canExecuteInline() {
    return inlineCompletion && dev.accel.ffm.Shim.hasExecute();
  }

  private void enterExecute() throws DeviceException {
    executing.incrementAndGet();
    if (isDead()) {
      executing.decrementAndGet();
      throw new DeviceException(DeviceException.Reason.GONE, NativeStatus.ENODEV, name + " closed");
    }
  }

  /**
   * AES-GCM seal or open on the caller's thread ({@link #canExecuteInline()} only): {@code src}
   * to {@code dst} ({@code len} bytes each), the tag at {@code tag[tagOff..]} (written by seal,
   * read by open). Bounded by the caller to {@link dev.accel.ffm.Shim#EXECUTE_MAX_BYTES}.
   *
   * @return {@link NativeStatus#OK} or {@link NativeStatus#EBADMSG} (open; dst is then zeroed)
   */
  public int executeGcm(
      Session session, int op, byte[] iv, byte[] aad, int aadOff, int aadLen, byte[] src, int srcOff,
      int len, byte[] dst, int dstOff, byte[] tag, int tagOff, int tagLen)
      throws DeviceException {
    if (session.state.queue != this) {
      throw new IllegalArgumentException("session belongs to another queue");
    }
    // The shim gets array + offset: these checks are all that keeps C inside the arrays.
    if (iv.length == 0 || iv.length > HeapSegments.IV_SCRATCH_BYTES) {
      throw new IllegalArgumentException("GCM IV of " + iv.length + " bytes on the fast path");
    }
    if (aadLen > 0) {
      Objects.checkFromIndexSize(aadOff, aadLen, aad.length);
    }
    if (len > 0) {
      Objects.checkFromIndexSize(srcOff, len, src.length);
      Objects.checkFromIndexSize(dstOff, len, dst.length);
    }
    Objects.checkFromIndexSize(tagOff, tagLen, tag.length);
    enterExecute();
    try {
      if (!session.retain()) {
        throw new DeviceException(DeviceException.Reason.GONE, 0, "session closed (key destroyed)");
      }
      int st;
      try {
        HeapSegments hs = HeapSegments.current();
        st =
            handle.executeGcm(
                session.id(), op, hs.iv(iv), 0, iv.length, aadLen == 0 ? MemorySegment.NULL : hs.of(aad),
                aadOff, aadLen, len == 0 ? MemorySegment.NULL : hs.of(src), srcOff, len,
                len == 0 ? MemorySegment.NULL : hs.of(dst), dstOff, hs.of(tag), tagOff, tagLen);
      } finally {
        session.state.release();
      }
      completed.increment(); // counted like a reaped completion
      if (st == NativeStatus.OK || st == NativeStatus.EBADMSG) {
        return st;
      }
      throw NativeStatus.toDeviceException(st, name + ": " + Opcode.name(op));
    } finally {
      executing.decrementAndGet();
    }
  }

  /** A digest on the caller's thread ({@link #canExecuteInline()} only). */
  public void executeDigest(int op, byte[] in, int off, int len, byte[] out, int outOff, int outLen)
      throws DeviceException {
    if (len > 0) {
      Objects.checkFromIndexSize(off, len, in.length);
    }
    Objects.checkFromIndexSize(outOff, outLen, out.length);
    enterExecute();
    try {
      HeapSegments hs = HeapSegments.current();
      int st =
          handle.executeDigest(
              op, len == 0 ? MemorySegment.NULL : hs.of(in), off, len, hs.of(out), outOff, outLen);
      completed.increment(); // counted like a reaped completion
      if (st != NativeStatus.OK) {
        throw NativeStatus.toDeviceException(st, name + ": " + Opcode.name(op));
      }
    } finally {
      executing.decrementAndGet();
    }
  }

  /** True when {@link #executeRsa} is available (cpu backend with a shim that has it). */
  public boolean canExecuteRsa() {
    return canExecuteInline() && dev.accel.ffm.Shim.hasExecuteRsa();
  }

  /**
   * Raw RSA ({@code op} RSA_PRIV_CRT or RSA_PUB) of {@code in[0..len)} into {@code
   * out[outOff..outOff+len)} on the caller's thread ({@link #canExecuteRsa()} only): no request
   * object, no native buffer, no copy.
   *
   * @return the shim status ({@link NativeStatus#OK} or an error code)
   */
  public int executeRsa(Session session, int op, byte[] in, int len, byte[] out, int outOff)
      throws DeviceException {
    int st = inlineRsa(session, false, op, in, len, out, outOff, len);
    completed.increment(); // counted like a reaped completion
    return st;
  }

  /**
   * One RSA downcall on the caller's thread with {@code session} pinned: {@code
   * accel_execute_rsa}, or {@code accel_rsa_host} when {@code host}. Heap arrays go to the shim
   * whole, as segments plus offsets.
   */
  private int inlineRsa(
      Session session, boolean host, int op, byte[] in, int inLen, byte[] out, int outOff, int outLen)
      throws DeviceException {
    if (session.state.queue != this) {
      throw new IllegalArgumentException("session belongs to another queue");
    }
    // The shim gets whole arrays: these checks are all that keeps C inside them.
    Objects.checkFromIndexSize(0, inLen, in.length);
    Objects.checkFromIndexSize(outOff, outLen, out.length);
    enterExecute();
    try {
      if (!session.retain()) {
        throw new DeviceException(DeviceException.Reason.GONE, 0, "session closed (key destroyed)");
      }
      try {
        HeapSegments hs = HeapSegments.current();
        return host
            ? handle.rsaHost(session.id(), op, hs.of(in), 0, inLen, hs.of(out), outOff, outLen)
            : handle.executeRsa(session.id(), op, hs.of(in), 0, inLen, hs.of(out), outOff, outLen);
      } finally {
        session.state.release();
      }
    } finally {
      executing.decrementAndGet();
    }
  }

  /** True when {@link #rsaHost} is available (cpu backend with a shim that has it). */
  public boolean canRsaHost() {
    return canExecuteInline() && dev.accel.ffm.Shim.hasRsaHost();
  }

  /**
   * The host's arithmetic around another device's RSA private-key operation ({@code op} {@link
   * dev.accel.ffm.Shim#RSA_HOST_BLIND} or {@link dev.accel.ffm.Shim#RSA_HOST_UNBLIND}) on {@code
   * session}'s key, on the caller's thread ({@link #canRsaHost()} only): {@code in[0..inLen)} to
   * {@code out[outOff..outOff+outLen)}, no copy.
   *
   * @return the shim status ({@link NativeStatus#OK}, {@link NativeStatus#EIO} when the fault check
   *     fails, or another error code)
   */
  public int rsaHost(Session session, int op, byte[] in, int inLen, byte[] out, int outOff, int outLen)
      throws DeviceException {
    return inlineRsa(session, true, op, in, inLen, out, outOff, outLen);
  }

  /** True when {@link #executeDigestBatch} is available (cpu backend with a multi-buffer shim). */
  public boolean canExecuteDigestBatch() {
    return canExecuteInline() && dev.accel.ffm.Shim.hasDigestBatch();
  }

  /**
   * {@code n} digests on the caller's thread ({@link #canExecuteDigestBatch()} only): message i is
   * {@code lens[i]} bytes of {@code data}, right after message i-1; digest i lands at {@code
   * out[i * outLen ..]}. Multi-buffer kernels hash several messages at once (AVX-512 lanes).
   */
  public void executeDigestBatch(int op, byte[] data, int[] lens, int n, byte[] out, int digestLen)
      throws DeviceException {
    if (n < 0 || n > lens.length || n > dev.accel.ffm.Shim.DIGEST_BATCH_MAX) {
      throw new IllegalArgumentException("digest batch of " + n + " messages");
    }
    long total = 0;
    for (int i = 0; i < n; i++) {
      if (lens[i] < 0) {
        throw new IllegalArgumentException("negative message length");
      }
      total += lens[i];
    }
    // The shim gets whole arrays: these checks are all that keeps C inside them.
    Objects.checkFromIndexSize(0, total, data.length);
    Objects.checkFromIndexSize(0, (long) n * digestLen, out.length);
    enterExecute();
    try {
      HeapSegments hs = HeapSegments.current();
      int st =
          handle.executeDigestBatch(
              op, total == 0 ? MemorySegment.NULL : hs.of(data), 0, MemorySegment.ofArray(lens), 0, n,
              hs.of(out), 0, (long) n * digestLen);
      completed.add(n); // counted like reaped completions
      if (st != NativeStatus.OK) {
        throw NativeStatus.toDeviceException(st, name + ": digest batch");
      }
    } finally {
      executing.decrementAndGet();
    }
  }

  // ---------------------------------------------------------------- requests

  /** A new request with a pooled buffer of at least {@code bufferBytes}. */
  public Request newRequest(long bufferBytes) throws DeviceException {
    return new Request(pool.acquire(bufferBytes));
  }

  /**
   * Submits {@code r} (with {@code session}, or {@code null} for digests) and waits until its
   * completion or {@code deadlineNanoTime} ({@link System#nanoTime()} scale).
   *
   * @return the completion status: {@link NativeStatus#OK} or {@link NativeStatus#EBADMSG}
   * @throws DeviceException for every other outcome
   */
  public int execute(Request r, Session session, long deadlineNanoTime) throws DeviceException {
    enqueue(r, session);
    if (onDevice.get() < saturation) {
      flush(); // idle engines: go now
    } // else the reaper flushes it with the others after the next completion
    return await(r, deadlineNanoTime);
  }

  /**
   * Queues every request (with the session at the same index, or null) and flushes them in one
   * submission (more only when they exceed the ring's free slots or {@link #batchMax()}). Then
   * wait for each with {@link #await}. If queueing fails part-way, the requests already queued
   * are still submitted and must be awaited; the exception says how many were queued.
   */
  public void submitAll(List<Request> requests, List<Session> sessionsOf) throws DeviceException {
    if (requests.size() != sessionsOf.size()) {
      throw new IllegalArgumentException("one session (or null) per request");
    }
    Group g = new Group(requests.size());
    int queued = 0;
    try {
      for (int i = 0; i < requests.size(); i++) {
        enqueue(requests.get(i), sessionsOf.get(i), null, g);
        queued++;
      }
    } finally {
      g.open.addAndGet(queued - requests.size()); // those never queued never complete
      if (queued > 0) {
        wantCompletions(queued);
      }
      flush();
    }
  }

  /**
   * The requests of one {@link #submitAll}: a completion wakes their caller only when it was the
   * last one ({@link #awaitAll}), so a batch of 16 costs its caller one wake-up, not one per
   * completion as 8 engines finish them at different times (each a context switch of 15-30 us
   * of guest CPU on the 2-vCPU VM, issue 5).
   */
  static final class Group {
    final AtomicInteger open; // requests not completed yet
    volatile Thread waiter; // the thread in awaitAll, or null
    volatile boolean individual; // a request of it is awaited alone: its completion is wanted now
    volatile long parkDeadline; // the untimed-parked waiter's deadline, or 0 (expireWaiters)

    Group(int n) {
      open = new AtomicInteger(n);
    }
  }

  /**
   * Waits until every request of one {@link #submitAll} has completed, parking once rather than
   * once per request; returns early (without throwing) when the ring refused one (its busy budget
   * runs: {@link #await} flushes and withdraws it), the queue died or closed, or the deadline
   * passed. Then {@link #await} each request: it returns at once for a completed one and decides
   * every other case exactly as without this call.
   */
  public void awaitAll(List<Request> requests, long deadlineNanoTime) {
    Group g = null;
    for (Request r : requests) {
      if (r.group != null) {
        g = r.group;
        break;
      }
    }
    if (g == null) {
      return;
    }
    // Volatile write before the count read below; a completer decrements before it reads the
    // waiter, so one of the two sees the other (no lost unpark).
    g.waiter = Thread.currentThread();
    while (g.open.get() > 0) {
      if (deadStatus != 0 || closed) {
        return;
      }
      for (Request r : requests) {
        // Refused by a full ring: its busy budget is await's to keep. A member merely behind
        // another thread's flush leaves with that flush or the reaper's next one.
        if (r.group == g && r.state.get() == Request.QUEUED && r.busyDeadline != 0) {
          return;
        }
      }
      long now = System.nanoTime();
      if (now - deadlineNanoTime >= 0) {
        return;
      }
      g.parkDeadline = deadlineNanoTime; // for expireWaiters, before the park (see parkUntil)
      parkUntil(deadlineNanoTime, MAX_PARK_NANOS);
    }
  }

  /** Wakes whoever waits for {@code r}, which just completed (its state CAS succeeded). */
  private static void wakeCompleted(Request r) {
    Group g = r.group;
    if (g != null && g.open.decrementAndGet() == 0) {
      LockSupport.unpark(g.waiter);
    }
    LockSupport.unpark(r.waiter); // null (no-op) while its caller waits in awaitAll
  }

  /** Wakes every thread that may wait for {@code r} (the queue died or closes). */
  private static void wakeAll(Request r) {
    LockSupport.unpark(r.waiter);
    Group g = r.group;
    if (g != null) {
      LockSupport.unpark(g.waiter);
    }
  }

  /** Puts {@code r} on the pending queue (it leaves with the next flush). */
  public void enqueue(Request r, Session session) throws DeviceException {
    enqueue(r, session, Thread.currentThread(), null);
  }

  /**
   * As above, with the thread that completion unparks ({@code null}: none until {@link #await}
   * names it) and the {@link Group} of a {@link #submitAll} (or null). A batch has no waiter
   * until its caller awaits each request in turn: otherwise every completion of the batch would
   * wake the caller while it waits for another one (16 wake-ups for 16 signatures, each a context
   * switch of 15-30 us on the 2-vCPU VM, issue 5).
   */
  private void enqueue(Request r, Session session, Thread waiter, Group group) throws DeviceException {
    if (r.state.get() != Request.NEW) {
      throw new IllegalStateException("request already submitted");
    }
    checkAlive();
    if (session != null) {
      if (session.state.queue != this) {
        throw new IllegalArgumentException("session belongs to another queue");
      }
      if (!session.retain()) {
        throw new DeviceException(DeviceException.Reason.GONE, 0, "session closed (key destroyed)");
      }
      r.session = session;
    }
    r.tag = nextTag.getAndIncrement();
    r.waiter = waiter;
    r.group = group; // before any other thread's flush can submit (and complete) it
    r.queuedAt = System.nanoTime();
    r.busyDeadline = 0; // the busy budget starts at the first EAGAIN
    r.state.set(Request.QUEUED);
    inflight.put(r.tag, r); // before submit: the reaper may see the completion first
    pending.add(r);
    if (waiter != null) {
      wantCompletions(1);
    }
  }

  /**
   * Submits everything pending if no other thread is doing so right now (a thread inside the
   * lock re-checks the pending queue after each downcall, so nothing is stranded).
   */
  public void flush() {
    while (!pending.isEmpty() || hasBacklog) {
      if (!submitLock.tryLock()) {
        return; // the holder flushes what we queued after its downcall returns
      }
      try {
        if (!flushLocked()) {
          return; // ring full or queue dead: waiters and the reaper retry
        }
      } finally {
        submitLock.unlock();
      }
    }
  }

  /**
   * Releases the submit lock taken for something other than a flush; flushes what arrived
   * meanwhile (those callers' tryLock failed and they count on the holder).
   */
  private void unlockAndFlush() {
    submitLock.unlock();
    flush();
  }

  private volatile boolean hasBacklog; // backlog non-empty (read without the lock)

  /** One or more accel_submit calls; false when the ring stopped accepting. submitLock held. */
  private boolean flushLocked() {
    while (true) {
      if (closed || deadStatus != 0) {
        return false;
      }
      int n = 0;
      while (n < batchMax) {
        Request r = backlog.pollFirst();
        if (r == null) {
          r = pending.poll();
        }
        if (r == null) {
          break;
        }
        if (!r.state.compareAndSet(Request.QUEUED, Request.SUBMITTED)) {
          continue; // its caller gave up (busy budget, deadline, dead queue) and owns it again
        }
        writeDesc(descs.asSlice(n * Layouts.DESC.byteSize(), Layouts.DESC.byteSize()), r);
        batch[n++] = r;
      }
      hasBacklog = !backlog.isEmpty();
      if (n == 0) {
        return true;
      }
      // Counted on the device before the downcall: the reaper may complete one before it returns.
      for (int i = 0; i < n; i++) {
        batch[i].onDevice = true;
      }
      onDevice.addAndGet(n);
      int rc = handle.submit(descs, n, accepted);
      int took = Math.max(0, Math.min(n, accepted.get(Layouts.C_INT, 0)));
      for (int i = took; i < n; i++) {
        Request r = batch[i]; // never seen by the device: uncount, and reset for a later flush
        if (r.offDevice.compareAndSet(false, true)) {
          onDevice.decrementAndGet();
        }
        r.onDevice = false;
        r.offDevice.set(false);
      }
      if (took > 0) {
        submits.increment();
        batchSizes.record(took);
        if (deviceBatchSizes != null) {
          deviceBatchSizes.record(took);
        }
      }
      if (took < n) {
        boolean fatal = rc == NativeStatus.EQUEUE || rc == NativeStatus.ENODEV;
        boolean retry = rc == NativeStatus.EAGAIN || rc == NativeStatus.OK;
        for (int i = n - 1; i >= took; i--) {
          Request r = batch[i];
          batch[i] = null;
          if (!retry && !fatal && i == took) {
            // The shim refused this descriptor (EINVAL, ENOTSUP, ...): it fails alone.
            r.status = rc;
            inflight.remove(r.tag);
            unpin(r);
            if (r.state.compareAndSet(Request.SUBMITTED, Request.COMPLETED)) {
              wakeCompleted(r);
            } else {
              pool.release(r.buffer, r.usedBytes); // abandoned meanwhile
            }
            continue;
          }
          boolean budgetStarts = retry && r.busyDeadline == 0;
          if (budgetStarts) {
            r.busyDeadline = System.nanoTime() + busyRetryNanos;
          }
          if (!r.state.compareAndSet(Request.SUBMITTED, Request.QUEUED)) {
            // Abandoned while we held it, but the device never saw it: free it here.
            inflight.remove(r.tag);
            unpin(r);
            pool.release(r.buffer, r.usedBytes);
            continue;
          }
          backlog.addFirst(r);
          if (budgetStarts) {
            wakeAll(r); // its caller may sleep without a timeout (await, awaitAll): the budget needs one
          }
        }
        hasBacklog = !backlog.isEmpty();
        for (int i = 0; i < took; i++) {
          batch[i] = null;
        }
        if (fatal) {
          markDead(rc);
          return false;
        }
        if (retry) {
          eagain.increment(); // waiters (inline: after reaping) and the reaper flush again
          return false;
        }
        continue; // the rest of the batch goes in the next downcall
      }
      for (int i = 0; i < took; i++) {
        batch[i] = null;
      }
    }
  }

  // Pointers are written as 64-bit integers: C_POINTER is 8 bytes on every supported platform.
  private static void writeDesc(MemorySegment d, Request r) {
    long base = r.buffer.address();
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_USER_TAG, r.tag);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_SESSION, r.session == null ? 0 : r.session.id());
    d.set(Layouts.C_INT, Layouts.DESC_OP, r.op);
    d.set(Layouts.C_INT, Layouts.DESC_FLAGS, 0);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_SRC, base + r.srcOff);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_SRC_LEN, r.srcLen);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_DST, base + r.dstOff);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_DST_LEN, r.dstLen);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_AAD, r.aadLen == 0 ? 0 : base + r.aadOff);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_AAD_LEN, r.aadLen);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_IV, r.ivLen == 0 ? 0 : base + r.ivOff);
    d.set(Layouts.C_INT, Layouts.DESC_IV_LEN, r.ivLen);
    d.set(Layouts.C_INT, Layouts.DESC_TAG_LEN, r.tagLen);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_TAG, r.tagLen == 0 ? 0 : base + r.tagOff);
  }

  /**
   * Waits for a request given to {@link #enqueue} / {@link #submitAll}: a short spin, then parks
   * (never a native call on the caller's thread except the flush). A request still queued past
   * its busy budget is withdrawn (BUSY); past the deadline, TIMEOUT.
   *
   * @return {@link NativeStatus#OK} or {@link NativeStatus#EBADMSG}
   */
  public int await(Request r, long deadlineNanoTime) throws DeviceException {
    // A device RSA private-key operation takes tens to hundreds of microseconds (DEVICE-MODEL.md:
    // ~80 us for RSA-2048 on HPRE), far beyond what a spin can catch: its caller parks at once
    // rather than burn ~10 us of host CPU per signature spinning (issue 5, DeviceCpuProbe).
    int spinLimit = r.op == Opcode.RSA_PRIV_CRT ? 0 : SPIN_ITERATIONS;
    int spins = 0;
    Thread me = Thread.currentThread();
    if (r.waiter != me) {
      // Volatile write before the state reads below; a completer sets the state before it reads
      // the waiter, so one of the two sees the other (no lost unpark).
      r.waiter = me;
    }
    Group g = r.group;
    if (g != null && !g.individual && r.state.get() != Request.COMPLETED) {
      g.individual = true; // awaited alone from now on: the reaper must not wait for the batch
      wantCompletions(1);
    }
    while (true) {
      int st = r.state.get();
      if (st == Request.COMPLETED) {
        return result(r);
      }
      if (st == Request.QUEUED) {
        long now = System.nanoTime();
        int dead = deadStatus;
        long busy = r.busyDeadline;
        boolean overBudget = (busy != 0 && now - busy >= 0) || now - deadlineNanoTime >= 0;
        if (dead != 0 || closed || overBudget) {
          if (r.state.compareAndSet(Request.QUEUED, Request.NEW)) {
            inflight.remove(r.tag);
            unpin(r); // the device never saw it; the caller owns the buffer again
            if (dead != 0) {
              throw NativeStatus.toDeviceException(dead, name + ": queue failed before submission");
            }
            if (closed) {
              throw new DeviceException(DeviceException.Reason.GONE, NativeStatus.ECANCELED, name + " closed");
            }
            busySpills.increment();
            throw new DeviceException(
                DeviceException.Reason.BUSY, NativeStatus.EAGAIN, name + ": queue full (EAGAIN) beyond the busy budget");
          }
          continue; // a flush claimed it meanwhile
        }
        if (inlineCompletion) {
          reapInline(); // our own unreaped completions may be what fills the ring
        }
        long waited = now - r.queuedAt;
        if (onDevice.get() < saturation || waited >= COALESCE_MAX_NANOS) {
          flush();
        }
        if (r.state.get() == Request.QUEUED) {
          if (spins++ < Math.min(16, spinLimit)) {
            Thread.onSpinWait();
          } else if (reaper != null && busy == 0) {
            // Waiting behind a busy device, not a full ring: the reaper flushes it after its next
            // drain (at the latest after WAIT_MS), and its completion unparks this caller. Sleeping
            // only until the coalescing window ran out instead woke every caller once more per
            // request (~10 ms per RSA signature at 64 callers, 2 ms window): a timer and a context
            // switch for nothing (issue 5, DeviceCpuProbe). A ring that refuses it sets the busy
            // budget and unparks this caller (flushLocked), which then sleeps by the branch below.
            r.parkDeadline = deadlineNanoTime; // for expireWaiters, before the park (see parkUntil)
            parkUntil(deadlineNanoTime, MAX_PARK_NANOS);
          } else {
            // The reaper flushes everything pending after each drain, so a queued request needs
            // no polling: sleep until this caller's own flush is due (the coalescing window, or
            // the busy budget / deadline if sooner). Polling every few microseconds instead cost
            // 64 parked callers on 2 cores most of their host CPU (issue 5, DeviceCpuProbe).
            long until = Math.max(COALESCE_MAX_NANOS - waited, QUEUED_PARK_NANOS);
            if (busy != 0) {
              until = Math.min(until, busy - now);
            }
            until = Math.min(until, deadlineNanoTime - now);
            LockSupport.parkNanos(this, Math.max(1, until));
          }
        }
        continue;
      }
      if (st == Request.NEW) {
        throw new IllegalStateException("request was not submitted");
      }
      if (inlineCompletion) {
        // Only inline-completion queues reap on the caller's thread. Reaping while spinning on an
        // asynchronous queue was tried (issue 5, low-load latency): it did not shorten the Java
        // path's round trip on the emulated device (~110-175 us either way on the loaded 2-vCPU
        // VM, whatever the spin length) and it costs host CPU per request, so the reaper thread
        // delivers completions. accel_wait lets a reap run beside it should that change.
        reapInline();
        if (r.state.get() == Request.COMPLETED) {
          return result(r);
        }
      }
      if (spins < spinLimit && deadStatus == 0 && !closed) {
        // The spin reads no clock (a nanoTime costs more than the pause on this VM); the deadline
        // is checked once it is over, at most a few microseconds late.
        spins++;
        Thread.onSpinWait();
        continue;
      }
      int dead = deadStatus;
      long now = System.nanoTime();
      boolean expired = now - deadlineNanoTime >= 0;
      if (dead != 0 || closed || expired) {
        if (r.state.compareAndSet(Request.SUBMITTED, Request.ABANDONED)) {
          // The device may still write the buffer: it stays in `inflight` (quarantined) until
          // its completion arrives or the queue is destroyed.
          if (dead != 0) {
            throw NativeStatus.toDeviceException(dead, name + ": queue failed with the request in flight");
          }
          if (closed) {
            throw new DeviceException(DeviceException.Reason.GONE, NativeStatus.ECANCELED, name + " closed");
          }
          timeouts.increment();
          leftDevice(r);
          throw new DeviceException(
              DeviceException.Reason.TIMEOUT, NativeStatus.ETIMEDOUT, name + ": no completion before the deadline");
        }
        if (r.state.get() == Request.COMPLETED) {
          return result(r);
        }
        // close() abandoned it for us.
        throw new DeviceException(DeviceException.Reason.GONE, NativeStatus.ECANCELED, name + " closed");
      }
      r.parkDeadline = deadlineNanoTime; // for expireWaiters, before the park (see parkUntil)
      parkUntil(deadlineNanoTime, inlineCompletion ? 20_000 : MAX_PARK_NANOS);
    }
  }

  private int result(Request r) throws DeviceException {
    int st = r.status;
    if (st == NativeStatus.OK || st == NativeStatus.EBADMSG) {
      return st;
    }
    throw NativeStatus.toDeviceException(st, r.detail, name + ": " + Opcode.name(r.op));
  }

  /**
   * Ends the caller's use of {@code r}: its buffer goes back to the pool, unless the device may
   * still touch it (then the queue releases it later).
   */
  public void release(Request r) {
    int s = r.state.get();
    if (s == Request.NEW || s == Request.COMPLETED) {
      pool.release(r.buffer, r.usedBytes);
    }
  }

  private static void unpin(Request r) {
    Session s = r.session;
    if (s != null) {
      r.session = null;
      s.state.release();
    }
  }

  // ---------------------------------------------------------------- completions

  private void reapLoop() {
    try {
      reapUntilClosed();
    } catch (RuntimeException | Error e) {
      // Virtual-thread waiters park without a timeout and rely on this thread (expireWaiters):
      // it must never end silently while they wait.
      if (!closed) {
        markDead(NativeStatus.EQUEUE);
      }
      throw e;
    }
  }

  private void reapUntilClosed() {
    while (!closed) {
      expireWaiters();
      int want = coalesceTarget();
      int rc = want > 1 ? handle.awaitN(want, WAIT_MS) : handle.await(WAIT_MS);
      if (rc == NativeStatus.ETIMEDOUT) {
        flush(); // nothing completed: send what waits anyway (lost completions hold no slot here)
        continue;
      }
      if (rc != NativeStatus.OK) {
        if (!closed) {
          markDead(rc);
        }
        return;
      }
      reaperWakeups.increment();
      boolean alive;
      reapLock.lock(); // callers spinning on their own completion reap too (reapInline)
      try {
        alive = closed || drain();
      } finally {
        reapLock.unlock();
      }
      if (!alive || closed) {
        return;
      }
      flush(); // slots just freed: send what the full ring left pending
    }
  }

  /**
   * Wakes virtual-thread waiters whose deadline has passed: they park without a timeout (see
   * {@link #parkUntil}), so this thread keeps their deadlines, at most every {@link
   * #EXPIRY_SCAN_NANOS} and at least every {@link #WAIT_MS} (its own longest wait), i.e. a
   * missed deadline is noticed up to ~30 ms late (deadlines are in seconds).
   */
  private void expireWaiters() {
    long now = System.nanoTime();
    if (now - nextExpiryScan < 0) {
      return;
    }
    nextExpiryScan = now + EXPIRY_SCAN_NANOS;
    for (Request r : inflight.values()) {
      long d = r.parkDeadline;
      if (d != 0 && now - d >= 0) {
        LockSupport.unpark(r.waiter);
      }
      Group g = r.group;
      if (g != null) {
        long gd = g.parkDeadline;
        if (gd != 0 && now - gd >= 0) {
          LockSupport.unpark(g.waiter);
        }
      }
    }
  }

  /**
   * Parks the calling waiter until unparked or about {@code deadlineNanoTime}. A timed park of a
   * virtual thread arms a timer on the scheduler's delay thread: DeviceCpuProbe saw that thread
   * switch twice per batch of 16 signatures, as often as both carriers together (issue 5). So on
   * a queue with a reaper thread a virtual thread parks untimed, the caller having published its
   * deadline (Request/Group {@code parkDeadline}) for {@link #expireWaiters}; completion, queue
   * death and close unpark it as before. Platform threads park with a timeout (a futex timeout
   * costs no other thread anything).
   */
  private void parkUntil(long deadlineNanoTime, long maxNanos) {
    if (reaper != null && Thread.currentThread().isVirtual()) {
      LockSupport.park(this);
    } else {
      LockSupport.parkNanos(this, Math.max(1, Math.min(deadlineNanoTime - System.nanoTime(), maxNanos)));
    }
  }

  /**
   * How many completions the reaper may sleep through (accel_wait_n, like io_uring's
   * min_complete). When every request in flight belongs to a batch awaited as a whole ({@link
   * #awaitAll}), no caller can be woken by fewer completions than the smallest batch still needs:
   * one wake-up per batch instead of one per completion (issue 5). Anything else in flight or
   * pending (a single request, a batch member awaited alone, a request waiting for ring space that
   * a completion would let in) needs each completion at once: 1. Nothing at all: {@code
   * Integer.MAX_VALUE}, and whoever queues next limits the wait to what it needs ({@link
   * #wantCompletions}). Publishes the answer in {@link #reaperWant} before reading the requests,
   * so that a request queued meanwhile either is seen here or sees a wait it must limit.
   */
  private int coalesceTarget() {
    reaperWant = Integer.MAX_VALUE;
    int want = Integer.MAX_VALUE;
    if (!pending.isEmpty() || hasBacklog) {
      want = 1;
    } else {
      for (Request r : inflight.values()) {
        Group g = r.group;
        if (g == null || g.individual) {
          want = 1;
          break;
        }
        want = Math.min(want, Math.max(1, g.open.get()));
      }
    }
    reaperWant = want;
    return want;
  }

  /**
   * Requests were just queued (after {@link #inflight} has them, or a batch member was marked as
   * awaited alone) whose caller can be woken by {@code n} completions: if the reaper is (or is
   * about to be) in a wait for more, {@code n} are enough (accel_wait_limit; it only ever lowers
   * the count, until that wait returns).
   */
  private void wantCompletions(int n) {
    if (reaperWant > n && !closed) {
      try {
        handle.limitWait(n);
      } catch (IllegalStateException handleClosed) {
        // closed meanwhile: no reaper is waiting any more
      }
    }
  }

  private void reapInline() {
    if (reapLock.tryLock()) {
      try {
        if (!closed && deadStatus == 0) {
          drain();
        }
      } finally {
        reapLock.unlock();
      }
    }
  }

  /** Reaps until the completion ring is empty; false if the queue died. Under {@link #reapLock}. */
  private boolean drain() {
    while (true) {
      int rc = handle.reap(cqes, CQE_BATCH, got);
      if (rc == NativeStatus.EALREADY) {
        return true; // uadk: the reaper thread is polling the hardware; it will deliver
      }
      if (rc != NativeStatus.OK) {
        markDead(rc);
        return false;
      }
      int n = got.get(Layouts.C_INT, 0);
      for (int i = 0; i < n; i++) {
        long base = i * Layouts.CQE.byteSize();
        dispatch(
            cqes.get(Layouts.C_LONG_LONG, base + Layouts.CQE_USER_TAG),
            cqes.get(Layouts.C_INT, base + Layouts.CQE_STATUS),
            cqes.get(Layouts.C_INT, base + Layouts.CQE_OUT_LEN),
            cqes.get(Layouts.C_INT, base + Layouts.CQE_DETAIL));
      }
      if (n < CQE_BATCH) {
        return true;
      }
    }
  }

  private void dispatch(long tag, int status, int outLen, int detail) {
    Request r = inflight.remove(tag);
    if (r != null) {
      leftDevice(r);
    }
    if (r == null) {
      unknownTags.increment(); // a shim bug; nothing to wake
      return;
    }
    completed.increment();
    if (tag < maxTagSeen) {
      outOfOrder.increment();
    } else {
      maxTagSeen = tag;
    }
    r.status = status;
    r.outLen = outLen;
    r.detail = detail;
    unpin(r); // the device is done with the session
    if (r.state.compareAndSet(Request.SUBMITTED, Request.COMPLETED)) {
      wakeCompleted(r);
    } else {
      pool.release(r.buffer, r.usedBytes); // abandoned earlier: now it is safe to reuse
    }
  }

  /** The request no longer occupies an engine (completed, or given up on: likely lost). */
  private void leftDevice(Request r) {
    if (r.onDevice && r.offDevice.compareAndSet(false, true)) {
      onDevice.decrementAndGet();
    }
  }

  private void markDead(int status) {
    if (deadStatus == 0) {
      deadStatus = status;
    }
    for (Request r : inflight.values()) {
      wakeAll(r);
    }
  }

  private void checkAlive() throws DeviceException {
    int dead = deadStatus;
    if (dead != 0) {
      throw NativeStatus.toDeviceException(dead, name + " is dead");
    }
    if (closed) {
      throw new DeviceException(DeviceException.Reason.GONE, NativeStatus.ECANCELED, name + " closed");
    }
  }

  // ---------------------------------------------------------------- sessions

  /** The session of {@code key} on this queue, created on first use and cached on the key. */
  public Session aesSession(AesKeyMaterial key) throws DeviceException {
    Session hit = key.cached(this); // per-record fast path: TLS re-inits with the same key
    if (hit != null) {
      checkAlive();
      return hit;
    }
    return cachedSession(() -> key.derived(this, k -> createAesSession(k)));
  }

  /** The session of {@code key} on this queue (CRT parts included when the key has them). */
  public Session rsaSession(RsaKeyMaterial key) throws DeviceException {
    Session hit = key.cached(this); // per-signature fast path: no capturing lambdas
    if (hit != null) {
      checkAlive();
      return hit;
    }
    return cachedSession(() -> key.derived(this, k -> createRsaSession(k)));
  }

  private interface SessionLookup {
    Session get();
  }

  private static final class SessionFailure extends RuntimeException {
    final DeviceException cause;

    SessionFailure(DeviceException cause) {
      super(cause.getMessage(), null, false, false);
      this.cause = cause;
    }
  }

  private Session cachedSession(SessionLookup lookup) throws DeviceException {
    checkAlive();
    try {
      return lookup.get();
    } catch (SessionFailure f) {
      throw f.cause;
    }
  }

  private Session createAesSession(AesKeyMaterial key) {
    byte[] raw = key.rawKey();
    return createSession(
        Opcode.FAMILY_AEAD,
        key,
        List.of(),
        arena -> {
          MemorySegment k = arena.allocate(raw.length);
          MemorySegment.copy(raw, 0, k, Layouts.C_CHAR, 0, raw.length);
          return k;
        });
  }

  private Session createRsaSession(RsaKeyMaterial key) {
    List<MemorySegment> parts = new ArrayList<>(); // wiped after the shim copied them
    return createSession(
        Opcode.FAMILY_RSA,
        key,
        parts,
        arena -> {
          MemorySegment s = arena.allocate(Layouts.RSA_KEY); // zeroed: absent parts have len 0
          s.set(Layouts.C_INT, Layouts.RSA_N_BITS, key.modulusBits());
          s.set(Layouts.C_INT, Layouts.RSA_FLAGS, key.hasCrt() ? Layouts.RSA_KEY_HAS_CRT : 0);
          putBn(arena, parts, s, Layouts.RSA_N, key.modulus());
          putBn(arena, parts, s, Layouts.RSA_E, key.publicExponent());
          if (key.hasCrt()) {
            putBn(arena, parts, s, Layouts.RSA_P, key.p());
            putBn(arena, parts, s, Layouts.RSA_Q, key.q());
            putBn(arena, parts, s, Layouts.RSA_DP, key.dp());
            putBn(arena, parts, s, Layouts.RSA_DQ, key.dq());
            putBn(arena, parts, s, Layouts.RSA_QINV, key.qinv());
          }
          return s;
        });
  }

  /** Writes {@code v} as a big-endian unsigned magnitude (no sign byte) into an accel_bn. */
  private static void putBn(
      Arena arena, List<MemorySegment> parts, MemorySegment key, long bnOff, BigInteger v) {
    if (v == null) {
      return;
    }
    byte[] b = unsignedMagnitude(v);
    MemorySegment data = arena.allocate(Math.max(1, b.length));
    parts.add(data);
    MemorySegment.copy(b, 0, data, Layouts.C_CHAR, 0, b.length);
    Arrays.fill(b, (byte) 0);
    key.set(Layouts.C_POINTER, bnOff + Layouts.BN_DATA, data);
    key.set(Layouts.C_INT, bnOff + Layouts.BN_LEN, b.length);
  }

  /** Big-endian magnitude of a non-negative integer without the two's-complement sign byte. */
  static byte[] unsignedMagnitude(BigInteger v) {
    if (v.signum() < 0) {
      throw new IllegalArgumentException("negative RSA key component");
    }
    byte[] b = v.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      byte[] t = Arrays.copyOfRange(b, 1, b.length);
      Arrays.fill(b, (byte) 0);
      return t;
    }
    return b;
  }

  private Session createSession(
      int family, Object key, List<MemorySegment> parts, Function<Arena, MemorySegment> keyBuilder) {
    // A confined arena for the key image: wiped before the arena frees it (the shim copies it).
    try (Arena scratch = Arena.ofConfined()) {
      MemorySegment keySeg = keyBuilder.apply(scratch);
      MemorySegment out = scratch.allocate(Layouts.C_LONG_LONG);
      int rc;
      submitLock.lock();
      try {
        if (closed) {
          throw new SessionFailure(
              new DeviceException(DeviceException.Reason.GONE, NativeStatus.ECANCELED, name + " closed"));
        }
        rc = handle.sessionCreate(family, keySeg, (int) keySeg.byteSize(), out);
      } finally {
        unlockAndFlush();
        for (MemorySegment p : parts) {
          p.fill((byte) 0);
        }
        keySeg.fill((byte) 0);
      }
      if (rc != NativeStatus.OK) {
        if (rc == NativeStatus.EQUEUE || rc == NativeStatus.ENODEV) {
          markDead(rc);
        }
        throw new SessionFailure(NativeStatus.toDeviceException(rc, name + ": accel_session_create"));
      }
      Session s = new Session(this, out.get(Layouts.C_LONG_LONG, 0), key);
      sessions.add(s.state);
      return s;
    }
  }

  /** Called once per session, when it is neither in use nor wanted. */
  void destroySession(Session.State s) {
    sessions.remove(s);
    submitLock.lock();
    try {
      if (!closed && !handle.isClosed()) {
        handle.sessionDestroy(s.id); // a dead device answers ENODEV; the queue destroy wipes it
      }
    } finally {
      unlockAndFlush();
    }
  }

  /** Native sessions alive on this queue. */
  public int sessionCount() {
    return sessions.size();
  }

  // ---------------------------------------------------------------- statistics

  /** How often accel_submit answered EAGAIN (ring full / resetting). */
  public long eagainCount() {
    return eagain.sum();
  }

  /** Completions that arrived after a completion of a later-submitted request. */
  public long outOfOrderCount() {
    return outOfOrder.sum();
  }

  /** False when accel_queue_destroy was refused (forked handle): the shim leaked the queue. */
  public boolean destroyedCleanly() {
    return destroyStatus == NativeStatus.OK;
  }

  /** Buffers the device held when its destroy was refused: never freed, never reused. */
  public int leakedBuffers() {
    return leakedBuffers;
  }

  /** accel_submit downcalls that carried at least one request. */
  public long submitCount() {
    return submits.sum();
  }

  /**
   * Times the reaper thread woke with completions to deliver (0 in inline mode): one per batch
   * awaited as a whole rather than one per completion (see {@link #awaitAll}).
   */
  public long reaperWakeups() {
    return reaperWakeups.sum();
  }

  /** Requests withdrawn because the ring stayed full beyond the busy budget. */
  public long busySpillCount() {
    return busySpills.sum();
  }

  /** Requests per accel_submit downcall. */
  public HistogramSnapshot batchSizes() {
    return batchSizes.snapshot();
  }

  /** Most descriptors one accel_submit carries on this queue. */
  public int batchMax() {
    return batchMax;
  }

  public long completedCount() {
    return completed.sum();
  }

  public long timeoutCount() {
    return timeouts.sum();
  }

  /** Requests given to the device and not yet reaped (including quarantined ones). */
  public int inflightCount() {
    return inflight.size();
  }

  /**
   * Requests the shim holds (accepted, not yet reaped), from {@code accel_queue_inflight}: unlike
   * {@link #inflightCount()} it excludes requests a caller is still about to submit.
   */
  public int deviceInflight() {
    submitLock.lock();
    try {
      return closed ? 0 : handle.inflight();
    } finally {
      unlockAndFlush();
    }
  }

  /** Abandoned requests (timed out, queue died) whose buffers the device may still touch. */
  public int quarantinedCount() {
    int n = 0;
    for (Request r : inflight.values()) {
      if (r.state.get() == Request.ABANDONED) {
        n++;
      }
    }
    return n;
  }

  /** True if this queue runs a reaper thread (asynchronous backend). */
  public boolean hasReaperThread() {
    return reaper != null;
  }

  // ---------------------------------------------------------------- close

  /**
   * Fails waiters, stops the reaper, destroys the native queue (cancelling what is in flight and
   * wiping its sessions), then frees every buffer the device held. Idempotent.
   */
  @Override
  public void close() {
    submitLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      submitLock.unlock();
    }
    while (executing.get() != 0) {
      Thread.onSpinWait(); // a synchronous request finishes within ~1 ms (bounded size)
    }
    for (Request r : inflight.values()) {
      wakeAll(r);
    }
    if (reaper != null) {
      try {
        reaper.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    reapLock.lock(); // no inline reaper may be inside accel_reap
    try {
      submitLock.lock();
      try {
        destroyStatus = handle.destroy(DRAIN_MS);
      } finally {
        submitLock.unlock();
      }
    } finally {
      reapLock.unlock();
    }
    // The device no longer touches any buffer of this queue: release every leftover. Unless the
    // destroy was refused (a handle used after fork: the shim leaks the queue on purpose and its
    // engines may still write): then what the device held stays allocated, never reused.
    boolean deviceDone = destroyStatus == NativeStatus.OK;
    List<Request> left = new ArrayList<>(inflight.values());
    inflight.clear();
    for (Request r : left) {
      int s = r.state.getAndSet(Request.ABANDONED);
      if (s == Request.QUEUED || (deviceDone && (s == Request.SUBMITTED || s == Request.ABANDONED))) {
        pool.release(r.buffer, r.usedBytes);
      } else if (s == Request.SUBMITTED || s == Request.ABANDONED) {
        leakedBuffers++;
      }
      wakeAll(r);
    }
    for (Session.State s : List.copyOf(sessions)) {
      sessions.remove(s);
      s.queueDestroyed();
    }
    arena.close();
  }

  @Override
  public String toString() {
    return "DeviceQueue[" + name + ", depth " + depth() + (isDead() ? ", dead]" : "]");
  }
}

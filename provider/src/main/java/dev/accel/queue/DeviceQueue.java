package dev.accel.queue;

import dev.accel.api.HistogramSnapshot;
import dev.accel.core.AesKeyMaterial;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.DeviceException;
import dev.accel.ffm.BufferPool;
import dev.accel.ffm.DeviceHandle;
import dev.accel.ffm.NativeQueue;
import dev.accel.ffm.NativeStatus;
import dev.accel.metrics.Log2Histogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One shim queue as Java sees it: submit a request, wait for <em>its</em> completion (matched by
 * user tag) until a deadline, hand results back. The native side ({@link NativeQueue}:
 * descriptors, completion decoding, sessions, the cpu engine's synchronous calls) is in {@code
 * ffm}; this class keeps what the jobs below share and delegates each job to its own class:
 *
 * <ul>
 *   <li>{@link Submission}: batching across callers. A request goes on a lock-free pending queue;
 *       whoever holds the submit lock moves everything pending into one {@code accel_submit} (one
 *       downcall, one doorbell). A caller that finds the device idle (fewer requests on it than
 *       twice its engines, the {@code saturation}) submits at once; behind a busy device arrivals
 *       accumulate and the reaper flushes them after the next completions. EAGAIN keeps requests
 *       first in line for the busy budget, then BUSY.
 *   <li>{@link Reaper}: completion delivery. Asynchronous backends (emu, uadk) get one platform
 *       reaper thread per queue that blocks in {@code accel_wait} and unparks waiters; inline
 *       backends (cpu) complete inside {@code accel_submit}, so the caller reaps itself (one
 *       reaper at a time, as the shim requires) and no thread is started.
 *   <li>{@link Waiting}: callers spin briefly then park (virtual threads never sit in native
 *       code); deadline expiry is TIMEOUT, and the request's buffer stays owned by the queue until
 *       the device completes it or the queue is destroyed.
 * </ul>
 *
 * <p>EQUEUE or ENODEV marks the queue dead: every waiter fails (QUEUE_ERROR / GONE) and the owner
 * replaces the queue. Routing policy stays above this class.
 */
public final class DeviceQueue implements AutoCloseable {
  private static final int DRAIN_MS = 50; // accel_queue_destroy grace for in-flight requests
  private static final int MAX_BATCH = 256; // descriptors per accel_submit
  // Longest a request waits for the reaper's flush before its caller flushes itself: a safety net
  // only (the reaper flushes after every drain and every WAIT_MS). At 100 us every caller behind a
  // busy device woke up once more per request just to submit; at 2 ms, on the 2-vCPU VM, 64 RSA
  // callers on hpre-920 went from 213 to 144 us host CPU per signature (issue 5, DeviceCpuProbe).
  static final long COALESCE_MAX_NANOS = 2_000_000;

  final String name;
  final NativeQueue nq;
  final BufferPool pool;
  final boolean inlineCompletion;
  final long busyRetryNanos;
  final int saturation; // requests on the device from which new arrivals wait to coalesce
  final AtomicInteger onDevice = new AtomicInteger();
  final ConcurrentHashMap<Long, Request> inflight = new ConcurrentHashMap<>();
  private final Set<Session.State> sessions = ConcurrentHashMap.newKeySet();
  final AtomicLong nextTag = new AtomicLong(1);
  volatile int deadStatus; // 0 = alive; else the status that killed the queue
  volatile boolean closed;
  private volatile boolean destroyedCleanly = true; // accel_queue_destroy's answer
  private volatile int leakedBuffers; // kept forever because destroy was refused
  /** Threads inside a synchronous call: close() waits for them before destroying the queue. */
  private final AtomicInteger executing = new AtomicInteger();

  // statistics
  final LongAdder eagain = new LongAdder();
  final LongAdder outOfOrder = new LongAdder();
  final LongAdder completed = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  // Abandoned requests whose buffers the device may still write (Waiting), and their bytes; past
  // either limit the queue retires itself (issue 19: lost completions pinned memory without bound).
  final java.util.concurrent.atomic.AtomicInteger quarantined = new java.util.concurrent.atomic.AtomicInteger();
  final java.util.concurrent.atomic.AtomicLong quarantinedBytes = new java.util.concurrent.atomic.AtomicLong();
  private int quarantineMaxRequests = Integer.MAX_VALUE;
  private long quarantineMaxBytes = Long.MAX_VALUE;
  private volatile boolean retiredByQuarantine;
  final LongAdder submits = new LongAdder(); // accel_submit downcalls that took >= 1
  final LongAdder busySpills = new LongAdder();
  final LongAdder reaperWakeups = new LongAdder(); // reaper waits that returned completions
  final Log2Histogram batchSizes = new Log2Histogram();
  final Log2Histogram deviceBatchSizes; // the owner's, outlives replaced queues (may be null)

  final Submission submission;
  final Waiting waiting;
  final Reaper reaper;

  private DeviceQueue(
      String name,
      NativeQueue nq,
      BufferPool pool,
      boolean inlineCompletion,
      long busyRetryNanos,
      Log2Histogram deviceBatchSizes,
      int saturation) {
    this.name = name;
    this.nq = nq;
    this.deviceBatchSizes = deviceBatchSizes;
    // Two requests per engine before arrivals wait: one running and one ready, so an engine that
    // finishes starts its next request at once instead of idling through the reaper's hand-off
    // (completion, wake-up, flush). Measured on the 2-vCPU VM, with the 2 ms coalescing window:
    // hpre-920 RSA-2048 at 64 callers 4 992 -> 5 747 signatures/s and 144 -> 109 us host CPU per
    // signature (DeviceCpuProbe); the queue still coalesces everything beyond that.
    this.saturation =
        inlineCompletion || saturation > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : 2 * Math.max(1, saturation);
    this.pool = pool;
    this.inlineCompletion = inlineCompletion;
    this.busyRetryNanos = busyRetryNanos;
    this.submission = new Submission(this, nq.batchMax());
    this.waiting = new Waiting(this);
    this.reaper = new Reaper(this, !inlineCompletion);
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
    NativeQueue nq = NativeQueue.create(name, device, depth, MAX_BATCH);
    DeviceQueue q =
        new DeviceQueue(name, nq, pool, inlineCompletion, busyRetryNanos, deviceBatchSizes, saturation);
    q.reaper.start();
    return q;
  }

  public String name() {
    return name;
  }

  /** Ring entries; at most {@code depth - 1} requests are in flight. */
  public int depth() {
    return nq.depth();
  }

  /** True after a queue-level error or device loss: replace this queue. */
  public boolean isDead() {
    return deadStatus != 0 || closed;
  }

  /** The status that killed the queue, or 0. */
  public int deadStatus() {
    return deadStatus;
  }

  // ---------------------------------------------------------------- synchronous calls (cpu)

  /**
   * True when requests run on the caller's thread without the rings: the cpu backend. Heap
   * arrays go to C without a copy (critical downcall), and threads do not serialise on the queue.
   */
  public boolean canExecuteInline() {
    return inlineCompletion;
  }

  /** Pins {@code session} (if any) for one synchronous call; {@link #exitExecute} ends it. */
  private void enterExecute(Session session) throws DeviceException {
    if (session != null && session.state.queue != this) {
      throw new IllegalArgumentException("session belongs to another queue");
    }
    executing.incrementAndGet();
    if (isDead()) {
      executing.decrementAndGet();
      throw NativeStatus.toDeviceException(NativeStatus.ENODEV, name + " closed");
    }
    if (session != null && !session.retain()) {
      executing.decrementAndGet();
      throw NativeStatus.gone("session closed (key destroyed)");
    }
  }

  private void exitExecute(Session session, int completions) {
    if (session != null) {
      session.state.release();
    }
    completed.add(completions); // counted like reaped completions
    executing.decrementAndGet();
  }

  /**
   * AES-GCM seal or open on the caller's thread ({@link #canExecuteInline()} only): {@code src}
   * to {@code dst} ({@code len} bytes each), the tag at {@code tag[tagOff..]} (written by seal,
   * read by open). Bounded by the caller to {@link NativeQueue#EXECUTE_MAX_BYTES}.
   *
   * @return true, or false when open's tag did not verify (dst is then zeroed)
   */
  public boolean executeGcm(
      Session session, int op, byte[] iv, byte[] aad, int aadOff, int aadLen, byte[] src, int srcOff,
      int len, byte[] dst, int dstOff, byte[] tag, int tagOff, int tagLen)
      throws DeviceException {
    enterExecute(session);
    try {
      return nq.executeGcm(
          session.id(), op, iv, aad, aadOff, aadLen, src, srcOff, len, dst, dstOff, tag, tagOff, tagLen);
    } finally {
      exitExecute(session, 1);
    }
  }

  /** A digest on the caller's thread ({@link #canExecuteInline()} only). */
  public void executeDigest(int op, byte[] in, int off, int len, byte[] out, int outOff, int outLen)
      throws DeviceException {
    enterExecute(null);
    try {
      nq.executeDigest(op, in, off, len, out, outOff, outLen);
    } finally {
      exitExecute(null, 1);
    }
  }

  /**
   * Raw RSA ({@code op} RSA_PRIV_CRT or RSA_PUB) of {@code in[0..len)} into {@code
   * out[outOff..outOff+len)} on the caller's thread ({@link #canExecuteInline()} only): no request
   * object, no native buffer, no copy.
   *
   * @return true, or false when the engine's own check of a private-key result failed
   */
  public boolean executeRsa(Session session, int op, byte[] in, int len, byte[] out, int outOff)
      throws DeviceException {
    enterExecute(session);
    try {
      return nq.executeRsa(session.id(), op, in, len, out, outOff);
    } finally {
      exitExecute(session, 1);
    }
  }

  /**
   * The host's arithmetic around another device's RSA private-key operation ({@code op} {@link
   * NativeQueue#RSA_HOST_BLIND} or {@link NativeQueue#RSA_HOST_UNBLIND}) on {@code session}'s key,
   * on the caller's thread ({@link #canExecuteInline()} only).
   *
   * @return true, or false when the fault check failed
   */
  public boolean rsaHost(Session session, int op, byte[] in, int inLen, byte[] out, int outOff, int outLen)
      throws DeviceException {
    enterExecute(session);
    try {
      return nq.rsaHost(session.id(), op, in, inLen, out, outOff, outLen);
    } finally {
      exitExecute(session, 0);
    }
  }

  /** {@code n} digests in one call on the caller's thread ({@link #canExecuteInline()} only). */
  public void executeDigestBatch(int op, byte[] data, int[] lens, int n, byte[] out, int digestLen)
      throws DeviceException {
    enterExecute(null);
    try {
      nq.executeDigestBatch(op, data, lens, n, out, digestLen);
    } finally {
      exitExecute(null, n);
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
   * @return true, or false for an AES-GCM tag mismatch
   * @throws DeviceException for every other outcome
   */
  public boolean execute(Request r, Session session, long deadlineNanoTime) throws DeviceException {
    submission.enqueue(r, session);
    if (onDevice.get() < saturation) {
      submission.flush(); // idle engines: go now
    } // else the reaper flushes it with the others after the next completion
    return waiting.await(r, deadlineNanoTime);
  }

  /** Puts {@code r} on the pending queue (it leaves with the next flush). */
  public void enqueue(Request r, Session session) throws DeviceException {
    submission.enqueue(r, session);
  }

  /** Submits everything pending unless another thread is doing so right now. */
  public void flush() {
    submission.flush();
  }

  /**
   * Queues every request (with the session at the same index, or null) and flushes them in one
   * submission (more only when they exceed the ring's free slots or {@link #batchMax()}). Then
   * wait for each with {@link #await}. If queueing fails part-way, the requests already queued
   * are still submitted and must be awaited; the exception says how many were queued.
   */
  public void submitAll(List<Request> requests, List<Session> sessionsOf) throws DeviceException {
    submission.submitAll(requests, sessionsOf);
  }

  /**
   * Waits until every request of one {@link #submitAll} has completed, parking once rather than
   * once per request; see {@link Waiting#awaitAll}. Then {@link #await} each request.
   */
  public void awaitAll(List<Request> requests, long deadlineNanoTime) {
    waiting.awaitAll(requests, deadlineNanoTime);
  }

  /**
   * Waits for a request given to {@link #enqueue} / {@link #submitAll}.
   *
   * @return true, or false for an AES-GCM tag mismatch
   * @throws DeviceException BUSY past the busy budget, TIMEOUT past the deadline, ...
   */
  public boolean await(Request r, long deadlineNanoTime) throws DeviceException {
    return waiting.await(r, deadlineNanoTime);
  }

  /**
   * Ends the caller's use of {@code r}: its buffer goes back to the pool, unless the device may
   * still touch it (then the queue releases it later).
   */
  public void release(Request r) {
    int s = r.state.get();
    if (s == Request.NEW || s == Request.COMPLETED) {
      pool.release(r.buffer(), r.usedBytes());
    }
  }

  static void unpin(Request r) {
    Session s = r.session;
    if (s != null) {
      r.session = null;
      s.state.release();
    }
  }

  /** The request no longer occupies an engine (completed, or given up on: likely lost). */
  /**
   * Retire this queue once its abandoned requests exceed {@code maxRequests} or {@code maxBytes}
   * of buffers. Set by the owner before the queue is published.
   */
  public void limitQuarantine(int maxRequests, long maxBytes) {
    this.quarantineMaxRequests = maxRequests;
    this.quarantineMaxBytes = maxBytes;
  }

  /** True when this queue retired itself because abandoned requests held too much. */
  public boolean retiredByQuarantine() {
    return retiredByQuarantine;
  }

  /** Bytes of buffers held by abandoned requests now. */
  public long quarantinedBytes() {
    return quarantinedBytes.get();
  }

  /**
   * {@code r} was abandoned while the device may still write its buffer: it is counted until its
   * completion arrives ({@link #unquarantine}) or the queue is destroyed. Past a limit the queue is
   * marked dead: its waiters fail (the router re-runs their requests), the owner replaces it, and
   * destroying it makes the shim cancel and free everything it held, sessions and key copies too.
   */
  void quarantine(Request r) {
    r.quarantined = true;
    int n = quarantined.incrementAndGet();
    long b = quarantinedBytes.addAndGet(r.usedBytes());
    if ((n > quarantineMaxRequests || b > quarantineMaxBytes) && deadStatus == 0 && !closed) {
      retiredByQuarantine = true;
      if (RETIRE_LOGGED.add(name)) {
        LOG.log(System.Logger.Level.WARNING, "Accel: queue " + name + " retired: " + n + " abandoned requests hold "
            + b + " bytes of device buffers (limits " + quarantineMaxRequests + " requests, " + quarantineMaxBytes
            + " bytes; accel.device.quarantine.*); a fresh queue replaces it. Further retirements are counted"
            + " (queuesRetired), not logged.");
      }
      markDead(NativeStatus.EQUEUE);
    }
  }

  /** The completion of a quarantined request arrived: its buffer is free again. */
  void unquarantine(Request r) {
    if (r.quarantined) {
      r.quarantined = false;
      quarantined.decrementAndGet();
      quarantinedBytes.addAndGet(-r.usedBytes());
    }
  }

  private static final System.Logger LOG = System.getLogger("dev.accel");
  private static final java.util.Set<String> RETIRE_LOGGED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  void leftDevice(Request r) {
    if (r.onDevice && r.offDevice.compareAndSet(false, true)) {
      onDevice.decrementAndGet();
    }
  }

  void markDead(int status) {
    if (deadStatus == 0) {
      deadStatus = status;
    }
    for (Request r : inflight.values()) {
      Waiting.wakeAll(r);
    }
  }

  void checkAlive() throws DeviceException {
    int dead = deadStatus;
    if (dead != 0) {
      throw NativeStatus.toDeviceException(dead, name + " is dead");
    }
    if (closed) {
      throw NativeStatus.closed(name + " closed");
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
    return cachedSession(() -> key.derived(this, k -> createSession(k, k.rawKey(), null)));
  }

  /** The session of {@code key} on this queue (CRT parts included when the key has them). */
  public Session rsaSession(RsaKeyMaterial key) throws DeviceException {
    Session hit = key.cached(this); // per-signature fast path: no capturing lambdas
    if (hit != null) {
      checkAlive();
      return hit;
    }
    return cachedSession(() -> key.derived(this, k -> createSession(k, null, k)));
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

  /** A native session for {@code aesKey} or else {@code rsaKey}, under the submit lock. */
  private Session createSession(Object key, byte[] aesKey, RsaKeyMaterial rsaKey) {
    long id;
    submission.lock();
    try {
      if (closed) {
        throw new SessionFailure(NativeStatus.closed(name + " closed"));
      }
      id = aesKey != null ? nq.createAesSession(aesKey) : nq.createRsaSession(rsaKey);
    } catch (DeviceException e) {
      if (NativeStatus.killsQueue(e.nativeStatus())) {
        markDead(e.nativeStatus());
      }
      throw new SessionFailure(e);
    } finally {
      submission.unlockAndFlush();
    }
    Session s = new Session(this, id, key);
    sessions.add(s.state);
    return s;
  }

  /** Called once per session, when it is neither in use nor wanted. */
  void destroySession(Session.State s) {
    sessions.remove(s);
    submission.lock();
    try {
      if (!closed && !nq.isClosed()) {
        nq.destroySession(s.id);
      }
    } finally {
      submission.unlockAndFlush();
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
    return destroyedCleanly;
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
    return nq.batchMax();
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
    submission.lock();
    try {
      return closed ? 0 : nq.inflight();
    } finally {
      submission.unlockAndFlush();
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
    return reaper.hasThread();
  }

  // ---------------------------------------------------------------- close

  /**
   * Fails waiters, stops the reaper, destroys the native queue (cancelling what is in flight and
   * wiping its sessions), then frees every buffer the device held. Idempotent.
   */
  @Override
  public void close() {
    submission.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      submission.unlock();
    }
    while (executing.get() != 0) {
      Thread.onSpinWait(); // a synchronous request finishes within ~1 ms (bounded size)
    }
    for (Request r : inflight.values()) {
      Waiting.wakeAll(r);
    }
    boolean deviceDone = reaper.stopAndDestroy(DRAIN_MS);
    destroyedCleanly = deviceDone;
    // The device no longer touches any buffer of this queue: release every leftover. Unless the
    // destroy was refused (a handle used after fork: the shim leaks the queue on purpose and its
    // engines may still write): then what the device held stays allocated, never reused.
    List<Request> left = new ArrayList<>(inflight.values());
    inflight.clear();
    for (Request r : left) {
      int s = r.state.getAndSet(Request.ABANDONED);
      if (s == Request.QUEUED || (deviceDone && (s == Request.SUBMITTED || s == Request.ABANDONED))) {
        pool.release(r.buffer(), r.usedBytes());
      } else if (s == Request.SUBMITTED || s == Request.ABANDONED) {
        leakedBuffers++;
      }
      Waiting.wakeAll(r);
    }
    for (Session.State s : List.copyOf(sessions)) {
      sessions.remove(s);
      s.queueDestroyed();
    }
  }

  @Override
  public String toString() {
    return "DeviceQueue[" + name + ", depth " + depth() + (isDead() ? ", dead]" : "]");
  }
}

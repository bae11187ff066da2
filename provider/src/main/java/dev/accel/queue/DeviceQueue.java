package dev.accel.queue;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Seams kept for later work: batching across callers would fill more than one slot of the
 * descriptor array per {@code accel_submit}; routing policy stays above this class.
 */
public final class DeviceQueue implements AutoCloseable {
  private static final int CQE_BATCH = 64;
  private static final int WAIT_MS = 20; // reaper wake-up period to notice close()
  private static final int SPIN_ITERATIONS = 200;
  private static final long MAX_PARK_NANOS = 1_000_000;
  private static final int DRAIN_MS = 50; // accel_queue_destroy grace for in-flight requests

  private final String name;
  private final QueueHandle handle;
  private final BufferPool pool;
  private final boolean inlineCompletion;
  private final long busyRetryNanos;

  private final Arena arena = Arena.ofShared(); // descriptor ring image and out-parameters
  private final ReentrantLock submitLock = new ReentrantLock(); // guards descs/accepted + sessions
  private final MemorySegment descs; // reusable accel_desc array (one slot used today)
  private final MemorySegment accepted; // uint32_t out-parameter of accel_submit
  private final ReentrantLock reapLock = new ReentrantLock(); // inline mode: one reaper at a time
  private final MemorySegment cqes; // owned by whoever reaps
  private final MemorySegment got; // uint32_t out-parameter of accel_reap

  private final ConcurrentHashMap<Long, Request> inflight = new ConcurrentHashMap<>();
  private final Set<Session.State> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextTag = new AtomicLong(1);
  private final Thread reaper; // null in inline mode
  private volatile int deadStatus; // 0 = alive; else the status that killed the queue
  private volatile boolean closed;

  // statistics (the reaping thread is single, so maxTagSeen needs no atomics)
  private long maxTagSeen;
  private final LongAdder eagain = new LongAdder();
  private final LongAdder outOfOrder = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder unknownTags = new LongAdder();

  private DeviceQueue(
      String name, QueueHandle handle, BufferPool pool, boolean inlineCompletion, long busyRetryNanos) {
    this.name = name;
    this.handle = handle;
    this.pool = pool;
    this.inlineCompletion = inlineCompletion;
    this.busyRetryNanos = busyRetryNanos;
    this.descs = arena.allocate(Layouts.DESC, 1);
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
    QueueHandle h;
    try {
      h = device.createQueue(depth);
    } catch (NativeException e) {
      throw NativeStatus.toDeviceException(e.code(), "accel_queue_create");
    }
    return new DeviceQueue(name, h, pool, inlineCompletion, busyRetryNanos);
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
    r.waiter = Thread.currentThread();
    r.state.set(Request.SUBMITTED);
    inflight.put(r.tag, r); // before submit: the reaper may see the completion first
    try {
      submit(r, deadlineNanoTime);
    } catch (DeviceException | RuntimeException e) {
      inflight.remove(r.tag);
      r.state.set(Request.NEW); // the device never saw it: the caller owns the buffer again
      unpin(r);
      throw e;
    }
    return awaitCompletion(r, deadlineNanoTime);
  }

  private void submit(Request r, long deadlineNanoTime) throws DeviceException {
    long busyDeadline = System.nanoTime() + busyRetryNanos;
    if (deadlineNanoTime - busyDeadline < 0) {
      busyDeadline = deadlineNanoTime;
    }
    for (int attempt = 0; ; attempt++) {
      int rc;
      int n;
      submitLock.lock();
      try {
        if (closed) {
          throw new DeviceException(DeviceException.Reason.GONE, NativeStatus.ECANCELED, name + " closed");
        }
        writeDesc(descs, r);
        rc = handle.submit(descs, 1, accepted);
        n = accepted.get(Layouts.C_INT, 0);
      } finally {
        submitLock.unlock();
      }
      if (n == 1) {
        return;
      }
      if (rc != NativeStatus.EAGAIN) {
        if (rc == NativeStatus.EQUEUE || rc == NativeStatus.ENODEV) {
          markDead(rc);
        }
        throw NativeStatus.toDeviceException(rc, name + ": accel_submit");
      }
      eagain.increment();
      if (inlineCompletion) {
        reapInline(); // our own unreaped completions may be what fills the ring
      }
      if (System.nanoTime() - busyDeadline >= 0) {
        throw new DeviceException(
            DeviceException.Reason.BUSY, rc, name + ": queue full (EAGAIN) beyond the busy budget");
      }
      if (attempt < 16) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(this, 10_000);
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

  private int awaitCompletion(Request r, long deadlineNanoTime) throws DeviceException {
    int spins = 0;
    while (true) {
      if (r.state.get() == Request.COMPLETED) {
        return result(r);
      }
      if (inlineCompletion) {
        reapInline();
        if (r.state.get() == Request.COMPLETED) {
          return result(r);
        }
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
          throw new DeviceException(
              DeviceException.Reason.TIMEOUT, NativeStatus.ETIMEDOUT, name + ": no completion before the deadline");
        }
        if (r.state.get() == Request.COMPLETED) {
          return result(r);
        }
        // close() abandoned it for us.
        throw new DeviceException(DeviceException.Reason.GONE, NativeStatus.ECANCELED, name + " closed");
      }
      if (spins < SPIN_ITERATIONS) {
        spins++;
        Thread.onSpinWait();
      } else {
        long park = Math.min(deadlineNanoTime - now, inlineCompletion ? 20_000 : MAX_PARK_NANOS);
        LockSupport.parkNanos(this, park);
      }
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
    while (!closed) {
      int rc = handle.await(WAIT_MS);
      if (rc == NativeStatus.ETIMEDOUT) {
        continue;
      }
      if (rc != NativeStatus.OK) {
        if (!closed) {
          markDead(rc);
        }
        return;
      }
      if (!drain()) {
        return;
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

  /** Reaps until the completion ring is empty; false if the queue died. Single reaper only. */
  private boolean drain() {
    while (true) {
      int rc = handle.reap(cqes, CQE_BATCH, got);
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
      LockSupport.unpark(r.waiter);
    } else {
      pool.release(r.buffer, r.usedBytes); // abandoned earlier: now it is safe to reuse
    }
  }

  private void markDead(int status) {
    if (deadStatus == 0) {
      deadStatus = status;
    }
    for (Request r : inflight.values()) {
      LockSupport.unpark(r.waiter);
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
    return cachedSession(() -> key.derived(this, k -> createAesSession(k)));
  }

  /** The session of {@code key} on this queue (CRT parts included when the key has them). */
  public Session rsaSession(RsaKeyMaterial key) throws DeviceException {
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
        submitLock.unlock();
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
      submitLock.unlock();
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
      submitLock.unlock();
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
    for (Request r : inflight.values()) {
      LockSupport.unpark(r.waiter);
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
        handle.destroy(DRAIN_MS);
      } finally {
        submitLock.unlock();
      }
    } finally {
      reapLock.unlock();
    }
    // The device no longer touches any buffer of this queue: release every leftover.
    List<Request> left = new ArrayList<>(inflight.values());
    inflight.clear();
    for (Request r : left) {
      int s = r.state.getAndSet(Request.ABANDONED);
      if (s == Request.SUBMITTED || s == Request.ABANDONED) {
        pool.release(r.buffer, r.usedBytes);
      }
      LockSupport.unpark(r.waiter);
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

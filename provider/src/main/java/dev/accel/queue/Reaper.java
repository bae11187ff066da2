package dev.accel.queue;

import dev.accel.ffm.DeviceBugs;
import dev.accel.ffm.NativeQueue;
import dev.accel.ffm.NativeStatus;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Completion delivery of one queue: reaps completions, matches them to requests by tag and wakes
 * their callers. On asynchronous backends a platform thread does it, blocking in {@code
 * accel_wait} (or {@code accel_wait_n} for batches awaited as a whole) and flushing what
 * accumulated after every drain; on inline backends (cpu) callers reap themselves ({@link
 * #reapInline}). The reaper thread also keeps the deadlines of virtual threads parked untimed.
 */
final class Reaper implements NativeQueue.Completions {
  private static final int WAIT_MS = 20; // reaper wake-up period to notice close()
  private static final long EXPIRY_SCAN_NANOS = 10_000_000; // deadline scan, at most this often

  private final DeviceQueue q;
  private final NativeQueue nq;
  private final Thread thread; // null in inline mode
  private final ReentrantLock reapLock = new ReentrantLock(); // one thread in accel_reap at a time
  // Completions the reaper's current wait asks for (coalesceTarget); 1 when it takes each one.
  private volatile int reaperWant = 1;
  private long nextExpiryScan; // reaper thread only (expireWaiters)
  private long maxTagSeen; // the reaping thread is single: no atomics

  Reaper(DeviceQueue q, boolean withThread) {
    this.q = q;
    this.nq = q.nq;
    this.thread =
        withThread ? Thread.ofPlatform().name("accel-reaper-" + q.name).daemon().unstarted(this::loop) : null;
  }

  void start() {
    if (thread != null) {
      thread.start();
    }
  }

  boolean hasThread() {
    return thread != null;
  }

  /**
   * Stops the thread, then destroys the native queue with no reap in progress (the caller set
   * {@code closed}); true when the shim destroyed it cleanly.
   */
  boolean stopAndDestroy(int drainMs) {
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    reapLock.lock(); // no inline reaper may be inside accel_reap
    try {
      q.submission.lock();
      try {
        return nq.destroy(drainMs);
      } finally {
        q.submission.unlock();
      }
    } finally {
      reapLock.unlock();
    }
  }

  private void loop() {
    try {
      reapUntilClosed();
    } catch (RuntimeException | Error e) {
      // Virtual-thread waiters park without a timeout and rely on this thread (expireWaiters):
      // it must never end silently while they wait.
      if (!q.closed) {
        q.markDead(NativeStatus.EQUEUE);
      }
      throw e;
    }
  }

  private void reapUntilClosed() {
    while (!q.closed) {
      expireWaiters();
      int rc = nq.await(coalesceTarget(), WAIT_MS);
      if (rc == NativeQueue.IDLE) {
        q.submission.flush(); // nothing completed: send what waits anyway (lost completions hold no slot here)
        continue;
      }
      if (rc != NativeQueue.READY) {
        if (!q.closed) {
          q.markDead(rc);
        }
        return;
      }
      q.reaperWakeups.increment();
      boolean alive;
      reapLock.lock(); // callers spinning on their own completion reap too (reapInline)
      try {
        alive = q.closed || drain();
      } finally {
        reapLock.unlock();
      }
      if (!alive || q.closed) {
        return;
      }
      q.submission.flush(); // slots just freed: send what the full ring left pending
    }
  }

  /**
   * Wakes virtual-thread waiters whose deadline has passed: they park without a timeout (see
   * {@link Waiting}), so this thread keeps their deadlines, at most every {@link
   * #EXPIRY_SCAN_NANOS} and at least every {@link #WAIT_MS} (its own longest wait), i.e. a
   * missed deadline is noticed up to ~30 ms late (deadlines are in seconds).
   */
  private void expireWaiters() {
    long now = System.nanoTime();
    if (now - nextExpiryScan < 0) {
      return;
    }
    nextExpiryScan = now + EXPIRY_SCAN_NANOS;
    for (Request r : q.inflight.values()) {
      long d = r.parkDeadline;
      if (d != 0 && now - d >= 0) {
        LockSupport.unpark(r.waiter);
      }
      Waiting.Group g = r.group;
      if (g != null) {
        long gd = g.parkDeadline;
        if (gd != 0 && now - gd >= 0) {
          LockSupport.unpark(g.waiter);
        }
      }
    }
  }

  /**
   * How many completions the reaper may sleep through (accel_wait_n, like io_uring's
   * min_complete). When every request in flight belongs to a batch awaited as a whole ({@link
   * Waiting#awaitAll}), no caller can be woken by fewer completions than the smallest batch still
   * needs: one wake-up per batch instead of one per completion (issue 5). Anything else in flight
   * or pending (a single request, a batch member awaited alone, a request waiting for ring space
   * that a completion would let in) needs each completion at once: 1. Nothing at all: {@code
   * Integer.MAX_VALUE}, and whoever queues next limits the wait to what it needs ({@link
   * #wantCompletions}). Publishes the answer in {@link #reaperWant} before reading the requests,
   * so that a request queued meanwhile either is seen here or sees a wait it must limit.
   */
  private int coalesceTarget() {
    reaperWant = Integer.MAX_VALUE;
    int want = Integer.MAX_VALUE;
    if (q.submission.hasWork()) {
      want = 1;
    } else {
      for (Request r : q.inflight.values()) {
        Waiting.Group g = r.group;
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
   * Requests were just queued (after {@code inflight} has them, or a batch member was marked as
   * awaited alone) whose caller can be woken by {@code n} completions: if the reaper is (or is
   * about to be) in a wait for more, {@code n} are enough (accel_wait_limit; it only ever lowers
   * the count, until that wait returns).
   */
  void wantCompletions(int n) {
    if (reaperWant > n && !q.closed) {
      try {
        nq.limitWait(n);
      } catch (IllegalStateException handleClosed) {
        // closed meanwhile: no reaper is waiting any more
      }
    }
  }

  /** A caller's own reap (inline queues): whatever completed, if no one else is reaping. */
  void reapInline() {
    if (reapLock.tryLock()) {
      try {
        if (!q.closed && q.deadStatus == 0) {
          drain();
        }
      } finally {
        reapLock.unlock();
      }
    }
  }

  /** Reaps until the completion ring is empty; false if the queue died. Under {@link #reapLock}. */
  private boolean drain() {
    int dead = nq.reap(this);
    if (dead != 0) {
      q.markDead(dead);
      return false;
    }
    return true;
  }

  /** One completion from {@link NativeQueue#reap}. */
  @Override
  public void complete(long tag, int status, int outLen, int detail) {
    Request r = q.inflight.remove(tag);
    if (r == null) {
      // Nothing to wake, and nothing wrong for any caller: counted and logged once as a shim bug.
      DeviceBugs.record(q.name, "completion for an unknown tag", "tag " + tag + ", " + NativeStatus.name(status));
      return;
    }
    q.leftDevice(r);
    q.completed.increment();
    if (tag < maxTagSeen) {
      q.outOfOrder.increment();
    } else {
      maxTagSeen = tag;
    }
    r.completed(status, outLen, detail);
    DeviceQueue.unpin(r); // the device is done with the session
    if (r.state.compareAndSet(Request.SUBMITTED, Request.COMPLETED)) {
      Waiting.wakeCompleted(r);
    } else {
      q.unquarantine(r);
      q.pool.release(r.buffer(), r.usedBytes()); // abandoned earlier: now it is safe to reuse
    }
  }
}

package dev.accel.queue;

import dev.accel.device.DeviceException;
import dev.accel.ffm.NativeQueue;
import dev.accel.ffm.NativeStatus;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Batching across callers (ARCHITECTURE.md "Batching"): requests go on a lock-free
 * multi-producer pending queue; whoever holds the submit lock (a caller that found the queue
 * idle, the next caller, a waiter, or the reaper after a drain) moves <em>everything</em> pending
 * into the descriptor array and hands it to the shim in one {@code accel_submit}. While a downcall
 * is in progress, arrivals accumulate and leave together in the next one. Requests the ring did
 * not accept (EAGAIN) stay first in line for the next flush; their busy budget starts then.
 */
final class Submission {
  private final DeviceQueue q;
  private final NativeQueue nq;
  private final ReentrantLock submitLock = new ReentrantLock(); // guards backlog, batch, descriptors, sessions
  private final int batchMax;
  private final Request[] batch; // requests behind descriptor slots [0..n) during one flush
  final ConcurrentLinkedQueue<Request> pending = new ConcurrentLinkedQueue<>(); // MPSC
  private final ArrayDeque<Request> backlog = new ArrayDeque<>(); // not accepted last time
  volatile boolean hasBacklog; // backlog non-empty (read without the lock)

  Submission(DeviceQueue q, int batchMax) {
    this.q = q;
    this.nq = q.nq;
    this.batchMax = batchMax;
    this.batch = new Request[batchMax];
  }

  void lock() {
    submitLock.lock();
  }

  void unlock() {
    submitLock.unlock();
  }

  /**
   * Releases the submit lock taken for something other than a flush; flushes what arrived
   * meanwhile (those callers' tryLock failed and they count on the holder).
   */
  void unlockAndFlush() {
    submitLock.unlock();
    flush();
  }

  /** True when something waits to be submitted. */
  boolean hasWork() {
    return !pending.isEmpty() || hasBacklog;
  }

  void submitAll(List<Request> requests, List<Session> sessionsOf) throws DeviceException {
    if (requests.size() != sessionsOf.size()) {
      throw new IllegalArgumentException("one session (or null) per request");
    }
    Waiting.Group g = new Waiting.Group(requests.size());
    int queued = 0;
    try {
      for (int i = 0; i < requests.size(); i++) {
        enqueue(requests.get(i), sessionsOf.get(i), null, g);
        queued++;
      }
    } finally {
      g.open.addAndGet(queued - requests.size()); // those never queued never complete
      if (queued > 0) {
        q.reaper.wantCompletions(queued);
      }
      flush();
    }
  }

  void enqueue(Request r, Session session) throws DeviceException {
    enqueue(r, session, Thread.currentThread(), null);
  }

  /**
   * Puts {@code r} on the pending queue, with the thread that completion unparks ({@code null}:
   * none until {@link Waiting#await} names it) and the {@link Waiting.Group} of a {@link
   * #submitAll} (or null). A batch has no waiter until its caller awaits each request in turn:
   * otherwise every completion of the batch would wake the caller while it waits for another one
   * (16 wake-ups for 16 signatures, each a context switch of 15-30 us on the 2-vCPU VM, issue 5).
   */
  private void enqueue(Request r, Session session, Thread waiter, Waiting.Group group)
      throws DeviceException {
    if (r.state.get() != Request.NEW) {
      throw new IllegalStateException("request already submitted");
    }
    q.checkAlive();
    if (session != null) {
      if (session.state.queue != q) {
        throw new IllegalArgumentException("session belongs to another queue");
      }
      if (!session.retain()) {
        throw NativeStatus.gone("session closed (key destroyed)");
      }
      r.session = session;
    }
    r.tag = q.nextTag.getAndIncrement();
    r.waiter = waiter;
    r.group = group; // before any other thread's flush can submit (and complete) it
    r.queuedAt = System.nanoTime();
    r.busyDeadline = 0; // the busy budget starts at the first EAGAIN
    r.state.set(Request.QUEUED);
    q.inflight.put(r.tag, r); // before submit: the reaper may see the completion first
    pending.add(r);
    if (waiter != null) {
      q.reaper.wantCompletions(1);
    }
  }

  /**
   * Submits everything pending if no other thread is doing so right now (a thread inside the
   * lock re-checks the pending queue after each downcall, so nothing is stranded).
   */
  void flush() {
    while (hasWork()) {
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

  /** One or more accel_submit calls; false when the ring stopped accepting. submitLock held. */
  private boolean flushLocked() {
    while (true) {
      if (q.closed || q.deadStatus != 0) {
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
        nq.setDescriptor(n, r, r.tag, r.session == null ? 0 : r.session.id());
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
      q.onDevice.addAndGet(n);
      int took = nq.submit(n);
      for (int i = took; i < n; i++) {
        Request r = batch[i]; // never seen by the device: uncount, and reset for a later flush
        if (r.offDevice.compareAndSet(false, true)) {
          q.onDevice.decrementAndGet();
        }
        r.onDevice = false;
        r.offDevice.set(false);
      }
      if (took > 0) {
        q.submits.increment();
        q.batchSizes.record(took);
        if (q.deviceBatchSizes != null) {
          q.deviceBatchSizes.record(took);
        }
      }
      for (int i = 0; i < took; i++) {
        batch[i] = null;
      }
      if (took == n) {
        continue;
      }
      NativeQueue.Refusal refusal = nq.lastRefusal();
      if (refusal == NativeQueue.Refusal.RETRY) {
        // Counted before requeue wakes the callers: one that withdraws (BUSY) must see the count
        // (its state CAS in requeue publishes it), whatever the scheduler does to this thread.
        q.eagain.increment();
      }
      requeue(took, n, refusal);
      switch (refusal) {
        case FATAL -> {
          q.markDead(nq.lastSubmitStatus());
          return false;
        }
        case RETRY -> {
          return false; // waiters (inline: after reaping) and the reaper flush again
        }
        case REJECTED -> {} // the rest of the batch goes in the next downcall
      }
    }
  }

  /** Puts batch[took..n) back first in line; a REJECTED descriptor (the first) fails alone. */
  private void requeue(int took, int n, NativeQueue.Refusal refusal) {
    boolean retry = refusal == NativeQueue.Refusal.RETRY;
    for (int i = n - 1; i >= took; i--) {
      Request r = batch[i];
      batch[i] = null;
      if (refusal == NativeQueue.Refusal.REJECTED && i == took) {
        // The shim refused this descriptor (EINVAL, ENOTSUP, ...): it fails alone.
        r.completed(nq.lastSubmitStatus(), 0, 0);
        q.inflight.remove(r.tag);
        DeviceQueue.unpin(r);
        if (r.state.compareAndSet(Request.SUBMITTED, Request.COMPLETED)) {
          Waiting.wakeCompleted(r);
        } else {
          q.unquarantine(r);
          q.pool.release(r.buffer(), r.usedBytes()); // abandoned meanwhile
        }
        continue;
      }
      boolean budgetStarts = retry && r.busyDeadline == 0;
      if (budgetStarts) {
        r.busyDeadline = System.nanoTime() + q.busyRetryNanos;
      }
      if (!r.state.compareAndSet(Request.SUBMITTED, Request.QUEUED)) {
        // Abandoned while we held it, but the device never saw it: free it here.
        q.inflight.remove(r.tag);
        DeviceQueue.unpin(r);
        q.unquarantine(r);
        q.pool.release(r.buffer(), r.usedBytes());
        continue;
      }
      backlog.addFirst(r);
      if (budgetStarts) {
        Waiting.wakeAll(r); // its caller may sleep without a timeout (await, awaitAll): the budget needs one
      }
    }
    hasBacklog = !backlog.isEmpty();
  }
}

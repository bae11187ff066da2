package dev.accel.queue;

import dev.accel.device.DeviceException;
import dev.accel.ffm.NativeStatus;
import dev.accel.ffm.Opcode;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * How callers wait for their requests: a short spin, then a park (never a native call on the
 * caller's thread except a flush, and for inline queues a reap). Completion, queue death and
 * close unpark them; a request still queued past its busy budget is withdrawn (BUSY), past its
 * deadline it is TIMEOUT and its buffer stays with the queue until the device lets go of it.
 */
final class Waiting {
  private static final int SPIN_ITERATIONS = 200;
  // Longest park of a caller whose request is on the device. Completion, queue death and close()
  // all unpark it and the deadline bounds it, so this only guards against a missed unpark: with 1 ms
  // a caller under load (64 callers, ~18 ms per RSA signature on the shared 2-vCPU VM) woke ~17
  // times per request, and each context switch costs ~15-30 us of guest CPU there (issue 5, perf).
  static final long MAX_PARK_NANOS = 20_000_000;
  private static final long QUEUED_PARK_NANOS = 20_000; // shortest sleep of a queued request (EAGAIN retry)

  private final DeviceQueue q;

  Waiting(DeviceQueue q) {
    this.q = q;
  }

  /**
   * The requests of one {@link DeviceQueue#submitAll}: a completion wakes their caller only when
   * it was the last one ({@link #awaitAll}), so a batch of 16 costs its caller one wake-up, not
   * one per completion as 8 engines finish them at different times (each a context switch of
   * 15-30 us of guest CPU on the 2-vCPU VM, issue 5).
   */
  static final class Group {
    final AtomicInteger open; // requests not completed yet
    volatile Thread waiter; // the thread in awaitAll, or null
    volatile boolean individual; // a request of it is awaited alone: its completion is wanted now
    volatile long parkDeadline; // the untimed-parked waiter's deadline, or 0 (Reaper.expireWaiters)

    Group(int n) {
      open = new AtomicInteger(n);
    }
  }

  /**
   * Waits until every request of one {@link DeviceQueue#submitAll} has completed, parking once
   * rather than once per request; returns early (without throwing) when the ring refused one (its
   * busy budget runs: {@link #await} flushes and withdraws it), the queue died or closed, or the
   * deadline passed. Then {@link #await} each request: it returns at once for a completed one and
   * decides every other case exactly as without this call.
   */
  void awaitAll(List<Request> requests, long deadlineNanoTime) {
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
      if (q.deadStatus != 0 || q.closed) {
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
  static void wakeCompleted(Request r) {
    Group g = r.group;
    if (g != null && g.open.decrementAndGet() == 0) {
      LockSupport.unpark(g.waiter);
    }
    LockSupport.unpark(r.waiter); // null (no-op) while its caller waits in awaitAll
  }

  /** Wakes every thread that may wait for {@code r} (the queue died or closes). */
  static void wakeAll(Request r) {
    LockSupport.unpark(r.waiter);
    Group g = r.group;
    if (g != null) {
      LockSupport.unpark(g.waiter);
    }
  }

  /**
   * Waits for a request given to {@link DeviceQueue#enqueue} / {@link DeviceQueue#submitAll}.
   *
   * @return true, or false for an AES-GCM tag mismatch
   */
  boolean await(Request r, long deadlineNanoTime) throws DeviceException {
    // A device RSA private-key operation takes tens to hundreds of microseconds (DEVICE-MODEL.md:
    // ~80 us for RSA-2048 on HPRE), far beyond what a spin can catch: its caller parks at once
    // rather than burn ~10 us of host CPU per signature spinning (issue 5, DeviceCpuProbe).
    int spinLimit = r.op() == Opcode.RSA_PRIV_CRT ? 0 : SPIN_ITERATIONS;
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
      q.reaper.wantCompletions(1);
    }
    while (true) {
      int st = r.state.get();
      if (st == Request.COMPLETED) {
        return r.passed(q.name);
      }
      if (st == Request.QUEUED) {
        long now = System.nanoTime();
        int dead = q.deadStatus;
        long busy = r.busyDeadline;
        boolean overBudget = (busy != 0 && now - busy >= 0) || now - deadlineNanoTime >= 0;
        if (dead != 0 || q.closed || overBudget) {
          if (r.state.compareAndSet(Request.QUEUED, Request.NEW)) {
            q.inflight.remove(r.tag);
            DeviceQueue.unpin(r); // the device never saw it; the caller owns the buffer again
            if (dead != 0) {
              throw NativeStatus.toDeviceException(dead, q.name + ": queue failed before submission");
            }
            if (q.closed) {
              throw NativeStatus.closed(q.name + " closed");
            }
            q.busySpills.increment();
            throw NativeStatus.busy(q.name + ": queue full (EAGAIN) beyond the busy budget");
          }
          continue; // a flush claimed it meanwhile
        }
        if (q.inlineCompletion) {
          q.reaper.reapInline(); // our own unreaped completions may be what fills the ring
        }
        long waited = now - r.queuedAt;
        if (q.onDevice.get() < q.saturation || waited >= DeviceQueue.COALESCE_MAX_NANOS) {
          q.submission.flush();
        }
        if (r.state.get() == Request.QUEUED) {
          if (spins++ < Math.min(16, spinLimit)) {
            Thread.onSpinWait();
          } else if (q.reaper.hasThread() && busy == 0) {
            // Waiting behind a busy device, not a full ring: the reaper flushes it after its next
            // drain (at the latest after WAIT_MS), and its completion unparks this caller. Sleeping
            // only until the coalescing window ran out instead woke every caller once more per
            // request (~10 ms per RSA signature at 64 callers, 2 ms window): a timer and a context
            // switch for nothing (issue 5, DeviceCpuProbe). A ring that refuses it sets the busy
            // budget and unparks this caller (Submission), which then sleeps by the branch below.
            r.parkDeadline = deadlineNanoTime; // for expireWaiters, before the park (see parkUntil)
            parkUntil(deadlineNanoTime, MAX_PARK_NANOS);
          } else {
            // The reaper flushes everything pending after each drain, so a queued request needs
            // no polling: sleep until this caller's own flush is due (the coalescing window, or
            // the busy budget / deadline if sooner). Polling every few microseconds instead cost
            // 64 parked callers on 2 cores most of their host CPU (issue 5, DeviceCpuProbe).
            long until = Math.max(DeviceQueue.COALESCE_MAX_NANOS - waited, QUEUED_PARK_NANOS);
            if (busy != 0) {
              until = Math.min(until, busy - now);
            }
            until = Math.min(until, deadlineNanoTime - now);
            LockSupport.parkNanos(q, Math.max(1, until));
          }
        }
        continue;
      }
      if (st == Request.NEW) {
        throw new IllegalStateException("request was not submitted");
      }
      if (q.inlineCompletion) {
        // Only inline-completion queues reap on the caller's thread. Reaping while spinning on an
        // asynchronous queue was tried (issue 5, low-load latency): it did not shorten the Java
        // path's round trip on the emulated device (~110-175 us either way on the loaded 2-vCPU
        // VM, whatever the spin length) and it costs host CPU per request, so the reaper thread
        // delivers completions. accel_wait lets a reap run beside it should that change.
        q.reaper.reapInline();
        if (r.state.get() == Request.COMPLETED) {
          return r.passed(q.name);
        }
      }
      if (spins < spinLimit && q.deadStatus == 0 && !q.closed) {
        // The spin reads no clock (a nanoTime costs more than the pause on this VM); the deadline
        // is checked once it is over, at most a few microseconds late.
        spins++;
        Thread.onSpinWait();
        continue;
      }
      int dead = q.deadStatus;
      long now = System.nanoTime();
      boolean expired = now - deadlineNanoTime >= 0;
      if (dead != 0 || q.closed || expired) {
        if (r.state.compareAndSet(Request.SUBMITTED, Request.ABANDONED)) {
          // The device may still write the buffer: it stays in `inflight` (quarantined) until
          // its completion arrives or the queue is destroyed.
          q.quarantine(r);
          if (dead != 0) {
            throw NativeStatus.toDeviceException(dead, q.name + ": queue failed with the request in flight");
          }
          if (q.closed) {
            throw NativeStatus.closed(q.name + " closed");
          }
          q.timeouts.increment();
          q.leftDevice(r);
          throw NativeStatus.timeout(q.name + ": no completion before the deadline");
        }
        if (r.state.get() == Request.COMPLETED) {
          return r.passed(q.name);
        }
        // close() abandoned it for us.
        throw NativeStatus.closed(q.name + " closed");
      }
      r.parkDeadline = deadlineNanoTime; // for expireWaiters, before the park (see parkUntil)
      parkUntil(deadlineNanoTime, q.inlineCompletion ? 20_000 : MAX_PARK_NANOS);
    }
  }

  /**
   * Parks the calling waiter until unparked or about {@code deadlineNanoTime}. A timed park of a
   * virtual thread arms a timer on the scheduler's delay thread: DeviceCpuProbe saw that thread
   * switch twice per batch of 16 signatures, as often as both carriers together (issue 5). So on
   * a queue with a reaper thread a virtual thread parks untimed, the caller having published its
   * deadline (Request/Group {@code parkDeadline}) for {@link Reaper#expireWaiters}; completion,
   * queue death and close unpark it as before. Platform threads park with a timeout (a futex
   * timeout costs no other thread anything).
   */
  private void parkUntil(long deadlineNanoTime, long maxNanos) {
    if (q.reaper.hasThread() && Thread.currentThread().isVirtual()) {
      LockSupport.park(q);
    } else {
      LockSupport.parkNanos(q, Math.max(1, Math.min(deadlineNanoTime - System.nanoTime(), maxNanos)));
    }
  }
}

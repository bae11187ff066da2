package dev.accel.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Host CPU of one thread hand-off on this machine: one thread sleeps ({@code LockSupport.park})
 * and another wakes it ({@code unpark}), the step a platform-thread JCA caller cannot avoid once
 * per device signature (its request takes milliseconds under load, far beyond a spin). Two
 * threads ping-pong; process CPU over the round trips, divided by two hand-offs each, is what one
 * sleep plus one wake-up costs both sides together. {@link DeviceCpuProbe} counts the same costs
 * inside its host CPU per signature, so this separates the operating system's share (issue 5).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.accel.bench.HandoffProbe [round trips] [rounds]}
 * (defaults 200000 5), for platform threads, then virtual threads.
 */
public final class HandoffProbe {
  private HandoffProbe() {}

  public static void main(String[] args) throws Exception {
    int trips = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Math.max(1, Integer.parseInt(args[1])) : 5;
    for (String kind : new String[] {"platform", "virtual"}) {
      run(kind, trips / 10, 1); // warm-up: C2 compiles the loop
      double[] us = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        us[i] = run(kind, trips, i + 1);
      }
      System.out.printf("%s threads: host CPU per hand-off (one park + one unpark), median of %d rounds: %.2f us%n",
          kind, rounds, AdaptiveRouterProbe.median(us));
    }
  }

  /** One round of {@code trips} round trips; prints and returns process CPU per hand-off (us). */
  private static double run(String kind, int trips, int round) throws Exception {
    Pair p = new Pair();
    Thread.Builder b = kind.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform();
    long cpu0 = DeviceCpuProbe.cpu()[0];
    long t0 = System.nanoTime();
    Thread pong = b.start(() -> {
      for (int i = 0; i < trips; i++) {
        p.await(1);
        p.pass(0, p.ping);
      }
    });
    p.pong = pong;
    Thread ping = b.start(() -> {
      for (int i = 0; i < trips; i++) {
        p.pass(1, p.pong);
        p.await(0);
      }
    });
    p.ping = ping;
    p.ready = true;
    ping.join();
    pong.join();
    long wall = System.nanoTime() - t0;
    long cpu = DeviceCpuProbe.cpu()[0] - cpu0;
    double perHandoff = cpu / 1000.0 / (2.0 * trips);
    System.out.printf("  %s round %d: %d round trips in %.2f s, process CPU %.2f s: %.2f us per hand-off, %.2f us wall%n",
        kind, round, trips, wall / 1e9, cpu / 1e9, perHandoff, wall / 1000.0 / (2.0 * trips));
    return perHandoff;
  }

  /** Whose turn it is (0: ping, 1: pong); each side parks until the turn is its own. */
  private static final class Pair {
    volatile int turn;
    volatile boolean ready;
    volatile Thread ping;
    volatile Thread pong;

    void pass(int to, Thread other) {
      turn = to;
      while (other == null || !ready) { // the other thread's handle is published just after start
        Thread.onSpinWait();
        other = to == 0 ? ping : pong;
      }
      LockSupport.unpark(other);
    }

    void await(int mine) {
      while (turn != mine) {
        LockSupport.park(this);
      }
    }
  }
}

package dev.accel.ffm;

import java.lang.ref.Cleaner;

/**
 * The Cleaner behind every native owner's safety net. Explicit {@code close()} is the rule; the
 * cleaner only releases what a forgotten owner left behind.
 */
public final class NativeCleaner {
  private NativeCleaner() {}

  private static final Cleaner CLEANER = Cleaner.create(r -> {
    Thread t = new Thread(r, "accel-native-cleaner");
    t.setDaemon(true);
    return t;
  });

  /** Registers {@code action} to run once {@code owner} is unreachable (or on clean()). */
  public static Cleaner.Cleanable register(Object owner, Runnable action) {
    return CLEANER.register(owner, action);
  }
}

package dev.accel.api;

/**
 * One known-answer test of one route ({@code AccelProvider.runSelfTests()}, {@code accel
 * selftest}): which device or software tier, which test, and its outcome.
 *
 * @param device the device name ({@code cpu0}, {@code emu0}) or {@code software:<tier>}
 * @param detail why it failed or was skipped; empty on PASS
 */
public record SelfTestResult(String device, String test, Outcome outcome, String detail) {
  /** PASS, FAIL, or SKIP (the route does not offer the operation). */
  public enum Outcome {
    PASS,
    FAIL,
    SKIP
  }

  public boolean failed() {
    return outcome == Outcome.FAIL;
  }

  @Override
  public String toString() {
    return String.format("%-8s %-28s %s%s", device, test, outcome, detail.isEmpty() ? "" : "  " + detail);
  }
}

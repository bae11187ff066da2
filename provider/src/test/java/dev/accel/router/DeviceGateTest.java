package dev.accel.router;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.device.DeviceException;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.NativeDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The breaker's two rules, driven outcome by outcome (no device traffic, no clock): a run of
 * consecutive failures, and a failure rate over a window of {@link DeviceGate#WINDOW} requests
 * that catches a device failing one request in four with successes between (issue 19: lost
 * completions pinned memory without bound because the successes reset the run).
 */
class DeviceGateTest {
  private static NativeDevice emu;

  @BeforeAll
  static void open() throws Exception {
    emu = Devices.open("emu", DeviceOptions.defaults());
  }

  @AfterAll
  static void close() {
    emu.close();
  }

  private static DeviceGate gate(int percent) {
    return new DeviceGate(emu, 16, percent, 1_000_000_000L, Integer.MAX_VALUE);
  }

  @Test
  void oneFailureInFourOpensTheBreakerWithinOneWindow() {
    DeviceGate g = gate(10);
    for (int i = 0; i < DeviceGate.WINDOW - 1; i++) {
      if (i % 4 == 3) {
        g.onFailure(DeviceException.Reason.TIMEOUT, "lost completion");
      } else {
        g.onSuccess();
      }
      assertFalse(g.isOpen(), "open before the window was complete, at " + i);
    }
    g.onSuccess(); // the 64th request completes the window: 15 of 64 failed
    assertTrue(g.isOpen(), g.state());
    assertTrue(g.reason().contains("15 of the last 64 requests failed"), g.reason());
  }

  @Test
  void aRateBelowTheLimitAndTheRuleSwitchedOffKeepItClosed() {
    DeviceGate low = gate(10);
    DeviceGate off = gate(0);
    for (int i = 0; i < 10 * DeviceGate.WINDOW; i++) {
      for (DeviceGate g : new DeviceGate[] {low, off}) {
        if (i % 16 == 15) { // 6.25 %
          g.onFailure(DeviceException.Reason.TIMEOUT, "lost completion");
        } else if (g == off && i % 4 == 3) { // 25 % + 6.25 %, never 16 in a row
          g.onFailure(DeviceException.Reason.DEVICE_ERROR, "error");
        } else {
          g.onSuccess();
        }
      }
    }
    assertFalse(low.isOpen(), low.state());
    assertFalse(off.isOpen(), off.state());
  }

  @Test
  void busyAndRejectedAreNotFailures() {
    DeviceGate g = gate(10);
    for (int i = 0; i < 4 * DeviceGate.WINDOW; i++) {
      g.onFailure(i % 2 == 0 ? DeviceException.Reason.BUSY : DeviceException.Reason.REJECTED, "not a fault");
    }
    assertFalse(g.isOpen(), g.state());
  }

  @Test
  void consecutiveFailuresStillOpenItAtOnce() {
    DeviceGate g = gate(0);
    for (int i = 0; i < 15; i++) {
      g.onFailure(DeviceException.Reason.DEVICE_ERROR, "error");
    }
    assertFalse(g.isOpen());
    g.onFailure(DeviceException.Reason.DEVICE_ERROR, "error");
    assertTrue(g.isOpen(), g.state());
  }
}

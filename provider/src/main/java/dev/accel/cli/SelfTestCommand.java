package dev.accel.cli;

import dev.accel.device.DeviceOptions;
import dev.accel.device.DeviceSelfTest;
import dev.accel.device.Devices;
import dev.accel.device.NativeDevice;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code accel selftest}: known-answer tests for every opcode on every available device, checked
 * against the JDK. Exit status 1 on any failure.
 */
final class SelfTestCommand implements Command {
  @Override
  public String name() {
    return "selftest";
  }

  @Override
  public String summary() {
    return "known-answer tests of every opcode on every available device (exit 1 on a failure or when nothing was tested)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    int pass = 0, fail = 0, skip = 0, devices = 0;
    for (String backend : Devices.BACKENDS) {
      Devices.Probe p = Devices.probe(backend);
      if (!p.available()) {
        out.println(backend + ": skipped (" + p.reason() + ")");
        continue;
      }
      try (NativeDevice d = Devices.open(backend, DeviceOptions.defaults())) {
        devices++;
        for (dev.accel.api.SelfTestResult r : DeviceSelfTest.run(d)) {
          out.println(r);
          switch (r.outcome()) {
            case PASS -> pass++;
            case FAIL -> fail++;
            case SKIP -> skip++;
          }
        }
      } catch (Exception e) {
        out.println(backend + ": open failed: " + e.getMessage() + "  FAIL");
        fail++;
      }
    }
    out.printf("selftest: %d device(s), %d passed, %d failed, %d skipped%n", devices, pass, fail, skip);
    if (pass == 0 && fail == 0) {
      // A health gate must not pass on a run that checked nothing (no device, no native library).
      err.println("selftest: nothing was tested");
      return 1;
    }
    return fail == 0 ? 0 : 1;
  }
}

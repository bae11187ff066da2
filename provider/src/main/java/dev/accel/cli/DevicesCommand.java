package dev.accel.cli;

import dev.accel.device.DeviceCapabilities;
import dev.accel.device.DeviceHealth;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.NativeDevice;
import dev.accel.ffm.NativeLibrary;
import dev.accel.ffm.Opcode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code accel devices}: every backend, available or why not, and each device's limits. */
final class DevicesCommand implements Command {
  @Override
  public String name() {
    return "devices";
  }

  @Override
  public String summary() {
    return "list backends (emu, cpu, uadk), why one is absent, and each device's capabilities and health";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    out.println("native shim: " + NativeLibrary.describe());
    for (String backend : Devices.BACKENDS) {
      Devices.Probe p = Devices.probe(backend);
      if (!p.available()) {
        out.println(backend + ": not available: " + p.reason());
        if (backend.equals("uadk")) {
          printUacce(out);
        }
        continue;
      }
      if (backend.equals("uadk")) {
        printUacce(out);
      }
      try (NativeDevice d = Devices.open(backend, DeviceOptions.defaults())) {
        out.println(backend + ": available");
        print(d, out);
        if (backend.equals("cpu")) {
          // the emulated device computes with the same kernels
          out.println("  kernels (cpu engine and emu):");
          for (String line : Devices.kernels()) {
            out.println("    " + line);
          }
          // which side serves each operation and size in the cpu device (accel.cpu.kernels)
          String pin = dev.accel.config.AccelConfig.fromEnvironment().cpuKernels();
          out.println("  cpu device plan (accel.cpu.kernels=" + pin + "): operation, kernel by size, why");
          for (String line : dev.accel.device.CpuDevice.describe(dev.accel.device.CpuDevice.plan(pin))) {
            out.println("    " + line);
          }
        }
      } catch (Exception e) {
        out.println(backend + ": probe ok but open failed: " + e.getMessage());
      }
    }
    return 0;
  }

  /** Every UACCE device with its sysfs state and, when unusable, why. */
  static void printUacce(PrintStream out) {
    List<Devices.UacceDevice> devs = Devices.uacceDevices();
    if (devs.isEmpty()) {
      out.println("  UACCE devices: none under " + Devices.uacceSysfsRoot());
      return;
    }
    out.println("  UACCE devices under " + Devices.uacceSysfsRoot() + ":");
    for (Devices.UacceDevice u : devs) {
      out.printf("    %-14s %-8s api %s, flags %d (%s), algorithms %s, free queues %d, NUMA %d%s%n",
          u.name(), u.usable() ? "usable" : "UNUSABLE", u.api(), u.flags(),
          (u.flags() & 1) != 0 ? "SVA" : "no SVA", String.join(",", u.algorithms()),
          u.availableInstances(), u.numaNode(), u.usable() ? "" : ": " + u.reason());
    }
  }

  static void print(NativeDevice d, PrintStream out) {
    DeviceCapabilities c = d.capabilities();
    List<String> ops = new ArrayList<>();
    for (int op = 1; op <= Opcode.MAX; op++) {
      if (c.supportsOp(op)) {
        ops.add(Opcode.name(op));
      }
    }
    List<String> aes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      if ((c.aesKeyMask() & (1 << i)) != 0) {
        aes.add(String.valueOf(128 + 64 * i));
      }
    }
    String rsa;
    if (c.rsaAnySize()) {
      rsa = "any multiple of 8 in [" + c.rsaMinBits() + ", " + c.rsaMaxBits() + "]";
    } else {
      List<String> sizes = new ArrayList<>();
      int[] bits = {1024, 2048, 3072, 4096};
      for (int i = 0; i < bits.length; i++) {
        if ((c.rsaBitsMask() & (1 << i)) != 0) {
          sizes.add(String.valueOf(bits[i]));
        }
      }
      rsa = String.join(", ", sizes);
    }
    DeviceHealth h = d.health();
    out.printf("  name        %s%n", c.name());
    out.printf("  backend     %s%n", c.backend());
    out.printf("  driver      %s%n", c.driver());
    out.printf("  opcodes     %s%n", String.join(" ", ops));
    out.printf("  AES keys    %s bits%n", String.join(", ", aes));
    out.printf("  GCM         IV %d..%d B, tag %d..%d B (open >= %d), AAD <= %d B, data+AAD <= %d B, empty payload %s%n",
        c.gcmIvMinBytes(), c.gcmIvMaxBytes(), c.gcmTagMinBytes(), c.gcmTagMaxBytes(),
        c.gcmOpenTagMinBytes(), c.gcmAadMaxBytes(), c.gcmDataMaxBytes(), c.gcmEmptyPayloadOk() ? "ok" : "rejected");
    out.printf("  digest      <= %d B%n", c.digestDataMaxBytes());
    out.printf("  RSA         %s bits%n", rsa);
    out.printf("  queues      depth max %d, budget %d, opened with depth %d x %d%n",
        c.queueDepthMax(), c.queuesMax(), d.queueDepth(), d.queueCount());
    out.printf("  engines     %d%n", c.engines());
    out.printf("  profile     %s%n", c.profile().isEmpty() ? "-" : c.profile());
    out.printf("  health      %s%s (queues open %d, submitted %d, completed %d, errors %d)%n",
        h.state(), h.reason().isEmpty() ? "" : ": " + h.reason(), h.queuesOpen(), h.submitted(), h.completed(), h.errors());
  }
}

package dev.accel.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DevicesTest {

  @Test
  void emuAndCpuAreAvailable() {
    for (String b : new String[] {"emu", "cpu"}) {
      Devices.Probe p = Devices.probe(b);
      assertTrue(p.available(), b + ": " + p.reason());
      assertEquals("", p.reason());
    }
  }

  @Test
  void uadkReportsWhyItIsAbsent() {
    Devices.Probe p = Devices.probe("uadk");
    boolean hasUacce = Files.isDirectory(Path.of("/sys/class/uacce"));
    assertFalse(p.available(), "no UACCE hardware on this machine");
    if (!hasUacce) {
      assertEquals("no SEC2/HPRE devices under /sys/class/uacce", p.reason());
    } else {
      assertFalse(p.reason().isEmpty());
    }
    DeviceException e = assertThrows(DeviceException.class, () -> Devices.open("uadk", DeviceOptions.defaults()));
    assertEquals(DeviceException.Reason.GONE, e.reason());
    assertTrue(e.getMessage().startsWith("uadk: "), e.getMessage());
  }

  @Test
  void unknownBackendIsAnArgumentError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.probe("qat"));
    assertEquals("unknown backend qat (emu, cpu, uadk)", e.getMessage());
  }

  @Test
  void openReturnsANewDeviceWithTheRequestedOptions() throws Exception {
    DeviceOptions o = DeviceOptions.defaults().withEngines(3).withQueueDepth(64).withQueues(2)
        .withProfile(EmulatorControl.Profile.SEC_920);
    try (NativeDevice a = Devices.open("emu", o); NativeDevice b = Devices.open("emu", o)) {
      assertNotSame(a, b);
      assertEquals(3, a.capabilities().engines());
      assertEquals("sec-920", a.capabilities().profile());
      assertEquals(64, a.queueDepth());
      assertEquals(2, a.queueCount());
      assertNotSame(a.queue(), a.queue(), "two queues, round-robin");
      assertTrue(a.emulator().isPresent());
    }
    try (NativeDevice cpu = Devices.open("cpu", DeviceOptions.defaults())) {
      assertEquals(256, cpu.queueDepth(), "cpu default depth");
      assertTrue(cpu.emulator().isEmpty());
    }
    try (NativeDevice emu = Devices.open("emu", DeviceOptions.defaults())) {
      assertEquals(1024, emu.queueDepth(), "emu default depth");
    }
  }

  @Test
  void sharedDevicesAreCachedPerBackendAndProfile() throws Exception {
    NativeDevice a = Devices.shared("emu", DeviceOptions.defaults());
    assertSame(a, Devices.shared("emu", DeviceOptions.defaults().withEngines(4)));
    NativeDevice b = Devices.shared("emu", DeviceOptions.defaults().withProfile(EmulatorControl.Profile.HPRE_920));
    assertNotSame(a, b);
    NativeDevice c = Devices.shared("cpu", DeviceOptions.defaults());
    assertNotSame(a, c);
    b.close();
    NativeDevice b2 = Devices.shared("emu", DeviceOptions.defaults().withProfile(EmulatorControl.Profile.HPRE_920));
    assertNotSame(b, b2, "closing a shared device drops it from the cache");
    b2.close();
  }

  @Test
  void closedDeviceRefusesWork() throws Exception {
    NativeDevice d = Devices.open("cpu", DeviceOptions.defaults());
    d.close();
    d.close(); // idempotent
    assertEquals(DeviceHealth.State.UNAVAILABLE, d.health().state());
    assertThrows(IllegalStateException.class,
        () -> d.run(new dev.accel.engine.Op.Digest(dev.accel.core.DigestAlgorithm.SHA256, new byte[1], 0, 1, new byte[32], 0)));
  }

  @Test
  void optionsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> DeviceOptions.defaults().withQueueDepth(100));
    assertThrows(IllegalArgumentException.class, () -> DeviceOptions.defaults().withQueues(0));
    assertThrows(IllegalArgumentException.class, () -> DeviceOptions.defaults().withDefaultTimeoutNanos(0));
  }
}

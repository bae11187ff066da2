package dev.accel.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.device.EmulatorControl.Fault;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DeviceSelfTestTest {

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu"})
  void everyOpcodePasses(String backend) throws Exception {
    try (NativeDevice d = Devices.open(backend, DeviceOptions.defaults())) {
      List<dev.accel.api.SelfTestResult> rs = DeviceSelfTest.run(d);
      assertEquals(15, rs.size(), rs.toString()); // 3 x GCM (seal, open, bad-tag) + 4 SHA + 2 RSA
      for (dev.accel.api.SelfTestResult r : rs) {
        assertEquals(dev.accel.api.SelfTestResult.Outcome.PASS, r.outcome(), r.toString());
      }
    }
  }

  @Test
  void aCorruptedResultFailsExactlyOneTest() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      d.emulator().orElseThrow().inject(Fault.CORRUPT, 1, 0); // flips the first GCM seal's tag
      List<dev.accel.api.SelfTestResult> failed = DeviceSelfTest.run(d).stream().filter(dev.accel.api.SelfTestResult::failed).toList();
      assertEquals(1, failed.size(), failed.toString());
      assertEquals("AES-128-GCM seal", failed.get(0).test());
      assertTrue(failed.get(0).detail().contains("differs from SunJCE"));
    }
  }
}

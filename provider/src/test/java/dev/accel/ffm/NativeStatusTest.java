package dev.accel.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.device.DeviceException;
import dev.accel.device.DeviceException.Reason;
import org.junit.jupiter.api.Test;

class NativeStatusTest {

  @Test
  void codesMatchTheHeader() {
    assertEquals(-5, NativeStatus.EIO);
    assertEquals(-11, NativeStatus.EAGAIN);
    assertEquals(-12, NativeStatus.ENOMEM);
    assertEquals(-16, NativeStatus.EBUSY);
    assertEquals(-19, NativeStatus.ENODEV);
    assertEquals(-22, NativeStatus.EINVAL);
    assertEquals(-74, NativeStatus.EBADMSG);
    assertEquals(-95, NativeStatus.ENOTSUP);
    assertEquals(-110, NativeStatus.ETIMEDOUT);
    assertEquals(-114, NativeStatus.EALREADY);
    assertEquals(-125, NativeStatus.ECANCELED);
    assertEquals(-1000, NativeStatus.EQUEUE);
  }

  @Test
  void reasonsFollowTheRouterContract() {
    assertEquals(Reason.BUSY, NativeStatus.reason(NativeStatus.EAGAIN));
    assertEquals(Reason.BUSY, NativeStatus.reason(NativeStatus.EBUSY));
    assertEquals(Reason.DEVICE_ERROR, NativeStatus.reason(NativeStatus.EIO));
    assertEquals(Reason.QUEUE_ERROR, NativeStatus.reason(NativeStatus.EQUEUE));
    assertEquals(Reason.GONE, NativeStatus.reason(NativeStatus.ENODEV));
    assertEquals(Reason.GONE, NativeStatus.reason(NativeStatus.ECANCELED));
    assertEquals(Reason.TIMEOUT, NativeStatus.reason(NativeStatus.ETIMEDOUT));
    assertEquals(Reason.REJECTED, NativeStatus.reason(NativeStatus.EINVAL));
    assertEquals(Reason.REJECTED, NativeStatus.reason(NativeStatus.ENOTSUP));
  }

  @Test
  void exceptionsCarryCodeAndName() {
    DeviceException d = NativeStatus.toDeviceException(NativeStatus.EIO, 0xbeef, "op");
    assertEquals(Reason.DEVICE_ERROR, d.reason());
    assertEquals(NativeStatus.EIO, d.nativeStatus());
    assertTrue(d.getMessage().contains("ACCEL_EIO") && d.getMessage().contains("0xbeef"), d.getMessage());

    NativeException n = assertThrows(NativeException.class, () -> NativeStatus.check(NativeStatus.ENODEV, "accel_dev_open"));
    assertEquals(NativeStatus.ENODEV, n.code());
    assertEquals("ACCEL_ENODEV", n.codeName());
    assertEquals("accel_dev_open: ACCEL_ENODEV", n.getMessage());
    NativeStatus.check(NativeStatus.OK, "fine");
    assertEquals("ACCEL_E(-7)", NativeStatus.name(-7));
  }
}

package dev.accel.ffm;

import dev.accel.testing.Ops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.core.DigestAlgorithm;
import dev.accel.device.DeviceException;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.NativeDevice;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
  private DeviceHandle dev;
  private BufferPool pool;

  @BeforeEach
  void open() {
    dev = DeviceHandle.open(Opcode.BACKEND_CPU, 0, 0, -1, 0, 0);
    pool = new BufferPool(dev, 32L << 20);
  }

  @AfterEach
  void close() {
    pool.close();
    dev.close();
  }

  @Test
  void sizeClassesArePowersOfTwoFrom256BytesTo16MiB() {
    assertEquals(256, BufferPool.capacityFor(0));
    assertEquals(256, BufferPool.capacityFor(256));
    assertEquals(512, BufferPool.capacityFor(257));
    assertEquals(1 << 20, BufferPool.capacityFor((1 << 20) - 1));
    assertEquals(16 << 20, BufferPool.capacityFor(16 << 20));
    assertEquals((16 << 20) + 4096, BufferPool.capacityFor((16 << 20) + 1), "beyond 16 MiB: exact, page-rounded");
  }

  @Test
  void releasedBuffersAreReusedAndWiped() throws DeviceException {
    NativeBuffer a = pool.acquire(1000);
    assertEquals(1024, a.capacity());
    assertEquals(0, a.address(0) % 64, "accel_buf_alloc is 64-byte aligned");
    a.fill(0, a.capacity(), (byte) 0x7f);
    assertEquals(1, pool.outstanding());
    pool.release(a, 1000);
    assertEquals(0, pool.outstanding());
    NativeBuffer b = pool.acquire(600);
    assertEquals(a.address(0), b.address(0), "same size class: the pooled buffer comes back");
    assertEquals(1, pool.allocations());
    for (int i = 0; i < 1000; i++) {
      assertEquals(0, b.segment.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " was not wiped");
    }
    pool.release(b, 0);
  }

  @Test
  void oversizedBuffersAreNotPooled() throws DeviceException {
    NativeBuffer big = pool.acquire((16 << 20) + 1);
    pool.release(big, 0);
    assertEquals(0, pool.pooledBytes());
  }

  @Test
  void closeFreesIdleBuffersAndRefusesNewOnes() throws DeviceException {
    pool.release(pool.acquire(4096), 0);
    assertTrue(pool.pooledBytes() > 0);
    pool.close();
    assertEquals(0, pool.pooledBytes());
    DeviceException e = assertThrows(DeviceException.class, () -> pool.acquire(1));
    assertEquals(DeviceException.Reason.GONE, e.reason());
  }

  @Test
  void aDeviceRequestReturnsItsBufferOnlyAfterCompletion() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      byte[] out = new byte[32];
      Ops.digest(d, DigestAlgorithm.SHA256, new byte[100], 0, 100, out, 0, 0);
      assertEquals(0, d.bufferPool().outstanding());
      assertEquals(1, d.bufferPool().allocations());
      Ops.digest(d, DigestAlgorithm.SHA256, new byte[100], 0, 100, out, 0, 0);
      assertEquals(1, d.bufferPool().allocations(), "second request reuses the pooled buffer");
    }
  }
}

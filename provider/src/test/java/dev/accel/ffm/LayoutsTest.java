package dev.accel.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Java layouts against accel_shim.h's documented sizes and the loaded shim's accel_abi_sizeof. */
class LayoutsTest {

  @Test
  void structSizesMatchTheHeaderComments() {
    assertEquals(96, Layouts.DESC.byteSize());
    assertEquals(24, Layouts.CQE.byteSize());
    assertEquals(192, Layouts.CAPS.byteSize());
    assertEquals(136, Layouts.HEALTH.byteSize());
    assertEquals(24, Layouts.DEV_CONFIG.byteSize());
    assertEquals(120, Layouts.RSA_KEY.byteSize());
    assertEquals(16, Layouts.BN.byteSize());
  }

  @Test
  void structSizesMatchTheLoadedShim() {
    assertTrue(NativeLibrary.isAvailable(), () -> "shim unavailable: " + NativeLibrary.unavailabilityCause());
    assertEquals(NativeLibrary.ABI_VERSION, Shim.abiVersion());
    MemoryLayout[] byId = {null, Layouts.DESC, Layouts.CQE, Layouts.CAPS, Layouts.HEALTH,
        Layouts.DEV_CONFIG, Layouts.RSA_KEY, Layouts.BN};
    for (int id = 1; id < byId.length; id++) {
      assertEquals(byId[id].byteSize(), Shim.abiSizeof(id), "struct id " + id);
    }
    assertEquals(0, Shim.abiSizeof(999), "unknown struct id");
  }

  @Test
  void offsetsOfFieldsThatFollowPaddingOrArrays() {
    assertEquals(80, Layouts.DESC_IV_LEN);
    assertEquals(84, Layouts.DESC_TAG_LEN);
    assertEquals(88, Layouts.DESC_TAG);
    assertEquals(8, Layouts.CQE_STATUS);
    assertEquals(16, Layouts.CQE_DETAIL);
    assertEquals(32, Layouts.CAPS_GCM_AAD_MAX);
    assertEquals(80, Layouts.CAPS_DIGEST_DATA_MAX);
    assertEquals(96, Layouts.CAPS_NAME);
    assertEquals(128, Layouts.CAPS_DRIVER);
    assertEquals(40, Layouts.HEALTH_REASON);
    assertEquals(8, Layouts.RSA_N);
    assertEquals(104, Layouts.RSA_QINV);
  }

  @Test
  void fixedStringStopsAtNulAndAtTheFieldEnd() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocate(8);
      s.copyFrom(MemorySegment.ofArray("abc\0zzzz".getBytes(StandardCharsets.US_ASCII)));
      assertEquals("abc", Layouts.fixedString(s, 0, 8));
      s.copyFrom(MemorySegment.ofArray("abcdefgh".getBytes(StandardCharsets.US_ASCII)));
      assertEquals("abcd", Layouts.fixedString(s, 0, 4), "no terminator: bounded by the field");
    }
  }
}

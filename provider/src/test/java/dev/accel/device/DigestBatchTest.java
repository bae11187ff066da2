package dev.accel.device;

import dev.accel.testing.Ops;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.core.DigestAlgorithm;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Digest batches on the cpu engine (multi-buffer kernel, messages packed per thread) and on the
 * emulated device (ring), against SUN: every length class around the SHA-2 padding boundaries,
 * empty messages, batches larger than the packing limit, and batches larger than one kernel call.
 */
class DigestBatchTest {
  private static final long T = 30_000_000_000L;

  @ParameterizedTest
  @EnumSource(value = DigestAlgorithm.class, names = {"SHA224", "SHA256", "SHA384", "SHA512"})
  void batchesMatchSun(DigestAlgorithm alg) throws Exception {
    Random r = new Random(alg.ordinal());
    for (String backend : new String[] {"cpu", "emu"}) {
      NativeDevice d = Devices.open(backend, DeviceOptions.defaults());
      try {
        for (int n : new int[] {1, 2, 17, 64, 300}) {
          List<byte[]> msgs = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            int len = switch (i % 6) {
              case 0 -> 0;
              case 1 -> 55 + r.nextInt(3); // SHA-256 padding boundary
              case 2 -> 111 + r.nextInt(3); // SHA-512 padding boundary
              case 3 -> 64 * (1 + r.nextInt(4));
              case 4 -> r.nextInt(300);
              default -> r.nextInt(3000);
            };
            byte[] m = new byte[len];
            r.nextBytes(m);
            msgs.add(m);
          }
          check(d, alg, msgs);
        }
        // more than the per-thread packing limit: hashed message by message, same results
        List<byte[]> big = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          byte[] m = new byte[120_000 + i];
          r.nextBytes(m);
          big.add(m);
        }
        check(d, alg, big);
      } finally {
        d.close();
      }
    }
  }

  private static void check(NativeDevice d, DigestAlgorithm alg, List<byte[]> msgs) throws Exception {
    List<BatchOutcome> out = Ops.digestBatch(d, alg, msgs, T);
    assertEquals(msgs.size(), out.size());
    for (int i = 0; i < msgs.size(); i++) {
      BatchOutcome o = out.get(i);
      assertTrue(o.ok(), () -> d.backend() + " " + alg + ": " + o.failure());
      byte[] want = MessageDigest.getInstance(alg.jcaName(), "SUN").digest(msgs.get(i));
      assertArrayEquals(want, o.value(), d.backend() + " " + alg + " message " + i + " (" + msgs.get(i).length + " bytes)");
    }
  }
}

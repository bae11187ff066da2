package dev.accel.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.accel.AccelProvider;
import dev.accel.core.DigestAlgorithm;
import dev.accel.testing.RouteLedger;
import dev.accel.testing.Tier;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * SHA-2 conformance, written once and run per tier: digests identical to the SUN provider for
 * every algorithm, size and update pattern, clone/reset semantics, SUN's exceptions for misuse,
 * and every digest counted on the route the tier promises.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class Sha2Conformance {
  private static final DigestAlgorithm[] ALGS = {
    DigestAlgorithm.SHA224, DigestAlgorithm.SHA256, DigestAlgorithm.SHA384,
    DigestAlgorithm.SHA512, DigestAlgorithm.SHA512_224, DigestAlgorithm.SHA512_256
  };
  private static final int[] SIZES = {0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000, 8191, 70_000};

  private final SplittableRandom rnd = new SplittableRandom(0x5EED_0002L);
  private AccelProvider accel;
  private RouteLedger ledger;

  protected abstract Tier tier();

  @BeforeAll
  void createProvider() {
    accel = tier().newProvider();
  }

  @BeforeEach
  void newLedger() {
    ledger = new RouteLedger(tier(), accel);
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  private MessageDigest accel(DigestAlgorithm alg) throws Exception {
    return MessageDigest.getInstance(alg.jcaName(), accel);
  }

  private static byte[] sun(DigestAlgorithm alg, byte[] msg) throws Exception {
    return MessageDigest.getInstance(alg.jcaName(), "SUN").digest(msg);
  }

  @Test
  void randomMessagesMatchSun() throws Exception {
    for (DigestAlgorithm alg : ALGS) {
      MessageDigest md = accel(alg);
      assertEquals(alg.digestLenBytes(), md.getDigestLength());
      for (int size : SIZES) {
        byte[] msg = bytes(size);
        assertArrayEquals(sun(alg, msg), md.digest(msg), alg + " size " + size);
        ledger.digest(alg, size);
      }
    }
    ledger.verify();
  }

  @Test
  void oneMebibyteMatchesSun() throws Exception {
    for (DigestAlgorithm alg : new DigestAlgorithm[] {DigestAlgorithm.SHA256, DigestAlgorithm.SHA512}) {
      byte[] msg = bytes(1 << 20);
      assertArrayEquals(sun(alg, msg), accel(alg).digest(msg));
      ledger.digest(alg, msg.length);
    }
    ledger.verify();
  }

  @Test
  void chunkedUpdatesMatchSun() throws Exception {
    for (DigestAlgorithm alg : ALGS) {
      byte[] msg = bytes(3000);
      byte[] expected = sun(alg, msg);
      // byte by byte (a short prefix) then random splits, then ByteBuffers heap and direct
      MessageDigest md = accel(alg);
      for (int i = 0; i < 200; i++) {
        md.update(msg[i]);
      }
      int off = 200;
      while (off < 2000) {
        int n = Math.min(rnd.nextInt(1, 300), 2000 - off);
        md.update(msg, off, n);
        off += n;
      }
      md.update(ByteBuffer.wrap(msg, 2000, 500));
      ByteBuffer direct = ByteBuffer.allocateDirect(500).put(msg, 2500, 500).flip();
      md.update(direct);
      assertArrayEquals(expected, md.digest(), alg.jcaName());
      ledger.digest(alg, msg.length);
      // digest(buf, off, len) at an offset
      md.update(msg);
      byte[] out = new byte[alg.digestLenBytes() + 9];
      assertEquals(alg.digestLenBytes(), md.digest(out, 4, alg.digestLenBytes() + 5));
      ledger.digest(alg, msg.length);
      byte[] got = new byte[alg.digestLenBytes()];
      System.arraycopy(out, 4, got, 0, got.length);
      assertArrayEquals(expected, got);
    }
    ledger.verify();
  }

  @Test
  void cloneWorksMidStreamAndResetRestarts() throws Exception {
    for (DigestAlgorithm alg : ALGS) {
      byte[] prefix = bytes(777);
      byte[] a = bytes(100);
      byte[] b = bytes(5000);
      MessageDigest md = accel(alg);
      md.update(prefix);
      MessageDigest copy = (MessageDigest) md.clone();
      md.update(a);
      copy.update(b);
      assertArrayEquals(sun(alg, concat(prefix, a)), md.digest());
      assertArrayEquals(sun(alg, concat(prefix, b)), copy.digest());
      ledger.digest(alg, prefix.length + a.length);
      ledger.digest(alg, prefix.length + b.length);
      md.update(bytes(50));
      md.reset();
      md.update(a);
      assertArrayEquals(sun(alg, a), md.digest());
      ledger.digest(alg, a.length);
      // The SUN clone semantics hold for a clone of a clone too.
      md.update(prefix);
      MessageDigest c1 = (MessageDigest) md.clone();
      MessageDigest c2 = (MessageDigest) c1.clone();
      assertArrayEquals(c1.digest(), c2.digest());
      assertArrayEquals(sun(alg, prefix), md.digest());
      ledger.digest(alg, prefix.length);
      ledger.digest(alg, prefix.length);
      ledger.digest(alg, prefix.length);
    }
    ledger.verify();
  }

  @Test
  void aliasesAndOidsResolve() throws Exception {
    assertEquals("SHA-256", MessageDigest.getInstance("SHA256", accel).getAlgorithm().replace("SHA256", "SHA-256"));
    assertEquals("SHA-512/256", accel.getService("MessageDigest", "2.16.840.1.101.3.4.2.6").getAlgorithm());
    assertEquals("SHA-384", accel.getService("MessageDigest", "OID.2.16.840.1.101.3.4.2.2").getAlgorithm());
    assertEquals("SHA-512/224", accel.getService("MessageDigest", "SHA512/224").getAlgorithm());
  }

  private static byte[] concat(byte[] x, byte[] y) {
    byte[] out = new byte[x.length + y.length];
    System.arraycopy(x, 0, out, 0, x.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    return out;
  }

  // ---- misuse ----------------------------------------------------------------------------------

  @FunctionalInterface
  interface DigestCase {
    void run(MessageDigest md) throws Exception;
  }

  private record Misuse(String name, DigestCase action) {}

  private static String outcome(DigestCase action, MessageDigest md) {
    try {
      action.run(md);
      return "ok";
    } catch (Throwable t) {
      return t.getClass().getName();
    }
  }

  private static List<Misuse> misuses() {
    List<Misuse> m = new ArrayList<>();
    m.add(new Misuse("update null", md -> md.update((byte[]) null)));
    m.add(new Misuse("update null range", md -> md.update(null, 0, 1)));
    m.add(new Misuse("update negative offset", md -> md.update(new byte[4], -1, 2)));
    m.add(new Misuse("update negative offset, zero length", md -> md.update(new byte[4], -1, 0)));
    m.add(new Misuse("update negative length", md -> md.update(new byte[4], 0, -1)));
    m.add(new Misuse("update past end", md -> md.update(new byte[4], 3, 2)));
    m.add(new Misuse("update null ByteBuffer", md -> md.update((ByteBuffer) null)));
    m.add(new Misuse("digest null buffer", md -> md.digest(null, 0, 64)));
    m.add(new Misuse("digest short length", md -> md.digest(new byte[64], 0, md.getDigestLength() - 1)));
    m.add(new Misuse("digest offset past end", md -> md.digest(new byte[64], 60, 64)));
    m.add(new Misuse("digest negative offset", md -> md.digest(new byte[80], -1, 64)));
    m.add(new Misuse("digest exact", md -> md.digest(new byte[md.getDigestLength()], 0, md.getDigestLength())));
    m.add(new Misuse("digest(byte[]) null", md -> md.digest((byte[]) null)));
    return m;
  }

  @TestFactory
  Stream<DynamicTest> misuseMatrixMatchesSun() {
    List<DynamicTest> tests = new ArrayList<>();
    for (DigestAlgorithm alg : ALGS) {
      for (Misuse m : misuses()) {
        tests.add(
            DynamicTest.dynamicTest(
                alg.jcaName() + ": " + m.name(),
                () -> {
                  String expected = outcome(m.action(), MessageDigest.getInstance(alg.jcaName(), "SUN"));
                  String actual = outcome(m.action(), MessageDigest.getInstance(alg.jcaName(), accel));
                  assertEquals(expected, actual, m.name());
                }));
      }
    }
    return tests.stream();
  }

  @Test
  void shortDigestBufferKeepsTheMessage() throws Exception {
    MessageDigest md = accel(DigestAlgorithm.SHA256);
    byte[] msg = bytes(99);
    md.update(msg);
    assertThrows(DigestException.class, () -> md.digest(new byte[31], 0, 31));
    // Like SUN, a rejected digest() leaves the state alone.
    assertArrayEquals(sun(DigestAlgorithm.SHA256, msg), md.digest());
    ledger.digest(DigestAlgorithm.SHA256, msg.length);
    ledger.verify();
  }
}

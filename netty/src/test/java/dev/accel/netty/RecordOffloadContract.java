package dev.accel.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import dev.accel.metrics.GcmCallCounters;
import dev.accel.api.RouteStats;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Record crypto through Accel, written once and run per server TLS stack (JSSE with Accel first in
 * the provider list; BCJSSE with {@link AccelBcTls}). Subclasses provide the device, the provider
 * instance whose counters see the records, and the server context.
 */
abstract class RecordOffloadContract {
  static final int MAX_FRAGMENT = 16 * 1024;

  abstract NativeDevice device();

  abstract AccelProvider accel();

  abstract SslContext serverContext(String protocol) throws Exception;

  /** True when a JSSE client in this JVM also routes its records through {@link #accel()}. */
  abstract boolean jdkClientUsesAccel();

  private EmulatorControl emu() {
    return device().emulator().orElseThrow();
  }

  @ParameterizedTest(name = "{0} {1} client")
  @CsvSource({"TLSv1.3,boringssl", "TLSv1.3,jdk", "TLSv1.2,boringssl", "TLSv1.2,jdk"})
  void recordsAreSealedAndOpenedByAccel(String protocol, String client) throws Exception {
    SslContext server = serverContext(protocol);
    byte[] data = new byte[1 << 20];
    new Random(42).nextBytes(data);
    // Counted from before the handshake until both event loop groups have shut down, so no record
    // is between its init and its doFinal at either end (the server's TLS 1.3 NewSessionTicket
    // and close_notify run asynchronously to this thread).
    accel().resetStats();
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> server.newHandler(ch.alloc()));
      TlsHarness.Echo echo = new TlsHarness.Echo(data, 64 * 1024, i -> {});
      Channel ch = h.connect(TestSupport.client(client, protocol), echo);
      echo.begin(ch);
      assertArrayEquals(data, echo.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS));
      assertTrue(ch.isActive());
      ch.close().sync();
    }
    RouteStats s = accel().stats();
    GcmCallCounters.Snapshot calls = accel().gcmCalls().snapshot();
    String report = s.render() + calls.render();
    // The server sealed and opened at least one full-size record per 16 KiB each way; with a JSSE
    // client in this JVM the client's records are counted too.
    int sides = client.equals("jdk") && jdkClientUsesAccel() ? 2 : 1;
    long minRecords = (long) sides * data.length / MAX_FRAGMENT;
    assertTrue(s.ops(TestSupport.SEAL, TestSupport.DEVICE) >= minRecords, report);
    assertTrue(s.ops(TestSupport.OPEN, TestSupport.DEVICE) >= minRecords, report);
    // Accel's Cipher sealed and opened every record: the TLS stack initialised it once per record
    // and finished every record it started (no other provider's Cipher took over half way), and
    // finished at least one record per max fragment each way.
    assertEquals(calls.encryptInits(), calls.encryptDoFinals(), report);
    assertEquals(calls.decryptInits(), calls.decryptDoFinals(), report);
    assertTrue(calls.encryptDoFinals() >= minRecords, report);
    assertTrue(calls.decryptDoFinals() >= minRecords, report);
    long offThreshold =
        s.ops(TestSupport.SEAL, TestSupport.SOFTWARE) - s.opsWithReason(TestSupport.SEAL, "below-threshold")
            + s.ops(TestSupport.OPEN, TestSupport.SOFTWARE) - s.opsWithReason(TestSupport.OPEN, "below-threshold");
    assertEquals(0, offThreshold, report);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void smallRecordsStayOnTheCpu(String protocol) throws Exception {
    SslContext server = serverContext(protocol);
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> server.newHandler(ch.alloc()));
      TlsHarness.Fetch fetch = new TlsHarness.Fetch(100);
      Channel ch = h.connect(TestSupport.client("boringssl", protocol), fetch);
      accel().resetStats();
      fetch.request(ch);
      fetch.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      ch.close().sync();
    }
    RouteStats s = accel().stats();
    assertEquals(0, s.ops(TestSupport.SEAL, TestSupport.DEVICE), s::render);
    assertTrue(s.opsWithReason(TestSupport.SEAL, "below-threshold") >= 1, s::render);
  }

  @ParameterizedTest(name = "{0} {1} client")
  @CsvSource({"TLSv1.3,boringssl", "TLSv1.2,boringssl", "TLSv1.3,jdk"})
  void aTagBitFlippedInAccelsSealFailsThePeerWithBadRecordMac(String protocol, String client)
      throws Exception {
    SslContext server = serverContext(protocol);
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> server.newHandler(ch.alloc()));
      TlsHarness.Fetch fetch = new TlsHarness.Fetch(64 * 1024);
      Channel ch = h.connect(TestSupport.client(client, protocol), fetch);
      // The request is one small record (opened on the CPU); the first device result after this
      // is the seal of the first 16 KiB response record, whose tag gets one bit flipped.
      emu().inject(EmulatorControl.Fault.CORRUPT, 1, 0);
      try {
        fetch.request(ch);
        ExecutionException e =
            assertThrows(
                ExecutionException.class,
                () -> fetch.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        TestSupport.assertPeerRejectedCorruptRecord(e, TestSupport.serverErrorNames(h, "bad_record_mac"));
      } finally {
        emu().inject(EmulatorControl.Fault.CLEAR, 0, 0);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"REMOVE", "LOST_COMPLETION"})
  void deviceFaultsDuringATransferLoseNoDataAndCloseNoConnection(String fault) throws Exception {
    SslContext server = serverContext("TLSv1.3");
    byte[] data = new byte[2 << 20];
    new Random(7).nextBytes(data);
    EmulatorControl.Fault f = EmulatorControl.Fault.valueOf(fault);
    try (TlsHarness h = new TlsHarness(1, 1)) {
      h.start(ch -> server.newHandler(ch.alloc()));
      TlsHarness.Echo echo =
          new TlsHarness.Echo(
              data,
              64 * 1024,
              i -> {
                if (i == 8) {
                  emu().inject(f, f == EmulatorControl.Fault.LOST_COMPLETION ? 2 : 0, 0);
                } else if (i == 24) {
                  emu().inject(EmulatorControl.Fault.CLEAR, 0, 0);
                }
              });
      Channel ch = h.connect(TestSupport.client("boringssl", "TLSv1.3"), echo);
      accel().resetStats();
      echo.begin(ch);
      try {
        assertArrayEquals(data, echo.result.get(TlsHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS));
      } finally {
        emu().inject(EmulatorControl.Fault.CLEAR, 0, 0);
      }
      assertTrue(ch.isActive(), "the connection must survive the device fault");
      assertTrue(h.serverErrors.isEmpty(), () -> "server errors: " + h.serverErrors);
      ch.close().sync();
    }
    RouteStats s = accel().stats();
    long device = s.ops(TestSupport.SEAL, TestSupport.DEVICE) + s.ops(TestSupport.OPEN, TestSupport.DEVICE);
    long rescued =
        s.ops(TestSupport.SEAL, TestSupport.SOFTWARE) - s.opsWithReason(TestSupport.SEAL, "below-threshold")
            + s.ops(TestSupport.OPEN, TestSupport.SOFTWARE) - s.opsWithReason(TestSupport.OPEN, "below-threshold");
    assertTrue(device > 0, s::render);
    assertTrue(rescued > 0, () -> "the fault must have sent records to software:\n" + s.render());
  }
}

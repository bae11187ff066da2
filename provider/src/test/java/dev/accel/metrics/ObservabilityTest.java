package dev.accel.metrics;

import dev.accel.api.HistogramSnapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.cli.Main;
import dev.accel.device.DeviceOptions;
import dev.accel.device.DeviceSelfTest;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl.Fault;
import dev.accel.device.NativeDevice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** Health API, the metrics MBean, the JFR event, histograms and {@code accel stats}. */
class ObservabilityTest {

  private static AccelProvider withDevice(NativeDevice d) {
    return AccelProvider.builder().devices(List.of(d)).config(Map.of(
        "accel.threshold.sha2", "0", "accel.threshold.aes-gcm", "0", "accel.calibrate", "false",
        "accel.breaker.errors", "2")).build();
  }

  @Test
  void histogramBucketsArePowersOfTwo() {
    Log2Histogram h = new Log2Histogram();
    for (long v : new long[] {0, 1, 2, 3, 4, 7, 8, 1000}) {
      h.record(v);
    }
    HistogramSnapshot s = h.snapshot();
    assertEquals(8, s.count());
    assertEquals(1, s.counts()[0]);
    assertEquals(1, s.counts()[1]);
    assertEquals(2, s.counts()[2]); // 2, 3
    assertEquals(2, s.counts()[3]); // 4, 7
    assertEquals(1, s.counts()[10]); // 512..1023
    assertEquals(1023, s.quantileUpperBound(1.0));
    assertEquals(1025, s.sum());
  }

  @Test
  void selfTestsCoverEveryRouteAndAssertHealthyNamesTheReason() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      AccelProvider p = withDevice(d);
      assertTrue(p.loadingError().isEmpty(), p.loadingError().toString());
      List<dev.accel.api.SelfTestResult> r = p.runSelfTests();
      assertTrue(r.stream().anyMatch(x -> x.device().equals("emu0") || x.device().startsWith("emu")), r.toString());
      assertTrue(r.stream().anyMatch(x -> x.device().equals("software:bc")), r.toString());
      assertTrue(r.stream().noneMatch(dev.accel.api.SelfTestResult::failed), r.toString());
      assertTrue(r.stream().filter(x -> x.device().equals("software:bc"))
          .filter(x -> x.outcome() == dev.accel.api.SelfTestResult.Outcome.PASS).count() >= 9, r.toString());
      p.assertHealthy();
      d.emulator().orElseThrow().inject(Fault.REMOVE, 0, 0);
      IllegalStateException e = assertThrows(IllegalStateException.class, p::assertHealthy);
      assertTrue(e.getMessage().contains("REMOVED") || e.getMessage().contains("removed"), e.getMessage());
      AccelProvider.DeviceHealthReport h = p.deviceHealth().get(0);
      assertFalse(h.usable());
      assertFalse(h.reason().isEmpty());
      d.emulator().orElseThrow().inject(Fault.CLEAR, 0, 0);
    }
  }

  @Test
  void loadingErrorSaysWhyANamedBackendIsMissing() {
    AccelProvider p = AccelProvider.withConfig(Map.of("accel.devices", "uadk"));
    assertTrue(p.loadingError().isPresent());
    assertTrue(p.loadingError().get().contains("uadk"), p.loadingError().get());
    assertThrows(IllegalStateException.class, p::assertHealthy);
    AccelProvider auto = AccelProvider.withConfig(Map.of("accel.devices", "none"));
    assertTrue(auto.loadingError().isEmpty());
    auto.assertHealthy(); // software only, by choice, is healthy
  }

  @Test
  void mbeanExposesCountersHistogramsAndHealth() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      AccelProvider p = withDevice(d);
      for (int i = 0; i < 20; i++) {
        MessageDigest.getInstance("SHA-256", p).digest(new byte[100 + i]);
      }
      p.crypto().digestAll("SHA-256", java.util.Collections.nCopies(30, new byte[10]));
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName name = new ObjectName(p.metricsMBeanName());
      assertEquals("Provider", name.getKeyProperty("type"));
      assertEquals(50L, server.getAttribute(name, "Requests"));
      assertEquals(50L, server.getAttribute(name, "DeviceOperations"));
      String table = (String) server.getAttribute(name, "Table");
      assertTrue(table.contains("SHA-256") && table.contains("batch sizes"), table);
      assertTrue(server.getAttribute(name, "BatchSizeHistograms").toString().contains("[16..31]:1"),
          server.getAttribute(name, "BatchSizeHistograms").toString());
      assertTrue(server.getAttribute(name, "LatencyHistograms").toString().contains("SHA-256|device"));
      server.invoke(name, "reset", null, null);
      assertEquals(0L, server.getAttribute(name, "Requests"));
    }
  }

  @Test
  void jfrRecordsOneEventPerRequestWhenEnabled() throws Exception {
    AccelProvider p = AccelProvider.withConfig(Map.of("accel.devices", "none"));
    Path file = Files.createTempFile("accel", ".jfr");
    try (Recording r = new Recording()) {
      r.enable("accel.Request");
      r.start();
      for (int i = 0; i < 5; i++) {
        MessageDigest.getInstance("SHA-512", p).digest(new byte[64]);
      }
      javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding", p);
      c.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(new byte[16], "AES"),
          new javax.crypto.spec.GCMParameterSpec(128, new byte[12]));
      c.doFinal(new byte[100]);
      r.stop();
      r.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
        .filter(e -> e.getEventType().getName().equals("accel.Request")).toList();
    Files.deleteIfExists(file);
    assertEquals(6, events.size());
    RecordedEvent e = events.get(0);
    assertEquals("SHA-512", e.getString("algorithm"));
    assertEquals("software", e.getString("route"));
    assertEquals(64, e.getLong("bytes"));
    assertEquals(1, e.getInt("batchSize"));
    RecordedEvent g = events.get(5);
    assertEquals("AES-GCM-encrypt", g.getString("algorithm"));
    assertEquals(100, g.getLong("bytes"));
    assertTrue(g.getLong("durationNanos") > 0);
  }

  @Test
  void accelStatsRunsAWorkloadAndPrintsTheTable() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc = Main.run(new String[] {"stats", "accel.devices=emu", "accel.threshold.aes-gcm=0",
        "--seconds", "0.5", "--threads", "4"}, new PrintStream(out), System.err);
    String text = out.toString();
    assertEquals(0, rc, text);
    assertTrue(text.contains("AES-GCM-encrypt") && text.contains("RSA-private") && text.contains("mean-us"), text);
    assertTrue(text.contains("batch sizes"), text);
    ByteArrayOutputStream cur = new ByteArrayOutputStream();
    int rcCurrent = Main.run(new String[] {"stats", "--current"}, new PrintStream(cur), System.err);
    if (java.security.Security.getProvider("Accel") == null) {
      assertEquals(1, rcCurrent);
      assertTrue(cur.toString().contains("no Accel provider is installed"), cur.toString());
    } else { // another test of this JVM installed one: its table is printed
      assertEquals(0, rcCurrent);
      assertTrue(cur.toString().contains("algorithm"), cur.toString());
    }
  }
}

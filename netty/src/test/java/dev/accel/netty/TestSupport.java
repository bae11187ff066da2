package dev.accel.netty;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLException;

/** Emulated devices, Accel instances and client contexts shared by the tests. */
final class TestSupport {
  private TestSupport() {}

  /** Counter labels (dev.accel.router.Router). */
  static final String SEAL = "AES-GCM-encrypt";
  static final String OPEN = "AES-GCM-decrypt";
  static final String RSA_PRIVATE = "RSA-private";
  static final String DEVICE = "device";
  static final String SOFTWARE = "software";

  /** Records from this size go to the device in these tests; smaller ones stay on the CPU. */
  static final int RECORD_THRESHOLD_BYTES = 1024;

  static NativeDevice emu(EmulatorControl.Profile profile) throws Exception {
    // A generous admission budget: the tests count routes, and a momentarily full queue on a
    // 2-core runner would send a request to software as device-busy.
    return Devices.open(
        "emu", DeviceOptions.defaults().withProfile(profile).withBusyRetryNanos(200_000_000L));
  }

  static AccelProvider accel(NativeDevice device, Map<String, String> extra) {
    Map<String, String> cfg = new HashMap<>();
    cfg.put("accel.threshold.aes-gcm", Integer.toString(RECORD_THRESHOLD_BYTES));
    // Long enough for a cold first request on a busy 2-core runner, short enough that the
    // lost-completion test (each lost completion waits for it) stays quick.
    cfg.put("accel.device.timeout.ms", "2000");
    cfg.putAll(extra);
    return AccelProvider.builder().devices(List.of(device)).config(cfg).build();
  }

  /** A client context: {@code jdk} (SunJSSE) or {@code boringssl} (netty-tcnative). */
  static SslContext client(String kind, String protocol) throws SSLException {
    SslProvider p =
        switch (kind) {
          case "jdk" -> SslProvider.JDK;
          case "boringssl" -> {
            if (!OpenSsl.isAvailable()) {
              throw new AssertionError("netty-tcnative BoringSSL must load here", OpenSsl.unavailabilityCause());
            }
            yield SslProvider.OPENSSL;
          }
          default -> throw new IllegalArgumentException(kind);
        };
    return SslContextBuilder.forClient()
        .sslProvider(p)
        .protocols(protocol)
        .trustManager(TestPki.rsa2048().cert())
        // No peer host (so no session reuse), hence no host name to verify: trust is the pinned cert.
        .endpointIdentificationAlgorithm(null)
        .build();
  }

  /**
   * Asserts that a client refused a response record whose tag was corrupted, with bad_record_mac as
   * its verdict, and that the verdict reached the server as an alert ({@code serverGotBadRecordMac}
   * is polled until it holds: bounded by the alert's arrival, not a timing assumption). The
   * client's own exception names the cause (BoringSSL: BAD_DECRYPT) unless BoringSSL still had the
   * alert to send when it failed: netty-tcnative then parks the error until the alert is written,
   * and the client's handler may see only the close (the ordering of netty issue 3900).
   */
  static void assertPeerRejectedCorruptRecord(ExecutionException clientFailure, BooleanSupplier serverGotBadRecordMac)
      throws InterruptedException {
    String clientSide = causes(clientFailure).toUpperCase(Locale.ROOT);
    assertTrue(
        clientSide.contains("BAD_DECRYPT")
            || clientSide.contains("BAD_RECORD_MAC")
            || clientSide.contains("CLOSED AFTER"),
        clientSide);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TlsHarness.TIMEOUT_SECONDS);
    while (!serverGotBadRecordMac.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server received no bad_record_mac; client: " + clientSide);
      }
      Thread.sleep(20);
    }
  }

  /** True once a server-side exception names {@code text}. */
  static BooleanSupplier serverErrorNames(TlsHarness h, String text) {
    return () -> h.serverErrors.stream().map(TestSupport::causes).anyMatch(c -> c.contains(text));
  }

  /** The messages of {@code t} and its causes, for alert assertions. */
  static String causes(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append(" | ");
    }
    return sb.toString();
  }
}

package dev.accel.netty;

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
import java.util.Map;
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

  /** The messages of {@code t} and its causes, for alert assertions. */
  static String causes(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append(" | ");
    }
    return sb.toString();
  }
}

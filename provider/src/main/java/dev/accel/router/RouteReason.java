package dev.accel.router;

import dev.accel.device.DeviceException;
import java.util.Locale;

/** Why a request took the route it took; the {@code reason} label of the route counters. */
public enum RouteReason {
  /** A device served the request. */
  OK("ok"),
  /** {@code accel.route.<family>=software}. */
  ROUTE_SOFTWARE("route-software"),
  /** No device is configured or none could be opened. */
  NO_DEVICE("no-device"),
  /** No device supports the request's shape (algorithm, key/IV/tag/AAD/data size). */
  UNSUPPORTED("unsupported-shape"),
  /** The request is smaller than the family's size threshold. */
  BELOW_THRESHOLD("below-threshold"),
  /** The device reports itself unusable (removed, isolated, resetting). */
  UNHEALTHY("device-unhealthy"),
  /** The queue did not admit the request (full beyond the admission budget). */
  BUSY("device-busy"),
  /** A digest grew past the buffer the router allows and was streamed in software. */
  STREAMED("streamed"),
  /**
   * A MessageDigest handed the JDK's own SPI (the cpu device's JVM kernel or the jdk tier): counted
   * once per instance, since no Accel code runs per message.
   */
  JVM_DIRECT("jvm-direct"),
  /** An RSA private key without two-prime CRT parts (non-CRT or multi-prime): software with d. */
  NO_CRT("no-crt-key"),
  /** RSA public-key operations are faster on the CPU than a device round trip (auto route). */
  PUBLIC_ON_CPU("public-op-on-cpu"),
  /** The device result failed verification (RSA CRT fault check) and was recomputed. */
  FAULT_VERIFY("fallback-verify-fault"),
  FALLBACK_DEVICE_ERROR("fallback-device-error"),
  FALLBACK_QUEUE_ERROR("fallback-queue-error"),
  FALLBACK_GONE("fallback-gone"),
  FALLBACK_TIMEOUT("fallback-timeout"),
  FALLBACK_REJECTED("fallback-rejected"),
  /** An unexpected runtime failure inside the device layer; the request was re-run. */
  FALLBACK_INTERNAL("fallback-internal");

  private final String label;

  RouteReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The reason recorded when a device threw {@code reason}. */
  public static RouteReason ofDeviceFailure(DeviceException.Reason reason) {
    return switch (reason) {
      case BUSY -> BUSY;
      case DEVICE_ERROR -> FALLBACK_DEVICE_ERROR;
      case QUEUE_ERROR -> FALLBACK_QUEUE_ERROR;
      case GONE -> FALLBACK_GONE;
      case TIMEOUT -> FALLBACK_TIMEOUT;
      case REJECTED -> FALLBACK_REJECTED;
      case FAULTY_RESULT -> FAULT_VERIFY;
    };
  }

  @Override
  public String toString() {
    return label.toLowerCase(Locale.ROOT);
  }
}

package dev.accel.router;

import dev.accel.config.AccelConfig;
import dev.accel.device.Device;
import dev.accel.device.DeviceException;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl;

/**
 * The router's single entry into the device layer's factory ({@link Devices}): probes and opens
 * the process-wide shared device of a backend with the options the configuration gives. Every
 * failure, including a missing native library or missing native access, becomes an {@link
 * UnavailableException} carrying the cause, never an error at provider construction.
 */
final class DeviceBackends {
  private DeviceBackends() {}

  /** A backend could not be opened; the message says why. */
  static final class UnavailableException extends Exception {
    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static DeviceOptions options(AccelConfig config) {
    return DeviceOptions.defaults()
        .withProfile(EmulatorControl.Profile.ofConfigName(config.emuProfile()))
        .withEngines(config.emuEngines())
        .withQueueDepth(config.queueDepth())
        .withQueues(config.queues())
        .withBusyRetryNanos(config.busyRetryNanos())
        .withPoisonFreed(config.poisonFreed())
        .withQuarantine(config.quarantineRequests(), config.quarantineBytes())
        .withDefaultTimeoutNanos(config.deviceTimeoutMs() * 1_000_000L);
  }

  /** True when {@code backend} can be opened in this process. */
  static boolean probe(String backend, AccelConfig config) {
    try {
      return Devices.probe(backend).available();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  static Device open(String backend, AccelConfig config) throws UnavailableException {
    try {
      return Devices.shared(backend, options(config));
    } catch (DeviceException e) {
      throw new UnavailableException(e.getMessage(), e);
    } catch (RuntimeException | LinkageError e) {
      throw new UnavailableException(e.toString(), e);
    }
  }
}

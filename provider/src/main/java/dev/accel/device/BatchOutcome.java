package dev.accel.device;

import java.util.Objects;

/**
 * The outcome of one element of a device batch: a result, or the failure of that element alone
 * ({@link DeviceException} for device trouble, {@link javax.crypto.AEADBadTagException} for a GCM
 * tag mismatch, {@link IllegalArgumentException} for a request the device cannot take).
 */
public record BatchOutcome(byte[] value, Exception failure) {
  public BatchOutcome {
    if ((value == null) == (failure == null)) {
      throw new IllegalArgumentException("exactly one of value and failure");
    }
  }

  public static BatchOutcome of(byte[] value) {
    return new BatchOutcome(Objects.requireNonNull(value), null);
  }

  public static BatchOutcome failed(Exception e) {
    return new BatchOutcome(null, Objects.requireNonNull(e));
  }

  public boolean ok() {
    return failure == null;
  }
}

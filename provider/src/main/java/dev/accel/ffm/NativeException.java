package dev.accel.ffm;

/**
 * A shim entry point returned a failing status on a control path (open, configure, inject). Data
 * path failures are {@link dev.accel.device.DeviceException}s instead, made by {@link
 * NativeStatus#toDeviceException}.
 */
public final class NativeException extends RuntimeException {
  private final int code;

  public NativeException(int code, String what) {
    super(what + ": " + NativeStatus.name(code));
    this.code = code;
  }

  /** The {@code ACCEL_E*} status code. */
  public int code() {
    return code;
  }

  /** The C name of {@link #code()}, e.g. {@code ACCEL_ENODEV}. */
  public String codeName() {
    return NativeStatus.name(code);
  }
}

package dev.accel.device;

/**
 * A device could not complete a request. Never reaches a JCA caller: the router catches it, counts
 * it by {@link #reason()} and re-runs the request in software.
 */
public final class DeviceException extends Exception {
  /** Why the device did not serve a request; also the label of the fallback counter. */
  public enum Reason {
    /** Queue full beyond the admission budget (EAGAIN), or no free queue (EBUSY). */
    BUSY,
    /** A per-request device error (EIO) or a corrupted result caught by verification. */
    DEVICE_ERROR,
    /** A queue-level error: the queue is dead (EQUEUE). */
    QUEUE_ERROR,
    /** The device was removed, isolated, reset, or used after fork (ENODEV, ECANCELED). */
    GONE,
    /** The deadline passed without a completion (lost completion, stall). */
    TIMEOUT,
    /** The device refused the parameters (EINVAL/ENOTSUP) although capabilities allowed them. */
    REJECTED,
    /**
     * A result failed its check before release (an RSA CRT result whose s^e mod n != m): the
     * engine or the key is faulty, and the result was wiped.
     */
    FAULTY_RESULT
  }

  private final Reason reason;
  private final int nativeStatus;

  public DeviceException(Reason reason, int nativeStatus, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.nativeStatus = nativeStatus;
  }

  public Reason reason() {
    return reason;
  }

  /** The shim status code ({@code ACCEL_E*}), or 0 when the failure was detected in Java. */
  public int nativeStatus() {
    return nativeStatus;
  }
}

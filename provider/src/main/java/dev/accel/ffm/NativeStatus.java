package dev.accel.ffm;

import dev.accel.device.DeviceException;

/**
 * Shim status codes and the one place that turns them into Java exceptions.
 *
 * <p>Values MUST MATCH {@code enum accel_status} in accel_shim.h. Every other class passes raw
 * codes here rather than interpreting them itself, so a new code is added in exactly one place.
 */
public final class NativeStatus {
  private NativeStatus() {}

  public static final int OK = 0;
  /** Per-request device error; the completion's detail has the raw code. */
  public static final int EIO = -5;
  /** Ring full, device busy or resetting. */
  public static final int EAGAIN = -11;
  public static final int ENOMEM = -12;
  /** No free hardware queue (queue budget exhausted). */
  public static final int EBUSY = -16;
  /** Device removed, isolated, or handle used after fork. */
  public static final int ENODEV = -19;
  public static final int EINVAL = -22;
  /** AES-GCM tag mismatch. */
  public static final int EBADMSG = -74;
  public static final int ENOTSUP = -95;
  public static final int ETIMEDOUT = -110;
  /** A second thread tried to wait on / reap a queue. */
  public static final int EALREADY = -114;
  /** Request cancelled (device reset, queue destroyed). */
  public static final int ECANCELED = -125;
  /** Queue-level hardware error: the queue is dead. */
  public static final int EQUEUE = -1000;

  /** The C enumerator name of {@code code}, e.g. {@code ACCEL_EAGAIN}. */
  public static String name(int code) {
    return switch (code) {
      case OK -> "ACCEL_OK";
      case EIO -> "ACCEL_EIO";
      case EAGAIN -> "ACCEL_EAGAIN";
      case ENOMEM -> "ACCEL_ENOMEM";
      case EBUSY -> "ACCEL_EBUSY";
      case ENODEV -> "ACCEL_ENODEV";
      case EINVAL -> "ACCEL_EINVAL";
      case EBADMSG -> "ACCEL_EBADMSG";
      case ENOTSUP -> "ACCEL_ENOTSUP";
      case ETIMEDOUT -> "ACCEL_ETIMEDOUT";
      case EALREADY -> "ACCEL_EALREADY";
      case ECANCELED -> "ACCEL_ECANCELED";
      case EQUEUE -> "ACCEL_EQUEUE";
      default -> "ACCEL_E(" + code + ")";
    };
  }

  /**
   * Why a device did not serve a request, for a failing status. EAGAIN/EBUSY mean "try elsewhere"
   * (BUSY); EIO is one bad request (DEVICE_ERROR); EQUEUE kills only the queue (QUEUE_ERROR);
   * ENODEV/ECANCELED mean the device went away or reset under the request (GONE); EINVAL/ENOTSUP
   * mean the device refused parameters Java thought were fine (REJECTED).
   */
  public static DeviceException.Reason reason(int code) {
    return switch (code) {
      case EAGAIN, EBUSY, ENOMEM -> DeviceException.Reason.BUSY;
      case EIO -> DeviceException.Reason.DEVICE_ERROR;
      case EQUEUE -> DeviceException.Reason.QUEUE_ERROR;
      case ENODEV, ECANCELED -> DeviceException.Reason.GONE;
      case ETIMEDOUT -> DeviceException.Reason.TIMEOUT;
      case EINVAL, ENOTSUP -> DeviceException.Reason.REJECTED;
      default -> DeviceException.Reason.DEVICE_ERROR;
    };
  }

  /** A {@link DeviceException} for a failing status; {@code what} names the operation. */
  public static DeviceException toDeviceException(int code, String what) {
    return new DeviceException(reason(code), code, what + ": " + name(code));
  }

  /** Same, with the completion's raw device detail code (EIO). */
  public static DeviceException toDeviceException(int code, int detail, String what) {
    if (detail == 0) {
      return toDeviceException(code, what);
    }
    return new DeviceException(
        reason(code), code, what + ": " + name(code) + " (device detail 0x" + Integer.toHexString(detail) + ")");
  }

  /**
   * The outcome of a data-path status: true for {@link #OK}, false for {@link #EBADMSG} (AES-GCM
   * tag mismatch); every other status throws its {@link DeviceException}.
   */
  public static boolean passed(int code, int detail, String what) throws DeviceException {
    if (code == OK) {
      return true;
    }
    if (code == EBADMSG) {
      return false;
    }
    throw toDeviceException(code, detail, what);
  }

  /** Throws the {@link DeviceException} of {@code code} unless it is {@link #OK}. */
  public static void require(int code, String what) throws DeviceException {
    if (code != OK) {
      throw toDeviceException(code, what);
    }
  }

  /** True when {@code code} means the whole queue is gone (EQUEUE, ENODEV): replace it. */
  public static boolean killsQueue(int code) {
    return code == EQUEUE || code == ENODEV;
  }

  /** The queue or device was closed under the request (GONE, ECANCELED). */
  public static DeviceException closed(String what) {
    return toDeviceException(ECANCELED, what);
  }

  /**
   * Something the request needs is gone, found in Java (a destroyed session, an unavailable
   * backend): GONE with no native status.
   */
  public static DeviceException gone(String what) {
    return new DeviceException(DeviceException.Reason.GONE, 0, what);
  }

  /** The ring stayed full beyond the busy budget (BUSY, EAGAIN). */
  public static DeviceException busy(String what) {
    return new DeviceException(DeviceException.Reason.BUSY, EAGAIN, what);
  }

  /** No completion before the deadline (TIMEOUT, ETIMEDOUT). */
  public static DeviceException timeout(String what) {
    return new DeviceException(DeviceException.Reason.TIMEOUT, ETIMEDOUT, what);
  }

  /**
   * An engine's own check of its result failed (an RSA CRT signature whose s^e mod n != m): the
   * result was withheld (FAULTY_RESULT, EIO).
   */
  public static DeviceException faultyResult(String what) {
    return new DeviceException(DeviceException.Reason.FAULTY_RESULT, EIO, what);
  }

  /** The engine does not do this at all (REJECTED, ENOTSUP). */
  public static DeviceException unsupported(String what) {
    return new DeviceException(DeviceException.Reason.REJECTED, ENOTSUP, what);
  }

  /** An unchecked {@link NativeException} for control-path calls (open, inject, ...). */
  public static NativeException toNativeException(int code, String what) {
    return new NativeException(code, what);
  }

  /** Throws {@link NativeException} unless {@code code} is {@link #OK}. */
  public static void check(int code, String what) {
    if (code != OK) {
      throw new NativeException(code, what);
    }
  }
}

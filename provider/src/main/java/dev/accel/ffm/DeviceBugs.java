package dev.accel.ffm;

import dev.accel.device.DeviceException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers from the shim that break its own contract (a completion for a tag nobody submitted, a
 * digest of the wrong length, a tag mismatch on a seal): bugs on the device side, not reasons to
 * fall back. Each one is counted, logged once per device and kind (with what was seen), and the
 * request fails as {@code DEVICE_ERROR}, so the router re-runs it elsewhere and the caller still
 * gets a correct result; the result the device produced is never released.
 */
public final class DeviceBugs {
  private DeviceBugs() {}

  private static final System.Logger LOG = System.getLogger("dev.accel");
  private static final LongAdder COUNT = new LongAdder();
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  /** Counts and (once per {@code device} and {@code kind}) logs one bug; the exception to throw. */
  public static DeviceException report(String device, String kind, String seen) {
    record(device, kind, seen);
    return new DeviceException(DeviceException.Reason.DEVICE_ERROR, 0, device + ": " + kind + " (" + seen + ")");
  }

  /** As {@link #report} for a bug that fails no request (e.g. a completion nobody waits for). */
  public static void record(String device, String kind, String seen) {
    COUNT.increment();
    if (LOGGED.add(device + '\0' + kind)) {
      LOG.log(System.Logger.Level.ERROR,
          "accel: device-side bug on " + device + ": " + kind + " (" + seen + "); the request is re-run"
              + " elsewhere. Further bugs of this kind are counted (DeviceBugs.count()), not logged.");
    }
  }

  /** Device-side bugs seen by this process. */
  public static long count() {
    return COUNT.sum();
  }
}

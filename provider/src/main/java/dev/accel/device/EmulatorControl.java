package dev.accel.device;

/** Control of the emulated device: latency profile and fault injection (DEVICE-MODEL.md). */
public interface EmulatorControl {

  /** MUST MATCH {@code enum accel_profile}. */
  enum Profile {
    FAST("fast"),
    SEC_920("sec-920"),
    HPRE_920("hpre-920");

    private final String configName;

    Profile(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    public static Profile ofConfigName(String name) {
      for (Profile p : values()) {
        if (p.configName.equals(name)) {
          return p;
        }
      }
      throw new IllegalArgumentException("unknown emulator profile: " + name);
    }
  }

  /** MUST MATCH {@code enum accel_fault}; ordinal == native code. */
  enum Fault {
    CLEAR,
    REQ_ERROR,
    QUEUE_ERROR,
    LOST_COMPLETION,
    RESET,
    REMOVE,
    ISOLATE,
    QUEUE_BUDGET,
    CORRUPT,
    FORK,
    DELAY
  }

  void setProfile(Profile profile);

  /**
   * Arms a fault; see {@code enum accel_fault} for what {@code count} and {@code param} mean
   * for each.
   */
  void inject(Fault fault, long count, long param);
}

package dev.accel.device;

/** A device's health (mirrors {@code struct accel_health}); {@code reason} is empty when OK. */
public record DeviceHealth(
    State state,
    int queuesOpen,
    long submitted,
    long completed,
    long errors,
    long faultsInjected,
    String reason) {

  /** MUST MATCH {@code enum accel_health_state}. */
  public enum State {
    OK,
    RESETTING,
    QUEUE_ERROR,
    ISOLATED,
    REMOVED,
    FORKED,
    UNAVAILABLE;

    public static State of(int code) {
      State[] all = values();
      return code >= 0 && code < all.length ? all[code] : UNAVAILABLE;
    }
  }

  /** True when new requests may be sent (a dead queue is replaced by a new one). */
  public boolean usable() {
    return state == State.OK || state == State.QUEUE_ERROR;
  }
}

package dev.accel.spi;

import dev.accel.testing.Tier;

/** {@link AesGcmConformance} on the emu tier. */
class AesGcmEmuTest extends AesGcmConformance {
  @Override
  protected Tier tier() {
    return Tier.EMU;
  }
}

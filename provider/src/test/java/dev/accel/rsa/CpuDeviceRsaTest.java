package dev.accel.rsa;

import dev.accel.AccelProvider;
import java.util.Map;

/** The RSA suite on the CPU run-to-completion device. */
class CpuDeviceRsaTest extends AbstractRsaTierTest {
  private static final AccelProvider PROVIDER =
      AccelProvider.withConfig(Map.of("accel.devices", "cpu", "accel.threshold.rsa", "0"));

  @Override
  protected AccelProvider provider() {
    return PROVIDER;
  }

  @Override
  protected boolean deviceTier() {
    return true;
  }

  @Override
  protected String softwareLabel() {
    return PROVIDER.router().softwareLabel();
  }
}

package dev.accel.netty;

import dev.accel.AccelProvider;
import dev.accel.api.AccelCrypto;

/** The AccelCrypto (batch and asynchronous API) of a provider, as the tests use it. */
final class TestCrypto {
  private TestCrypto() {}

  static AccelCrypto of(AccelProvider provider) {
    return provider.crypto();
  }
}

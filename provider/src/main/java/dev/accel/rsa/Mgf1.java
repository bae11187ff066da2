package dev.accel.rsa;

import dev.accel.engine.IncrementalDigest;

/** MGF1 (RFC 8017 appendix B.2.1) over an {@link IncrementalDigest}. */
public final class Mgf1 {
  private Mgf1() {}

  /**
   * XORs {@code maskLen} bytes of {@code MGF1(seed[seedOff..seedOff+seedLen))} into {@code
   * out[outOff..]}. {@code digest} must be reset; it is left reset.
   */
  public static void generateAndXor(
      IncrementalDigest digest, byte[] seed, int seedOff, int seedLen, int maskLen, byte[] out, int outOff) {
    int hLen = digest.algorithm().digestLenBytes();
    byte[] counter = new byte[4];
    byte[] block = new byte[hLen];
    try {
      // The seed may overlap out (OAEP masks in place): copy it first.
      byte[] seedCopy = java.util.Arrays.copyOfRange(seed, seedOff, seedOff + seedLen);
      try {
        int done = 0;
        for (int c = 0; done < maskLen; c++) {
          counter[0] = (byte) (c >>> 24);
          counter[1] = (byte) (c >>> 16);
          counter[2] = (byte) (c >>> 8);
          counter[3] = (byte) c;
          digest.update(seedCopy, 0, seedLen);
          digest.update(counter, 0, 4);
          digest.digest(block, 0);
          int n = Math.min(hLen, maskLen - done);
          for (int i = 0; i < n; i++) {
            out[outOff + done + i] ^= block[i];
          }
          done += n;
        }
      } finally {
        java.util.Arrays.fill(seedCopy, (byte) 0);
      }
    } finally {
      java.util.Arrays.fill(block, (byte) 0);
    }
  }
}

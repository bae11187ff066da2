package dev.accel.core;

/**
 * The hash functions Accel computes or uses internally (PSS, OAEP, MGF1, DigestInfo).
 *
 * <p>{@code deviceOpcode} is the shim opcode for a one-shot digest on a device ({@code 0}: no
 * device computes it; it always runs in software). Opcode values MUST MATCH {@code enum accel_op}
 * in {@code native-shim/include/accel_shim.h}.
 */
public enum DigestAlgorithm {
  SHA1("SHA-1", 20, 64, 0, "1.3.14.3.2.26"),
  SHA224("SHA-224", 28, 64, 3, "2.16.840.1.101.3.4.2.4"),
  SHA256("SHA-256", 32, 64, 4, "2.16.840.1.101.3.4.2.1"),
  SHA384("SHA-384", 48, 128, 5, "2.16.840.1.101.3.4.2.2"),
  SHA512("SHA-512", 64, 128, 6, "2.16.840.1.101.3.4.2.3"),
  SHA512_224("SHA-512/224", 28, 128, 0, "2.16.840.1.101.3.4.2.5"),
  SHA512_256("SHA-512/256", 32, 128, 0, "2.16.840.1.101.3.4.2.6");

  private final String jcaName;
  private final int digestLenBytes;
  private final int blockLenBytes;
  private final int deviceOpcode;
  private final String oid;

  DigestAlgorithm(
      String jcaName, int digestLenBytes, int blockLenBytes, int deviceOpcode, String oid) {
    this.jcaName = jcaName;
    this.digestLenBytes = digestLenBytes;
    this.blockLenBytes = blockLenBytes;
    this.deviceOpcode = deviceOpcode;
    this.oid = oid;
  }

  /** Standard JCA name, e.g. {@code SHA-256}. */
  public String jcaName() {
    return jcaName;
  }

  public int digestLenBytes() {
    return digestLenBytes;
  }

  public int blockLenBytes() {
    return blockLenBytes;
  }

  /** Shim opcode, or {@code 0} when no device computes this hash. */
  public int deviceOpcode() {
    return deviceOpcode;
  }

  public String oid() {
    return oid;
  }

  /**
   * Looks a hash up by any of its common spellings ({@code SHA-256}, {@code SHA256}, {@code
   * SHA-512/224}, {@code SHA512-224}, OID), or returns {@code null}.
   */
  public static DigestAlgorithm lookup(String name) {
    if (name == null) {
      return null;
    }
    String n = name.trim().toUpperCase(java.util.Locale.ROOT);
    for (DigestAlgorithm d : values()) {
      if (d.jcaName.equals(n) || d.oid.equals(n) || d.name().equals(n.replace('/', '_'))) {
        return d;
      }
      String compact = d.jcaName.replace("-", "");
      if (compact.equals(n.replace("-", "")) || compact.replace('/', '-').equals(n.replace("SHA-", "SHA"))) {
        return d;
      }
    }
    return null;
  }
}

package dev.accel.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often the provider's {@code AES/GCM/NoPadding} {@code Cipher}s were initialised and
 * finished, per direction. The route counters say where each AES-GCM request ran; these say that
 * the caller's {@code Cipher} was Accel's: a TLS stack that seals and opens every record through
 * Accel calls {@code init} once and {@code doFinal} once per record, so {@code inits == doFinals}
 * and {@code doFinals >= bytes / max fragment} per direction (docs/tls.md). Lock-free ({@link
 * LongAdder}): one increment per call.
 */
public final class GcmCallCounters {
  private final LongAdder encryptInits = new LongAdder();
  private final LongAdder encryptDoFinals = new LongAdder();
  private final LongAdder decryptInits = new LongAdder();
  private final LongAdder decryptDoFinals = new LongAdder();

  /** Counts one successful {@code init} (ENCRYPT/WRAP when {@code encrypt}, else DECRYPT/UNWRAP). */
  public void init(boolean encrypt) {
    (encrypt ? encryptInits : decryptInits).increment();
  }

  /** Counts one {@code doFinal} that ran the operation (a failed tag check included). */
  public void doFinal(boolean encrypt) {
    (encrypt ? encryptDoFinals : decryptDoFinals).increment();
  }

  public Snapshot snapshot() {
    return new Snapshot(encryptInits.sum(), encryptDoFinals.sum(), decryptInits.sum(), decryptDoFinals.sum());
  }

  /** Zeroes the counters (with the route counters: {@code AccelProvider#resetStats()}). */
  public void reset() {
    encryptInits.reset();
    encryptDoFinals.reset();
    decryptInits.reset();
    decryptDoFinals.reset();
  }

  /** The counts at one moment; each field is read separately (consistent when traffic is idle). */
  public record Snapshot(long encryptInits, long encryptDoFinals, long decryptInits, long decryptDoFinals) {
    /** {@code AES-GCM-encrypt|init}, {@code ...|doFinal}, {@code AES-GCM-decrypt|...} (the MBean's keys). */
    public Map<String, Long> asMap() {
      Map<String, Long> out = new TreeMap<>();
      out.put("AES-GCM-encrypt|init", encryptInits);
      out.put("AES-GCM-encrypt|doFinal", encryptDoFinals);
      out.put("AES-GCM-decrypt|init", decryptInits);
      out.put("AES-GCM-decrypt|doFinal", decryptDoFinals);
      return out;
    }

    /** One line for {@code accel stats}. */
    public String render() {
      return "AES-GCM Cipher calls: encrypt init " + encryptInits + " doFinal " + encryptDoFinals
          + ", decrypt init " + decryptInits + " doFinal " + decryptDoFinals;
    }
  }
}

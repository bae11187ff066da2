package dev.accel.soft;

import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.Device;
import dev.accel.device.DeviceException;
import dev.accel.engine.Op;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * RSA arithmetic shared by the tiers that compute with {@link BigInteger}: the RFC 8017 section
 * 4.1 / 4.2 integer conversions and base blinding of private-key operations.
 *
 * <p>Blinding (the countermeasure to timing attacks on RSADP/RSASP1 described in RFC 8017 section
 * 5.1.2, note 1): with a random r coprime to n, the exponentiation runs on {@code c * r^e mod n}
 * and the result is multiplied by {@code r^-1 mod n}. When a private key carries no public
 * exponent, {@code u = r} and {@code v = (r^-1)^d mod n} give the same effect at the cost of one
 * more exponentiation (the JDK's RSACore does the same).
 */
public final class RsaMath {
  private static final SecureRandom RANDOM = new SecureRandom();

  private RsaMath() {}

  /** OS2IP (RFC 8017 section 4.2). */
  public static BigInteger os2ip(byte[] input) {
    return new BigInteger(1, input);
  }

  /** I2OSP (RFC 8017 section 4.1) to exactly {@code lenBytes} bytes; the value must fit. */
  public static byte[] i2osp(BigInteger x, int lenBytes) {
    byte[] raw = x.toByteArray();
    if (raw.length == lenBytes) {
      return raw;
    }
    byte[] out = new byte[lenBytes];
    if (raw.length > lenBytes) {
      // Only a leading sign byte can be in excess.
      System.arraycopy(raw, raw.length - lenBytes, out, 0, lenBytes);
    } else {
      System.arraycopy(raw, 0, out, lenBytes - raw.length, raw.length);
    }
    return out;
  }

  /** A blinding pair (u, v): the private op computes {@code ((c*u mod n)^d mod n) * v mod n}. */
  public record Blinding(BigInteger u, BigInteger v) {
    public BigInteger blind(BigInteger c, BigInteger n) {
      return c.multiply(u).mod(n);
    }

    public BigInteger unblind(BigInteger m, BigInteger n) {
      return m.multiply(v).mod(n);
    }

    Blinding squared(BigInteger n) {
      return new Blinding(u.multiply(u).mod(n), v.multiply(v).mod(n));
    }
  }

  /**
   * A blinding pair for {@code key}, distinct from every pair handed out before (with overwhelming
   * probability).
   *
   * <p>A fresh pair costs a gcd, an inverse and an exponentiation: several times the host CPU of
   * the rest of a device signature. Like OpenSSL's BN_BLINDING_update and the JDK's RSACore (the
   * squaring update of blinding values proposed by Kocher, CRYPTO 1996), the pair of a key is instead updated by squaring: if (u, v) is a
   * valid pair for r, (u^2, v^2) is a valid pair for r^2. Each successful compare-and-set hands the
   * current pair to exactly one caller and publishes its square, so no pair is used twice; every
   * {@value #BLINDING_REFRESH} uses the stripe starts again from fresh randomness, which bounds how
   * long the squaring chain of one r is (an attacker who learns one pair learns the following ones
   * only until the refresh). The pairs of a key are kept in {@value #BLINDING_STRIPES} stripes
   * chosen by thread, each with its own r, so concurrent signers rarely contend for one
   * compare-and-set (there is no lock).
   */
  public static Blinding newBlinding(RsaKeyMaterial key) {
    BlindingCache cache = key.derived(BLINDING_OWNER, k -> new BlindingCache());
    AtomicReference<BlindingState> stripe =
        cache.stripes[(int) (Thread.currentThread().threadId() & (BLINDING_STRIPES - 1))];
    BigInteger n = key.modulus();
    while (true) {
      BlindingState s = stripe.get();
      if (s == null || s.uses >= BLINDING_REFRESH) {
        Blinding fresh = freshBlinding(key);
        cache.refreshes.increment();
        cache.uses.increment();
        // Whether or not another thread replaced the state meanwhile, fresh is ours alone.
        stripe.compareAndSet(s, new BlindingState(fresh.squared(n), 1));
        return fresh;
      }
      BlindingState next = new BlindingState(s.pair.squared(n), s.uses + 1);
      if (stripe.compareAndSet(s, next)) {
        cache.uses.increment();
        return s.pair;
      }
    }
  }

  /**
   * How many blinding pairs {@link #newBlinding} handed out for {@code key}, and how many of them
   * were fresh (for tests and diagnostics; {0, 0} when the key was never blinded here).
   */
  public static long[] blindingStats(RsaKeyMaterial key) {
    BlindingCache cache = key.derived(BLINDING_OWNER, k -> new BlindingCache());
    return new long[] {cache.uses.sum(), cache.refreshes.sum()};
  }

  private static final Object BLINDING_OWNER = new Object();

  /** Uses of one squaring chain before fresh randomness (OpenSSL's BN_BLINDING_COUNTER is 32). */
  public static final int BLINDING_REFRESH = 32;

  /** Independent chains per key (a power of two). */
  static final int BLINDING_STRIPES = 4;

  /** One stripe's current pair and how many pairs of its chain were already handed out. */
  private record BlindingState(Blinding pair, int uses) {}

  /** The evolving blinding pairs of one key (cached on the key, dropped with it). */
  private static final class BlindingCache implements AutoCloseable {
    @SuppressWarnings("unchecked")
    final AtomicReference<BlindingState>[] stripes = new AtomicReference[BLINDING_STRIPES];
    final LongAdder uses = new LongAdder();
    final LongAdder refreshes = new LongAdder();

    BlindingCache() {
      for (int i = 0; i < stripes.length; i++) {
        stripes[i] = new AtomicReference<>();
      }
    }

    @Override
    public void close() {
      for (AtomicReference<BlindingState> s : stripes) {
        s.set(null);
      }
    }
  }

  private static Blinding freshBlinding(RsaKeyMaterial key) {
    BigInteger n = key.modulus();
    BigInteger e = key.publicExponent();
    while (true) {
      BigInteger r = new BigInteger(n.bitLength() - 1, RANDOM);
      if (r.signum() == 0 || !r.gcd(n).equals(BigInteger.ONE)) {
        continue;
      }
      BigInteger rInv = r.modInverse(n);
      if (e != null) {
        return new Blinding(r.modPow(e, n), rInv);
      }
      return new Blinding(r, rInv.modPow(key.privateExponent(), n));
    }
  }

  /**
   * A private-key input blinded for a device that does not blind (emu, uadk): {@code input} is
   * I2OSP(c * u mod n), the representative the device exponentiates.
   */
  public record BlindedInput(Blinding blinding, byte[] input) {}

  /** Blinds the representative {@code input} (k bytes, below n) with the next pair of its key. */
  public static BlindedInput blind(RsaKeyMaterial key, byte[] input) {
    Blinding b = newBlinding(key);
    return new BlindedInput(b, i2osp(b.blind(os2ip(input), key.modulus()), key.modulusBytes()));
  }

  /**
   * The host's part after a device computed {@code raw = (c * u)^d mod n} with CRT: the Bellcore
   * fault check, then unblinding. Returns I2OSP(c^d mod n), or {@code null} when the result fails
   * the check (the caller recomputes in software and counts the fault: one faulty CRT result
   * factors n, Boneh, DeMillo and Lipton 1997).
   *
   * <p>The check is made on the blinded values, {@code raw^e mod n == c * u mod n}, which holds
   * exactly when the unblinded result is right ({@code (raw * v)^e = raw^e * r^-e}), and lets a
   * faulty result be rejected before any unblinding work. It runs on {@code engine} when one is
   * reachable (the cpu engine: a public-key operation with a cached Montgomery context there cost
   * about half of {@link BigInteger#modPow} at every size in our measurements, see
   * docs/benchmarks-device.md), else with {@link BigInteger#modPow}. A failure of the engine itself
   * falls back to BigInteger, never to accepting the result.
   */
  public static byte[] unblindChecked(
      RsaKeyMaterial key, BlindedInput in, byte[] raw, Device engine) {
    int k = key.modulusBytes();
    if (raw.length != k) {
      return null;
    }
    BigInteger n = key.modulus();
    boolean ok = false;
    boolean checked = false;
    if (engine != null && engine.capabilities().supportsRsa(key.modulusBits(), false)) {
      try {
        byte[] back = new byte[k];
        engine.run(new Op.RsaPublic(key, raw, back));
        ok = MessageDigest.isEqual(back, in.input());
        checked = true;
      } catch (DeviceException | javax.crypto.AEADBadTagException | RuntimeException e) {
        // raw not below n (engine rejects it) or the engine failed: check in Java below
      }
    }
    BigInteger r = os2ip(raw);
    if (!checked) {
      ok = publicOp(key, r).equals(os2ip(in.input()));
    }
    if (!ok) {
      return null;
    }
    return i2osp(in.blinding().unblind(r, n), k);
  }

  /**
   * The host's state for one private-key operation on a device that neither blinds nor checks
   * (emu, uadk): the blinded representative the device exponentiates ({@link #input()}), and what
   * turns the device's result into the answer ({@link #finish}). {@link #wipe()} clears the
   * blinding secret; call it in a finally block.
   */
  public abstract static sealed class DeviceBlinding permits JavaDeviceBlinding, NativeDeviceBlinding {
    /** I2OSP(c * r^e mod n): what the device computes with. */
    public abstract byte[] input();

    /**
     * The Bellcore check of the device's result {@code raw} ({@code raw^e mod n == input()}), then
     * unblinding: I2OSP(c^d mod n), or {@code null} when the check fails (the caller recomputes in
     * software and counts the fault).
     *
     * @throws IllegalStateException when the host engine failed before it could decide (nothing
     *     is released; the caller recomputes in software)
     */
    public abstract byte[] finish(byte[] raw);

    /** Clears the unblinding secret held here. */
    public abstract void wipe();
  }

  /** Blinding, check and unblinding with {@link BigInteger} (the check on {@code engine} if set). */
  static final class JavaDeviceBlinding extends DeviceBlinding {
    private final RsaKeyMaterial key;
    private final BlindedInput in;
    private final Device engine;

    JavaDeviceBlinding(RsaKeyMaterial key, byte[] input, Device engine) {
      this.key = key;
      this.in = blind(key, input);
      this.engine = engine;
    }

    @Override
    public byte[] input() {
      return in.input();
    }

    @Override
    public byte[] finish(byte[] raw) {
      return unblindChecked(key, in, raw, engine);
    }

    @Override
    public void wipe() {
      // BigInteger is immutable: the pair is dropped with this object (as in the JDK's RSACore)
    }
  }

  /**
   * Blinding, check and unblinding in the shim's cpu engine ({@code accel_rsa_host}): one downcall
   * before the device operation and one after, on the calling thread, with the engine's cached
   * Montgomery context of n and its blinding chain. {@code work} is [device result | c' | factor].
   */
  static final class NativeDeviceBlinding extends DeviceBlinding {
    private final RsaKeyMaterial key;
    private final Device host;
    private final byte[] work;
    private final byte[] input;

    NativeDeviceBlinding(RsaKeyMaterial key, byte[] input, Device host) throws DeviceException {
      int k = key.modulusBytes();
      this.key = key;
      this.host = host;
      this.work = new byte[3 * k];
      host.rsaHostBlind(key, input, work);
      this.input = java.util.Arrays.copyOfRange(work, k, 2 * k);
    }

    @Override
    public byte[] input() {
      return input;
    }

    @Override
    public byte[] finish(byte[] raw) {
      int k = key.modulusBytes();
      if (raw.length != k) {
        return null;
      }
      System.arraycopy(raw, 0, work, 0, k);
      byte[] out = new byte[k];
      try {
        return host.rsaHostUnblind(key, work, out) ? out : null;
      } catch (DeviceException e) {
        throw new IllegalStateException(host.name() + ": host RSA check failed to run", e);
      }
    }

    @Override
    public void wipe() {
      java.util.Arrays.fill(work, (byte) 0);
    }
  }

  /**
   * Blinds {@code input} for a private-key operation on a device that does not blind and check
   * itself. With {@code host} able to ({@link Device#hasRsaHostOps}), the whole host part runs in
   * the shim; else (or if that engine fails to blind) in Java, the check on {@code engine} when
   * non-null.
   */
  public static DeviceBlinding blindForDevice(
      RsaKeyMaterial key, byte[] input, Device host, Device engine) {
    if (host != null && key.publicExponent() != null && host.hasRsaHostOps(key.modulusBits())) {
      try {
        return new NativeDeviceBlinding(key, input, host);
      } catch (DeviceException | RuntimeException e) {
        // the engine could not blind: Java does it (nothing was sent anywhere yet)
      }
    }
    return new JavaDeviceBlinding(key, input, engine);
  }

  public static BigInteger publicOp(RsaKeyMaterial key, BigInteger m) {
    return m.modPow(key.publicExponent(), key.modulus());
  }
}

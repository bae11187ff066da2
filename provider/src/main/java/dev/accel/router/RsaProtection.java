package dev.accel.router;

import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.BatchOutcome;
import dev.accel.device.Device;
import dev.accel.device.DeviceException;
import dev.accel.engine.Engine;
import dev.accel.engine.Op;
import dev.accel.soft.RsaMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * RSA private-key protection as one decorator around an engine: the router wraps every engine it
 * holds, devices and software tiers alike, so no path releases an unprotected result.
 *
 * <p>For an engine that does not protect its own results ({@link Engine#protectsRsa()} false: the
 * emulator and UADK devices, whose results come back from hardware that may fault), a private-key
 * operation with a CRT key is
 *
 * <ol>
 *   <li>blinded (c' = c r^e mod n, RFC 8017 section 5.1.2 note 1, against timing attacks),
 *   <li>computed by the engine,
 *   <li>checked: s'^e mod n == c' (the Bellcore defence: one faulty CRT result factors n,
 *       Boneh, DeMillo and Lipton 1997), and only then unblinded and released.
 * </ol>
 *
 * The host arithmetic runs in C on the cpu engine when one is at hand (about a tenth of the
 * BigInteger cost, docs/benchmarks-device.md), else with {@link java.math.BigInteger}. Engines that
 * protect themselves (the cpu device's kernel, SunJCE's RSACore in sign mode, BC's RSA core with
 * explicit blinding) are called as they are and report a failed check as a {@link DeviceException}.
 * Either way a failed check is a {@link DeviceException} (DEVICE_ERROR), so the router re-runs the
 * op on the next engine and, if every engine fails, throws what SunRsaSign throws; the faulty
 * result never leaves this class.
 */
final class RsaProtection implements Engine {
  private final Engine inner;
  private final Device host; // cpu engine for the whole host part in C (accel.rsa.host=native), or null
  private final Device check; // cpu engine for the public-key check alone, or null (BigInteger)

  private RsaProtection(Engine inner, Device host, Device check) {
    this.inner = inner;
    this.host = host;
    this.check = check;
  }

  /**
   * {@code engine} itself when it protects its results, else the engine behind this decorator.
   *
   * @param host a cpu engine that does blinding, check and unblinding in C, or null for Java
   * @param check a cpu engine for the check s^e mod n alone, or null for BigInteger
   */
  static Engine around(Engine engine, Device host, Device check) {
    return engine.protectsRsa() ? engine : new RsaProtection(engine, host, check);
  }

  /** The engine this decorator protects. */
  Engine inner() {
    return inner;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public boolean isSoftware() {
    return inner.isSoftware();
  }

  @Override
  public boolean inline() {
    return inner.inline();
  }

  @Override
  public boolean supports(Op op) {
    return inner.supports(op);
  }

  @Override
  public boolean protectsRsa() {
    return true;
  }

  @Override
  public String healthSummary() {
    return inner.healthSummary();
  }

  @Override
  public String kernelFor(Op.Kind kind, long sizeBytes) {
    return inner.kernelFor(kind, sizeBytes);
  }

  @Override
  public int run(Op op) throws DeviceException, AEADBadTagException {
    if (!(op instanceof Op.RsaPrivate r) || !r.key().hasCrt()) {
      return inner.run(op); // non-CRT keys: no CRT fault to check; devices take CRT keys only
    }
    RsaMath.DeviceBlinding b = RsaMath.blindForDevice(r.key(), r.input(), host, check);
    try {
      byte[] raw = new byte[r.key().modulusBytes()];
      inner.run(new Op.RsaPrivate(r.key(), b.input(), raw));
      return release(r, b, raw);
    } finally {
      b.wipe();
    }
  }

  /** Checks and unblinds {@code raw} into the op's output, or throws; the faulty value is wiped. */
  private int release(Op.RsaPrivate r, RsaMath.DeviceBlinding b, byte[] raw) throws DeviceException {
    byte[] m;
    try {
      m = b.finish(raw);
    } catch (IllegalStateException e) {
      throw new DeviceException(DeviceException.Reason.DEVICE_ERROR, 0, name() + ": RSA check could not run");
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
    if (m == null) {
      throw new DeviceException(
          DeviceException.Reason.FAULTY_RESULT, 0, name() + ": RSA CRT result failed the check s^e mod n == m");
    }
    System.arraycopy(m, 0, r.out(), 0, m.length);
    Arrays.fill(m, (byte) 0);
    return r.out().length;
  }

  @Override
  public List<BatchOutcome> runBatch(List<? extends Op> ops) {
    int n = ops.size();
    RsaMath.DeviceBlinding[] blind = new RsaMath.DeviceBlinding[n];
    List<Op> sent = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        Op op = ops.get(i);
        if (op instanceof Op.RsaPrivate r && r.key().hasCrt()) {
          RsaKeyMaterial key = r.key();
          blind[i] = RsaMath.blindForDevice(key, r.input(), host, check);
          sent.add(new Op.RsaPrivate(key, blind[i].input(), new byte[key.modulusBytes()]));
        } else {
          sent.add(op);
        }
      }
      List<BatchOutcome> res = inner.runBatch(sent);
      BatchOutcome[] out = new BatchOutcome[n];
      for (int i = 0; i < n; i++) {
        BatchOutcome o = res.get(i);
        if (blind[i] == null || !o.ok()) {
          out[i] = o;
          continue;
        }
        Op.RsaPrivate r = (Op.RsaPrivate) ops.get(i);
        try {
          release(r, blind[i], o.value());
          out[i] = BatchOutcome.of(r.out());
        } catch (DeviceException e) {
          out[i] = BatchOutcome.failed(e);
        }
      }
      return List.of(out);
    } finally {
      for (RsaMath.DeviceBlinding b : blind) {
        if (b != null) {
          b.wipe();
        }
      }
    }
  }
}

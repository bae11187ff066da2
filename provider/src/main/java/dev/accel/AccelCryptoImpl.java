package dev.accel;

import dev.accel.api.AccelCrypto;
import dev.accel.api.GcmRequest;
import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.BatchOutcome;
import dev.accel.engine.IncrementalDigest;
import dev.accel.engine.Op;
import dev.accel.router.Router;
import dev.accel.rsa.EmsaPkcs1;
import dev.accel.rsa.EmsaPss;
import dev.accel.rsa.PssParams;
import dev.accel.rsa.RsaKeys;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * {@link AccelCrypto} over the provider's {@link Router}: every message takes the same route as a
 * JCA call would (thresholds, capabilities, breaker, fallback), and the messages of one call that
 * go to a device are submitted together ({@link Router#gcmBatch}, {@link Router#rsaPrivateBatch},
 * {@link Router#digestBatch}: one flush, one accel_submit while the ring has room).
 *
 * <p>Asynchrony: each call's batch runs on one virtual thread, which waits for the device
 * completions (the reaper unparks it) and completes the futures; the calling thread only validates
 * and returns. A virtual thread parks without pinning its carrier, so thousands of outstanding
 * calls cost no platform threads. Software tiers run the same contract message by message.
 */
final class AccelCryptoImpl implements AccelCrypto {
  private final AccelProvider provider;
  private final Router router;
  private final Executor executor =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("accel-async-", 0).factory());
  private final SecureRandom random = new SecureRandom();
  /** Key material by key value, so repeated keys reuse their device sessions. */
  private final Map<SecretKey, AesKeyMaterial> aesKeys = Collections.synchronizedMap(new WeakHashMap<>());

  AccelCryptoImpl(AccelProvider provider, Router router) {
    this.provider = provider;
    this.router = router;
  }

  // ---- AES-GCM ---------------------------------------------------------------------------------

  @Override
  public CompletableFuture<byte[]> sealAsync(GcmRequest request) {
    return sealAll(List.of(request)).get(0);
  }

  @Override
  public CompletableFuture<byte[]> openAsync(GcmRequest request) {
    return openAll(List.of(request)).get(0);
  }

  @Override
  public List<CompletableFuture<byte[]>> sealAll(List<GcmRequest> requests) {
    return gcm(false, requests);
  }

  @Override
  public List<CompletableFuture<byte[]>> openAll(List<GcmRequest> requests) {
    return gcm(true, requests);
  }

  private List<CompletableFuture<byte[]>> gcm(boolean open, List<GcmRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    int n = requests.size();
    List<CompletableFuture<byte[]>> futures = newFutures(n);
    List<Op> items = new ArrayList<>(n);
    List<Integer> index = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      GcmRequest r = Objects.requireNonNull(requests.get(i), "request");
      try {
        int tagLen = checkGcm(open, r);
        byte[] in = r.input();
        byte[] aad = r.aad();
        items.add(open
            ? new Op.GcmOpen(material(r.key()), r.iv(), tagLen, aad, 0, aad.length, in, 0, in.length,
                new byte[Math.max(0, in.length - tagLen)], 0)
            : new Op.GcmSeal(material(r.key()), r.iv(), tagLen, aad, 0, aad.length, in, 0, in.length,
                new byte[in.length + tagLen], 0));
        index.add(i);
      } catch (Exception e) {
        futures.get(i).completeExceptionally(e);
      }
    }
    if (!items.isEmpty()) {
      runSymmetric(futures, () -> {
        List<BatchOutcome> out = router.runBatch(items);
        for (int j = 0; j < out.size(); j++) {
          complete(futures.get(index.get(j)), out.get(j));
        }
      });
    }
    return futures;
  }

  /** The JCA checks of GCMParameterSpec / Cipher.init (SunJCE messages); returns the tag length. */
  private static int checkGcm(boolean open, GcmRequest r) throws Exception {
    int t = r.tagLenBytes();
    if (t < 12 || t > 16) {
      throw new InvalidAlgorithmParameterException(
          "Unsupported TLen value. Must be one of {128, 120, 112, 104, 96}");
    }
    if (r.iv().length == 0) {
      throw new InvalidAlgorithmParameterException("IV is empty");
    }
    if (open && r.input().length < t) {
      throw new AEADBadTagException("Input data too short to contain an expected tag length of " + t + "bytes");
    }
    return t;
  }

  private AesKeyMaterial material(SecretKey key) throws InvalidKeyException {
    Objects.requireNonNull(key, "key");
    if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
      throw new InvalidKeyException("Wrong algorithm: AES required, got " + key.getAlgorithm());
    }
    AesKeyMaterial m = aesKeys.get(key);
    if (m != null && !m.isDestroyed()) {
      return m;
    }
    byte[] raw = key.getEncoded();
    if (raw == null || (raw.length != 16 && raw.length != 24 && raw.length != 32)) {
      throw new InvalidKeyException("Invalid AES key length: " + (raw == null ? 0 : raw.length) + " bytes");
    }
    try {
      m = new AesKeyMaterial(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
    aesKeys.put(key, m);
    return m;
  }

  // ---- SHA-2 -----------------------------------------------------------------------------------

  @Override
  public List<byte[]> digestAll(String algorithmName, List<byte[]> messages)
      throws java.security.NoSuchAlgorithmException {
    Objects.requireNonNull(algorithmName, "algorithm");
    DigestAlgorithm algorithm = null;
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      if (a.deviceOpcode() != 0 && a.jcaName().equalsIgnoreCase(algorithmName)) {
        algorithm = a;
      }
    }
    if (algorithm == null) {
      throw new java.security.NoSuchAlgorithmException(
          algorithmName + " is not a batch digest (SHA-224, SHA-256, SHA-384, SHA-512)");
    }
    for (byte[] m : Objects.requireNonNull(messages, "messages")) {
      Objects.requireNonNull(m, "message");
    }
    List<Op> ops = new ArrayList<>(messages.size());
    for (byte[] m : messages) {
      ops.add(new Op.Digest(algorithm, m, 0, m.length, new byte[algorithm.digestLenBytes()], 0));
    }
    List<BatchOutcome> out = router.runBatch(ops);
    List<byte[]> digests = new ArrayList<>(out.size());
    for (BatchOutcome o : out) {
      if (!o.ok()) {
        throw new java.security.ProviderException("digest failed", o.failure());
      }
      digests.add(o.value());
    }
    return List.copyOf(digests);
  }

  // ---- RSA signatures --------------------------------------------------------------------------

  @Override
  public CompletableFuture<byte[]> signAsync(
      PrivateKey key, String algorithm, AlgorithmParameterSpec params, byte[] message) {
    return signAll(key, algorithm, params, List.of(message)).get(0);
  }

  @Override
  public List<CompletableFuture<byte[]>> signAll(
      PrivateKey key, String algorithm, AlgorithmParameterSpec params, List<byte[]> messages) {
    return sign(key, algorithm, params, messages, false);
  }

  @Override
  public List<CompletableFuture<byte[]>> signDigests(
      PrivateKey key, String algorithm, AlgorithmParameterSpec params, List<byte[]> digests) {
    return sign(key, algorithm, params, digests, true);
  }

  /** A signature scheme Accel can encode in Java ahead of one batched RSASP1. */
  private record Scheme(DigestAlgorithm hash, PSSParameterSpec pss, DigestAlgorithm mgfHash) {}

  private List<CompletableFuture<byte[]>> sign(
      PrivateKey key, String algorithm, AlgorithmParameterSpec params, List<byte[]> inputs, boolean prehashed) {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(inputs, "messages");
    int n = inputs.size();
    List<CompletableFuture<byte[]>> futures = newFutures(n);
    Scheme scheme;
    RsaKeyMaterial k;
    try {
      scheme = scheme(algorithm, params);
      if (scheme == null) {
        if (prehashed) {
          throw new NoSuchAlgorithmException("signDigests does not support " + algorithm);
        }
        jcaSign(key, algorithm, params, inputs, futures); // any other scheme of this provider
        return futures;
      }
      k = RsaKeys.convert(key).material();
      if (!k.isPrivate()) {
        throw new InvalidKeyException("RSA private key required");
      }
      int modBits = k.modulusBits();
      int hLen = scheme.hash().digestLenBytes();
      if (scheme.pss() != null ? !EmsaPss.keyLongEnough(modBits, hLen, scheme.pss().getSaltLength())
          : EmsaPkcs1.digestInfoLength(scheme.hash()) > k.modulusBytes() - 11) {
        throw new InvalidKeyException("Key is too short for this signature algorithm");
      }
    } catch (Exception e) {
      for (CompletableFuture<byte[]> f : futures) {
        f.completeExceptionally(e);
      }
      return futures;
    }
    List<byte[]> copies = new ArrayList<>(n);
    for (byte[] in : inputs) {
      copies.add(Objects.requireNonNull(in, "message"));
    }
    run(futures, () -> {
      int kBytes = k.modulusBytes();
      List<byte[]> blocks = new ArrayList<>(n);
      List<Integer> index = new ArrayList<>(n);
      IncrementalDigest h = router.newDigest(scheme.hash());
      IncrementalDigest mgf = scheme.pss() == null ? null : router.newDigest(scheme.mgfHash());
      for (int i = 0; i < n; i++) {
        byte[] in = copies.get(i);
        byte[] mHash;
        if (prehashed) {
          if (in.length != scheme.hash().digestLenBytes()) {
            futures.get(i).completeExceptionally(new SignatureException(
                "Digest length " + in.length + " does not match " + scheme.hash().jcaName()));
            continue;
          }
          mHash = in.clone();
        } else {
          h.reset();
          h.update(in, 0, in.length);
          mHash = new byte[scheme.hash().digestLenBytes()];
          h.digest(mHash, 0);
        }
        byte[] block;
        if (scheme.pss() == null) {
          block = EmsaPkcs1.encode(scheme.hash(), mHash, kBytes); // RFC 8017 section 9.2
        } else {
          byte[] em = EmsaPss.encode(mHash, k.modulusBits() - 1, scheme.pss().getSaltLength(), h, mgf, random);
          block = new byte[kBytes]; // section 8.1.1: EM may be one byte shorter than k
          System.arraycopy(em, 0, block, kBytes - em.length, em.length);
          Arrays.fill(em, (byte) 0);
        }
        blocks.add(block);
        index.add(i);
      }
      List<Op> ops = new ArrayList<>(blocks.size());
      for (byte[] b : blocks) {
        ops.add(rsaOp(k, b));
      }
      List<BatchOutcome> out = router.runBatch(ops); // RSASP1, batched
      for (int j = 0; j < out.size(); j++) {
        BatchOutcome o = out.get(j);
        CompletableFuture<byte[]> f = futures.get(index.get(j));
        if (o.ok()) {
          f.complete(o.value());
        } else {
          f.completeExceptionally(new SignatureException("Could not sign data", o.failure()));
        }
        Arrays.fill(blocks.get(j), (byte) 0);
      }
    });
    return futures;
  }

  /** PKCS#1 v1.5 "SHAxxxwithRSA" or "RSASSA-PSS"; null for anything else. */
  private static Scheme scheme(String algorithm, AlgorithmParameterSpec params)
      throws InvalidAlgorithmParameterException {
    String a = algorithm.trim().toUpperCase(Locale.ROOT);
    if (a.equals("RSASSA-PSS") || a.equals("PSS")) {
      if (!(params instanceof PSSParameterSpec p)) {
        throw new InvalidAlgorithmParameterException("RSASSA-PSS needs a PSSParameterSpec");
      }
      DigestAlgorithm hash = PssParams.digestOf(p.getDigestAlgorithm());
      if (hash == null) {
        throw new InvalidAlgorithmParameterException("Unsupported digest: " + p.getDigestAlgorithm());
      }
      if (!"MGF1".equalsIgnoreCase(p.getMGFAlgorithm())
          || !(p.getMGFParameters() instanceof MGF1ParameterSpec m)
          || PssParams.digestOf(m.getDigestAlgorithm()) == null) {
        throw new InvalidAlgorithmParameterException("Only MGF1 with a SHA-1/SHA-2 hash is supported");
      }
      if (p.getTrailerField() != PSSParameterSpec.TRAILER_FIELD_BC) {
        throw new InvalidAlgorithmParameterException("Only trailer field 1 is supported");
      }
      return new Scheme(hash, p, PssParams.digestOf(m.getDigestAlgorithm()));
    }
    if (a.endsWith("WITHRSA")) {
      if (params != null) {
        throw new InvalidAlgorithmParameterException("No parameters accepted");
      }
      DigestAlgorithm hash = DigestAlgorithm.lookup(a.substring(0, a.length() - "WITHRSA".length()));
      if (hash == null) {
        return null;
      }
      return new Scheme(hash, null, null);
    }
    return null;
  }

  private void jcaSign(
      PrivateKey key, String algorithm, AlgorithmParameterSpec params, List<byte[]> messages,
      List<CompletableFuture<byte[]>> futures) throws Exception {
    Signature probe = Signature.getInstance(algorithm, provider); // NoSuchAlgorithmException now
    probe.initSign(key);
    run(futures, () -> {
      for (int i = 0; i < messages.size(); i++) {
        try {
          Signature s = Signature.getInstance(algorithm, provider);
          if (params != null) {
            s.setParameter(params);
          }
          s.initSign(key);
          s.update(messages.get(i));
          futures.get(i).complete(s.sign());
        } catch (Exception e) {
          futures.get(i).completeExceptionally(e);
        }
      }
    });
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private static List<CompletableFuture<byte[]>> newFutures(int n) {
    List<CompletableFuture<byte[]>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new CompletableFuture<>());
    }
    return Collections.unmodifiableList(out);
  }

  private static void complete(CompletableFuture<byte[]> f, BatchOutcome o) {
    if (o.ok()) {
      f.complete(o.value());
    } else {
      f.completeExceptionally(o.failure());
    }
  }

  /** Runs {@code body} on a virtual thread; whatever it left open fails with its exception. */
  private void run(List<CompletableFuture<byte[]>> futures, Runnable body) {
    executor.execute(() -> runNow(futures, body));
  }

  private static void runNow(List<CompletableFuture<byte[]>> futures, Runnable body) {
    try {
      body.run();
    } catch (Throwable t) {
      for (CompletableFuture<byte[]> f : futures) {
        f.completeExceptionally(t);
      }
    }
  }

  /**
   * AES-GCM and digest batches: on the calling thread when no device of the router is
   * asynchronous (the cpu engine computes on the caller's thread anyway, and handing 64 small
   * messages to another thread would cost more than sealing them); the futures are then complete
   * on return. RSA always runs on a virtual thread: a software signature takes a millisecond, too
   * long for a Netty event loop.
   */
  private void runSymmetric(List<CompletableFuture<byte[]>> futures, Runnable body) {
    if (router.inlineOnly()) {
      runNow(futures, body);
    } else {
      run(futures, body);
    }
  }


  /** RSASP1's op for one encoded block; a block not below n fails alone (as in a single sign). */
  private static Op rsaOp(dev.accel.core.RsaKeyMaterial k, byte[] block) {
    try {
      return Op.RsaPrivate.of(k, block);
    } catch (javax.crypto.BadPaddingException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}

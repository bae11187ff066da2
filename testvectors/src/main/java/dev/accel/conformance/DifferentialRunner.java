package dev.accel.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seeded differential testing against the JDK (SunJCE / SUN / SunRsaSign). Every case is derived from
 * {@code (seed, tier, family, index)} alone, so a failing case is reproduced with {@code -Ddiff.seed=S
 * -Ddiff.only=INDEX}. Deterministic outputs must be byte-equal to the JDK's; randomized ones (PSS, OAEP,
 * PKCS#1 v1.5 encryption) are cross-verified / cross-decrypted in both directions.
 */
public final class DifferentialRunner {

    public static final String SUITE = "differential";

    public enum Family {
        AES_GCM("AES-GCM"), SHA2("SHA-2"), RSA_PKCS1_SIGNATURE("RSA PKCS#1 v1.5 signature"),
        RSA_PSS("RSASSA-PSS"), RSA_OAEP("RSA OAEP"), RSA_PKCS1_ENCRYPTION("RSA PKCS#1 v1.5 encryption");

        final String label;

        Family(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public boolean rsa() {
            return name().startsWith("RSA");
        }
    }

    /** Run settings: {@code only >= 0} runs that single case index. */
    public record Settings(long seed, int cases, int rsaCases, List<Integer> rsaBits, int only) {
        public int casesFor(Family f) {
            return f.rsa() ? rsaCases : cases;
        }

        public static Settings fromSystemProperties() {
            String s = System.getProperty("diff.seed", "").strip();
            long seed = s.isEmpty() ? new SplittableRandom().nextLong() : Long.parseLong(s);
            int cases = Integer.parseInt(System.getProperty("diff.cases", "2000").strip());
            int rsaCases = Integer.parseInt(System.getProperty("diff.rsa.cases", "500").strip());
            List<Integer> bits = Arrays.stream(System.getProperty("diff.rsa.bits", "2048,3072,4096").split(","))
                    .map(String::strip).filter(x -> !x.isEmpty()).map(Integer::valueOf).toList();
            int only = Integer.parseInt(System.getProperty("diff.only", "-1").strip());
            return new Settings(seed, cases, rsaCases, bits, only);
        }
    }

    static final String[] SHA2 = {"SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA-512/224", "SHA-512/256"};
    static final int[] GCM_TAGS = {96, 104, 112, 120, 128};

    private DifferentialRunner() {
    }

    /** Runs one family on one tier. */
    public static FileResult run(Family family, String tier, Provider p, Settings s) {
        FileResult r = new FileResult(SUITE, "diff: " + family.label(), tier);
        long t0 = System.nanoTime();
        List<RsaKey> keys = family.rsa() ? RsaKey.load(p, s.rsaBits()) : List.of();
        int n = s.casesFor(family);
        IntStream range = s.only() >= 0 ? IntStream.of(s.only()) : IntStream.range(0, n);
        AtomicLong bytes = new AtomicLong();
        range.parallel().forEach(i -> {
            long caseSeed = caseSeed(s.seed(), tier, family, i);
            SplittableRandom rnd = new SplittableRandom(caseSeed);
            String caseId = "case " + i + " (-Ddiff.seed=" + s.seed() + " -Ddiff.only=" + i + ")";
            StringBuilder desc = new StringBuilder();
            try {
                String problem = switch (family) {
                    case AES_GCM -> aesGcm(p, rnd, desc, bytes);
                    case SHA2 -> sha2(p, rnd, desc, bytes);
                    case RSA_PKCS1_SIGNATURE -> rsaPkcs1Signature(p, rnd, desc, keys);
                    case RSA_PSS -> rsaPss(p, rnd, desc, keys);
                    case RSA_OAEP -> rsaOaep(p, rnd, desc, keys);
                    case RSA_PKCS1_ENCRYPTION -> rsaPkcs1Encryption(p, rnd, desc, keys);
                };
                if (problem == null) {
                    r.pass(List.of());
                } else {
                    r.fail(caseId, desc.toString(), List.of(), "same behaviour as the JDK", problem);
                }
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError e && !(t instanceof StackOverflowError)) {
                    throw e;
                }
                r.fail(caseId, desc.toString(), List.of(), "same behaviour as the JDK", "exception " + Verdict.describe(t));
            }
        });
        r.note("seed " + s.seed() + ", " + (s.only() >= 0 ? "only case " + s.only() : n + " cases")
                + (family.rsa() ? ", RSA key sizes " + s.rsaBits() : ", " + bytes.get() + " payload bytes"));
        r.elapsed((System.nanoTime() - t0) / 1_000_000);
        return r;
    }

    static long caseSeed(long seed, String tier, Family f, int i) {
        long h = seed ^ mix(tier.hashCode() * 0x9E3779B97F4A7C15L + f.ordinal());
        return mix(h + 0xD1B54A32D192ED03L * (i + 1L));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Random shapes

    static int length(SplittableRandom rnd, int max) {
        int bucket = rnd.nextInt(100);
        int n;
        if (bucket < 25) {
            n = rnd.nextInt(65);
        } else if (bucket < 60) {
            n = 65 + rnd.nextInt(960);
        } else if (bucket < 85) {
            n = 1025 + rnd.nextInt(15360);
        } else {
            n = 16385 + rnd.nextInt(49152);
        }
        return Math.min(n, max);
    }

    static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    enum Chunking { ONE_SHOT, RANDOM_SPLITS, BYTEWISE }

    static Chunking chunking(SplittableRandom rnd, int len) {
        int c = rnd.nextInt(len <= 512 ? 3 : 2);
        return Chunking.values()[c];
    }

    /** Chunk lengths summing to {@code len}. */
    static int[] splits(SplittableRandom rnd, Chunking c, int len) {
        switch (c) {
            case ONE_SHOT:
                return new int[] {len};
            case BYTEWISE: {
                int[] s = new int[len];
                Arrays.fill(s, 1);
                return s;
            }
            default: {
                List<Integer> parts = new ArrayList<>();
                int left = len;
                while (left > 0) {
                    int max = rnd.nextInt(4) == 0 ? 17 : Math.max(1, Math.min(left, 1 + rnd.nextInt(Math.max(1, len / 2))));
                    int part = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(Math.min(left, max));
                    parts.add(part);
                    left -= part;
                }
                if (parts.isEmpty()) {
                    parts.add(0);
                }
                return parts.stream().mapToInt(Integer::intValue).toArray();
            }
        }
    }

    enum BufferKind { BYTES, BYTES_OUTPUT_ARRAY, IN_PLACE, HEAP_BUFFER, DIRECT_BUFFER, READ_ONLY_HEAP, READ_ONLY_DIRECT }

    static ByteBuffer input(BufferKind k, byte[] data, SplittableRandom rnd) {
        int pad = rnd.nextInt(8);
        ByteBuffer b = switch (k) {
            case DIRECT_BUFFER, READ_ONLY_DIRECT -> ByteBuffer.allocateDirect(data.length + 2 * pad);
            default -> ByteBuffer.allocate(data.length + 2 * pad);
        };
        b.position(pad);
        b.put(data);
        b.position(pad);
        b.limit(pad + data.length);
        b = b.slice();
        return (k == BufferKind.READ_ONLY_HEAP || k == BufferKind.READ_ONLY_DIRECT) ? b.asReadOnlyBuffer() : b;
    }

    // ---------------------------------------------------------------------------------------------------------
    // AES-GCM

    private static String aesGcm(Provider p, SplittableRandom rnd, StringBuilder desc, AtomicLong bytes) throws Exception {
        int keyLen = new int[] {16, 24, 32}[rnd.nextInt(3)];
        int ivLen = rnd.nextInt(10) < 8 ? 12 : 1 + rnd.nextInt(64);
        int tagBits = rnd.nextInt(2) == 0 ? 128 : GCM_TAGS[rnd.nextInt(GCM_TAGS.length)];
        int aadLen = rnd.nextInt(2) == 0 ? 0 : (rnd.nextInt(4) == 0 ? rnd.nextInt(2049) : rnd.nextInt(65));
        int ptLen = length(rnd, 65536);
        SecretKeySpec key = new SecretKeySpec(bytes(rnd, keyLen), "AES");
        byte[] iv = bytes(rnd, ivLen);
        byte[] aad = bytes(rnd, aadLen);
        byte[] pt = bytes(rnd, ptLen);
        bytes.addAndGet(ptLen);
        GCMParameterSpec spec = new GCMParameterSpec(tagBits, iv);
        Chunking ec = chunking(rnd, ptLen);
        BufferKind ek = BufferKind.values()[rnd.nextInt(BufferKind.values().length)];
        Chunking dc = chunking(rnd, ptLen);
        BufferKind dk = BufferKind.values()[rnd.nextInt(BufferKind.values().length)];
        desc.append("AES-").append(keyLen * 8).append(" iv=").append(ivLen).append(" tag=").append(tagBits)
                .append(" aad=").append(aadLen).append(" pt=").append(ptLen)
                .append(" enc=").append(ec).append('/').append(ek).append(" dec=").append(dc).append('/').append(dk);

        Cipher ref = Cipher.getInstance("AES/GCM/NoPadding", JdkReference.get());
        ref.init(Cipher.ENCRYPT_MODE, key, spec);
        ref.updateAAD(aad);
        byte[] expected = ref.doFinal(pt);

        Cipher enc = Cipher.getInstance("AES/GCM/NoPadding", p);
        enc.init(Cipher.ENCRYPT_MODE, key, spec);
        if (enc.getOutputSize(ptLen) != expected.length) {
            return "encrypt getOutputSize(" + ptLen + ") = " + enc.getOutputSize(ptLen) + ", JDK " + expected.length;
        }
        byte[] ct = gcmProcess(enc, aad, pt, splits(rnd, ec, ptLen), ek, expected.length, rnd);
        if (!Arrays.equals(ct, expected)) {
            return "ciphertext differs from the JDK's" + firstDiff(ct, expected);
        }

        Cipher dec = Cipher.getInstance("AES/GCM/NoPadding", p);
        dec.init(Cipher.DECRYPT_MODE, key, spec);
        if (dec.getOutputSize(expected.length) != ptLen) {
            return "decrypt getOutputSize(" + expected.length + ") = " + dec.getOutputSize(expected.length) + ", expected " + ptLen;
        }
        byte[] back = gcmProcess(dec, aad, expected, splits(rnd, dc, expected.length), dk, ptLen, rnd);
        if (!Arrays.equals(back, pt)) {
            return "decryption differs" + firstDiff(back, pt);
        }

        if (rnd.nextInt(4) == 0) {
            // Tampered ciphertext/tag/AAD: AEADBadTagException, output buffer untouched (as the JDK).
            byte[] bad = expected.clone();
            byte[] badAad = aad.clone();
            if (aadLen > 0 && rnd.nextInt(4) == 0) {
                badAad[rnd.nextInt(aadLen)] ^= (byte) (1 << rnd.nextInt(8));
            } else {
                bad[rnd.nextInt(bad.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            // JCA-CONTRACT.md: AEADBadTagException with the output buffer untouched. (The JDK itself throws
            // AEADBadTagException but may have overwritten the output array, so only the exception is compared.)
            String mine = tamperedDecrypt(p, key, spec, badAad, bad);
            String jdk = tamperedDecrypt(JdkReference.get(), key, spec, badAad, bad);
            if (!mine.equals(UNTOUCHED) || !jdk.startsWith("AEADBadTagException")) {
                return "tampered decryption: " + mine + "; JDK: " + jdk;
            }
        }
        return null;
    }

    static final String UNTOUCHED = "AEADBadTagException, output untouched";

    private static String tamperedDecrypt(Provider p, SecretKeySpec key, GCMParameterSpec spec, byte[] aad, byte[] ct) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
        c.init(Cipher.DECRYPT_MODE, key, spec);
        c.updateAAD(aad);
        byte[] out = new byte[Math.max(0, ct.length) + 16];
        Arrays.fill(out, (byte) 0x5A);
        try {
            c.doFinal(ct, 0, ct.length, out, 0);
            return "accepted a tampered ciphertext";
        } catch (AEADBadTagException e) {
            for (byte b : out) {
                if (b != 0x5A) {
                    return "AEADBadTagException but the output buffer was written";
                }
            }
            return UNTOUCHED;
        }
    }

    /** Runs a cipher over {@code in} with the given chunking and buffer kind; returns the whole output. */
    static byte[] gcmProcess(Cipher c, byte[] aad, byte[] in, int[] splits, BufferKind kind, int outLen, SplittableRandom rnd)
            throws Exception {
        // AAD: split as the payload when chunked, through the array or buffer API.
        if (aad.length > 0) {
            if (splits.length > 1) {
                int off = 0;
                while (off < aad.length) {
                    int part = Math.min(aad.length - off, 1 + rnd.nextInt(Math.max(1, aad.length / 2 + 1)));
                    updateAad(c, aad, off, part, kind, rnd);
                    off += part;
                }
            } else {
                updateAad(c, aad, 0, aad.length, kind, rnd);
            }
        }
        switch (kind) {
            case BYTES -> {
                java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
                int off = 0;
                for (int part : splits) {
                    byte[] u = c.update(in, off, part);
                    if (u != null) {
                        o.write(u);
                    }
                    off += part;
                }
                o.write(c.doFinal());
                return o.toByteArray();
            }
            case BYTES_OUTPUT_ARRAY -> {
                int inOff = rnd.nextInt(16);
                int outOff = rnd.nextInt(16);
                byte[] src = new byte[inOff + in.length];
                System.arraycopy(in, 0, src, inOff, in.length);
                byte[] out = new byte[outOff + outLen];
                int w = outOff;
                int off = inOff;
                for (int part : splits) {
                    w += c.update(src, off, part, out, w);
                    off += part;
                }
                w += c.doFinal(out, w);
                if (w - outOff != outLen) {
                    throw new IllegalStateException("output length " + (w - outOff) + ", expected " + outLen);
                }
                return Arrays.copyOfRange(out, outOff, outOff + outLen);
            }
            case IN_PLACE -> {
                byte[] buf = Arrays.copyOf(in, Math.max(in.length, outLen));
                int n = c.doFinal(buf, 0, in.length, buf, 0);
                if (n != outLen) {
                    throw new IllegalStateException("in-place output length " + n + ", expected " + outLen);
                }
                return Arrays.copyOf(buf, n);
            }
            default -> {
                ByteBuffer src = input(kind, in, rnd);
                ByteBuffer dst = kind == BufferKind.DIRECT_BUFFER || kind == BufferKind.READ_ONLY_DIRECT
                        ? ByteBuffer.allocateDirect(outLen) : ByteBuffer.allocate(outLen);
                int pos = 0;
                for (int part : splits) {
                    src.limit(pos + part);
                    c.update(src, dst);
                    pos += part;
                    if (src.position() != pos) {
                        throw new IllegalStateException("update consumed to " + src.position() + ", expected " + pos);
                    }
                }
                c.doFinal(src, dst);
                if (dst.position() != outLen) {
                    throw new IllegalStateException("ByteBuffer output length " + dst.position() + ", expected " + outLen);
                }
                dst.flip();
                byte[] out = new byte[outLen];
                dst.get(out);
                return out;
            }
        }
    }

    private static void updateAad(Cipher c, byte[] aad, int off, int len, BufferKind kind, SplittableRandom rnd) {
        if (kind == BufferKind.HEAP_BUFFER || kind == BufferKind.DIRECT_BUFFER
                || kind == BufferKind.READ_ONLY_HEAP || kind == BufferKind.READ_ONLY_DIRECT) {
            c.updateAAD(input(kind, Arrays.copyOfRange(aad, off, off + len), rnd));
        } else {
            c.updateAAD(aad, off, len);
        }
    }

    static String firstDiff(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return " (length " + a.length + " vs " + b.length + ")";
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return " (first difference at byte " + i + ")";
            }
        }
        return "";
    }

    // ---------------------------------------------------------------------------------------------------------
    // SHA-2

    private static String sha2(Provider p, SplittableRandom rnd, StringBuilder desc, AtomicLong bytes) throws Exception {
        String alg = SHA2[rnd.nextInt(SHA2.length)];
        int len = length(rnd, 65536);
        byte[] msg = bytes(rnd, len);
        bytes.addAndGet(len);
        Chunking ch = chunking(rnd, len);
        int[] splits = splits(rnd, ch, len);
        BufferKind kind = new BufferKind[] {BufferKind.BYTES, BufferKind.HEAP_BUFFER, BufferKind.DIRECT_BUFFER,
                BufferKind.READ_ONLY_HEAP, BufferKind.READ_ONLY_DIRECT}[rnd.nextInt(5)];
        boolean resetFirst = rnd.nextInt(8) == 0;
        int cloneAt = rnd.nextInt(4) == 0 ? rnd.nextInt(splits.length + 1) : -1;
        boolean intoArray = rnd.nextBoolean();
        desc.append(alg).append(" len=").append(len).append(' ').append(ch).append('/').append(kind)
                .append(resetFirst ? " reset-first" : "").append(cloneAt >= 0 ? " clone@" + cloneAt : "")
                .append(intoArray ? " digest(buf,off,len)" : " digest()");

        byte[] expected = MessageDigest.getInstance(alg, JdkReference.get()).digest(msg);
        MessageDigest md = MessageDigest.getInstance(alg, p);
        if (md.getDigestLength() != expected.length) {
            return "getDigestLength " + md.getDigestLength() + ", expected " + expected.length;
        }
        if (resetFirst) {
            md.update(bytes(rnd, 1 + rnd.nextInt(300)));
            md.reset();
        }
        MessageDigest clone = null;
        int off = 0;
        for (int i = 0; i < splits.length; i++) {
            if (i == cloneAt) {
                clone = (MessageDigest) md.clone();
            }
            int part = splits[i];
            if (kind == BufferKind.BYTES) {
                if (part == 1 && rnd.nextBoolean()) {
                    md.update(msg[off]);
                } else {
                    md.update(msg, off, part);
                }
            } else {
                md.update(input(kind, Arrays.copyOfRange(msg, off, off + part), rnd));
            }
            off += part;
        }
        if (cloneAt == splits.length) {
            clone = (MessageDigest) md.clone();
        }
        byte[] got = finish(md, expected.length, intoArray, rnd);
        if (!Arrays.equals(got, expected)) {
            return "digest differs from the JDK's";
        }
        if (clone != null) {
            // Finish the clone from its split point: must give the same digest, and the original is unaffected.
            int consumed = 0;
            for (int i = 0; i < Math.min(cloneAt, splits.length); i++) {
                consumed += splits[i];
            }
            clone.update(msg, consumed, len - consumed);
            if (!Arrays.equals(clone.digest(), expected)) {
                return "digest of the clone differs";
            }
        }
        // After digest the object is reset: a second use must work from scratch.
        if (!Arrays.equals(md.digest(msg), expected)) {
            return "digest after implicit reset differs";
        }
        return null;
    }

    private static byte[] finish(MessageDigest md, int n, boolean intoArray, SplittableRandom rnd) throws Exception {
        if (!intoArray) {
            return md.digest();
        }
        int off = rnd.nextInt(8);
        byte[] out = new byte[off + n + rnd.nextInt(8)];
        int w = md.digest(out, off, out.length - off);
        if (w != n) {
            throw new IllegalStateException("digest(buf,off,len) returned " + w);
        }
        return Arrays.copyOfRange(out, off, off + n);
    }

    // ---------------------------------------------------------------------------------------------------------
    // RSA

    /** A pre-generated test key with JDK and provider-under-test key objects. */
    record RsaKey(String name, int bits, RSAPrivateCrtKey jdkPrivate, PublicKey jdkPublic,
                  PrivateKey tierPrivate, PrivateKey tierNonCrt, PublicKey tierPublic) {

        static final String[] NAMES = {"rsa-2048-a", "rsa-2048-b", "rsa-3072", "rsa-4096"};

        static List<RsaKey> load(Provider p, List<Integer> bits) {
            List<RsaKey> out = new ArrayList<>();
            for (String name : NAMES) {
                int b = Integer.parseInt(name.split("-")[1]);
                if (!bits.contains(b)) {
                    continue;
                }
                try (InputStream in = Objects.requireNonNull(DifferentialRunner.class.getResourceAsStream("keys/" + name + ".pem"),
                        "resource keys/" + name + ".pem")) {
                    String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                            .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                    byte[] der = Base64.getDecoder().decode(pem);
                    KeyFactory jkf = KeyFactory.getInstance("RSA", JdkReference.get());
                    RSAPrivateCrtKey jpriv = (RSAPrivateCrtKey) jkf.generatePrivate(new PKCS8EncodedKeySpec(der));
                    PublicKey jpub = jkf.generatePublic(new RSAPublicKeySpec(jpriv.getModulus(), jpriv.getPublicExponent()));
                    KeyFactory tkf = KeyFactory.getInstance("RSA", p);
                    PrivateKey tpriv = tkf.generatePrivate(new PKCS8EncodedKeySpec(der));
                    PrivateKey tnoncrt = tkf.generatePrivate(new RSAPrivateKeySpec(jpriv.getModulus(), jpriv.getPrivateExponent()));
                    PublicKey tpub = tkf.generatePublic(new RSAPublicKeySpec(jpriv.getModulus(), jpriv.getPublicExponent()));
                    out.add(new RsaKey(name, b, jpriv, jpub, tpriv, tnoncrt, tpub));
                } catch (IOException | java.security.GeneralSecurityException e) {
                    throw new IllegalStateException("cannot load test key " + name + " on " + p.getName(), e);
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no test keys for RSA sizes " + bits);
            }
            return out;
        }

        int modulusBytes() {
            return (bits + 7) / 8;
        }

        /** The private key object the tier signs/decrypts with: JDK's CRT key, the tier's own, or non-CRT. */
        PrivateKey pickPrivate(SplittableRandom rnd, StringBuilder desc) {
            int k = rnd.nextInt(10);
            if (k < 4) {
                desc.append(" key=jdk-crt");
                return jdkPrivate;
            } else if (k < 9) {
                desc.append(" key=tier-pkcs8");
                return tierPrivate;
            }
            desc.append(" key=non-crt");
            return tierNonCrt;
        }

        PublicKey pickPublic(SplittableRandom rnd) {
            return rnd.nextBoolean() ? jdkPublic : tierPublic;
        }
    }

    static int hashLen(String h) {
        return switch (h) {
            case "SHA-1" -> 20;
            case "SHA-224", "SHA-512/224" -> 28;
            case "SHA-256", "SHA-512/256" -> 32;
            case "SHA-384" -> 48;
            default -> 64;
        };
    }

    /** Verifies; "true", "false" or the exception class — compared between tier and JDK. */
    static String verifyOutcome(Provider p, String alg, PSSParameterSpec spec, PublicKey key, byte[] msg, byte[] sig) {
        try {
            Signature s = Signature.getInstance(alg, p);
            s.initVerify(key);
            if (spec != null) {
                s.setParameter(spec);
            }
            s.update(msg);
            return String.valueOf(s.verify(sig));
        } catch (SignatureException e) {
            return "SignatureException";
        } catch (Exception e) {
            return Algs.jcaExceptionName(e);
        }
    }

    private static String rsaPkcs1Signature(Provider p, SplittableRandom rnd, StringBuilder desc, List<RsaKey> keys) throws Exception {
        RsaKey key = keys.get(rnd.nextInt(keys.size()));
        String[] names = {"SHA224withRSA", "SHA256withRSA", "SHA384withRSA", "SHA512withRSA", "SHA512/224withRSA", "SHA512/256withRSA"};
        String alg = names[rnd.nextInt(names.length)];
        if (Algs.unregisteredSignatureReason(p, alg) != null) {
            alg = "SHA512withRSA"; // SHA-512/t with RSA is optional (JCA-CONTRACT.md lists SHA224..512withRSA)
        }
        byte[] msg = bytes(rnd, length(rnd, 4096));
        desc.append(alg).append(' ').append(key.name()).append(" msg=").append(msg.length);
        PrivateKey priv = key.pickPrivate(rnd, desc);

        Signature ref = Signature.getInstance(alg, JdkReference.get());
        ref.initSign(key.jdkPrivate());
        ref.update(msg);
        byte[] expected = ref.sign();

        Signature s = Signature.getInstance(alg, p);
        s.initSign(priv);
        int[] sp = splits(rnd, chunking(rnd, msg.length), msg.length);
        int off = 0;
        for (int part : sp) {
            s.update(msg, off, part);
            off += part;
        }
        byte[] sig = s.sign();
        if (!Arrays.equals(sig, expected)) {
            return "signature differs from the JDK's";
        }
        String ok = verifyOutcome(p, alg, null, key.pickPublic(rnd), msg, expected);
        if (!ok.equals("true")) {
            return "verify of the JDK's signature: " + ok;
        }
        return tamperedVerify(p, alg, null, key, msg, expected, rnd);
    }

    private static String tamperedVerify(Provider p, String alg, PSSParameterSpec spec, RsaKey key, byte[] msg, byte[] sig,
                                         SplittableRandom rnd) {
        byte[] badSig = sig.clone();
        byte[] badMsg = msg;
        if (msg.length > 0 && rnd.nextBoolean()) {
            badMsg = msg.clone();
            badMsg[rnd.nextInt(msg.length)] ^= 1;
        } else {
            badSig[rnd.nextInt(badSig.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        String mine = verifyOutcome(p, alg, spec, key.pickPublic(rnd), badMsg, badSig);
        String jdk = verifyOutcome(JdkReference.get(), alg, spec, key.jdkPublic(), badMsg, badSig);
        return mine.equals(jdk) ? null : "tampered verify: tier " + mine + ", JDK " + jdk;
    }

    private static String rsaPss(Provider p, SplittableRandom rnd, StringBuilder desc, List<RsaKey> keys) throws Exception {
        RsaKey key = keys.get(rnd.nextInt(keys.size()));
        String hash = SHA2[rnd.nextInt(SHA2.length)];
        String mgfHash = rnd.nextInt(5) < 4 ? hash : SHA2[rnd.nextInt(SHA2.length)];
        int hLen = hashLen(hash);
        int emLen = (key.bits() - 1 + 7) / 8;
        int maxSalt = emLen - hLen - 2;
        int salt = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1, 2 -> hLen;
            default -> rnd.nextInt(maxSalt + 1);
        };
        PSSParameterSpec spec = new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(mgfHash), salt, 1);
        byte[] msg = bytes(rnd, length(rnd, 4096));
        desc.append("PSS ").append(hash).append(" mgf1=").append(mgfHash).append(" salt=").append(salt)
                .append(' ').append(key.name()).append(" msg=").append(msg.length);
        PrivateKey priv = key.pickPrivate(rnd, desc);

        Signature s = Signature.getInstance("RSASSA-PSS", p);
        s.initSign(priv);
        s.setParameter(spec);
        s.update(msg);
        byte[] sig = s.sign();
        if (sig.length != key.modulusBytes()) {
            return "signature length " + sig.length;
        }
        String jv = verifyOutcome(JdkReference.get(), "RSASSA-PSS", spec, key.jdkPublic(), msg, sig);
        if (!jv.equals("true")) {
            return "JDK verify of the tier's signature: " + jv;
        }
        Signature ref = Signature.getInstance("RSASSA-PSS", JdkReference.get());
        ref.initSign(key.jdkPrivate());
        ref.setParameter(spec);
        ref.update(msg);
        byte[] jsig = ref.sign();
        String tv = verifyOutcome(p, "RSASSA-PSS", spec, key.pickPublic(rnd), msg, jsig);
        if (!tv.equals("true")) {
            return "tier verify of the JDK's signature: " + tv;
        }
        return tamperedVerify(p, "RSASSA-PSS", spec, key, msg, jsig, rnd);
    }

    /** Decrypts; the plaintext as hex, or the exception class — compared between tier and JDK. */
    static String decryptOutcome(Provider p, String transformation, java.security.spec.AlgorithmParameterSpec spec,
                                 PrivateKey key, byte[] ct) {
        try {
            Cipher c = Cipher.getInstance(transformation, p);
            if (spec == null) {
                c.init(Cipher.DECRYPT_MODE, key);
            } else {
                c.init(Cipher.DECRYPT_MODE, key, spec);
            }
            return Algs.HEX.formatHex(c.doFinal(ct));
        } catch (Exception e) {
            return Algs.jcaExceptionName(e);
        }
    }

    private static String rsaOaep(Provider p, SplittableRandom rnd, StringBuilder desc, List<RsaKey> keys) throws Exception {
        RsaKey key = keys.get(rnd.nextInt(keys.size()));
        boolean named = rnd.nextInt(4) == 0; // OAEPWith<digest>AndMGF1Padding without parameters: MGF1 uses SHA-1
        String hash = named ? new String[] {"SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512"}[rnd.nextInt(5)]
                : rnd.nextInt(8) == 0 ? "SHA-1" : SHA2[rnd.nextInt(SHA2.length)];
        String mgfHash = named ? "SHA-1" : (rnd.nextInt(3) == 0 ? "SHA-1" : rnd.nextBoolean() ? hash : SHA2[rnd.nextInt(SHA2.length)]);
        byte[] label = named || rnd.nextBoolean() ? new byte[0] : bytes(rnd, rnd.nextInt(64));
        String transformation = named ? "RSA/ECB/OAEPWith" + hash + "AndMGF1Padding" : "RSA/ECB/OAEPPadding";
        OAEPParameterSpec spec = named ? null
                : new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(mgfHash), new PSource.PSpecified(label));
        int maxMsg = key.modulusBytes() - 2 * hashLen(hash) - 2;
        byte[] msg = bytes(rnd, rnd.nextInt(maxMsg + 1));
        desc.append(transformation).append(named ? "" : " " + hash + "/MGF1-" + mgfHash + " label=" + label.length)
                .append(' ').append(key.name()).append(" msg=").append(msg.length);
        return crossEncryption(p, rnd, desc, key, transformation, spec, msg);
    }

    private static String rsaPkcs1Encryption(Provider p, SplittableRandom rnd, StringBuilder desc, List<RsaKey> keys) throws Exception {
        RsaKey key = keys.get(rnd.nextInt(keys.size()));
        byte[] msg = bytes(rnd, rnd.nextInt(key.modulusBytes() - 11 + 1));
        desc.append("RSA/ECB/PKCS1Padding ").append(key.name()).append(" msg=").append(msg.length);
        return crossEncryption(p, rnd, desc, key, "RSA/ECB/PKCS1Padding", null, msg);
    }

    private static String crossEncryption(Provider p, SplittableRandom rnd, StringBuilder desc, RsaKey key, String transformation,
                                          OAEPParameterSpec spec, byte[] msg) throws Exception {
        PrivateKey priv = key.pickPrivate(rnd, desc);
        String want = Algs.HEX.formatHex(msg);
        // tier encrypts, JDK decrypts
        Cipher enc = Cipher.getInstance(transformation, p);
        if (spec == null) {
            enc.init(Cipher.ENCRYPT_MODE, key.pickPublic(rnd));
        } else {
            enc.init(Cipher.ENCRYPT_MODE, key.pickPublic(rnd), spec);
        }
        byte[] ct = enc.doFinal(msg);
        if (ct.length != key.modulusBytes()) {
            return "ciphertext length " + ct.length;
        }
        String jd = decryptOutcome(JdkReference.get(), transformation, spec, key.jdkPrivate(), ct);
        if (!jd.equals(want)) {
            return "JDK decryption of the tier's ciphertext: " + jd;
        }
        // JDK encrypts, tier decrypts
        Cipher ref = Cipher.getInstance(transformation, JdkReference.get());
        if (spec == null) {
            ref.init(Cipher.ENCRYPT_MODE, key.jdkPublic());
        } else {
            ref.init(Cipher.ENCRYPT_MODE, key.jdkPublic(), spec);
        }
        byte[] jct = ref.doFinal(msg);
        String td = decryptOutcome(p, transformation, spec, priv, jct);
        if (!td.equals(want)) {
            return "tier decryption of the JDK's ciphertext: " + td;
        }
        if (rnd.nextInt(3) == 0) {
            byte[] bad = jct.clone();
            bad[rnd.nextInt(bad.length)] ^= (byte) (1 << rnd.nextInt(8));
            String mine = decryptOutcome(p, transformation, spec, priv, bad);
            String jdk = decryptOutcome(JdkReference.get(), transformation, spec, key.jdkPrivate(), bad);
            if (!mine.equals(jdk)) {
                return "tampered ciphertext: tier " + mine + ", JDK " + jdk;
            }
        }
        return null;
    }
}

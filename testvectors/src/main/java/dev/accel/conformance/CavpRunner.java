package dev.accel.conformance;

import static dev.accel.conformance.Algs.hex;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Runs NIST CAVP response files (as shipped by Debian's {@code python3-cryptography-vectors}): SHA-2
 * ShortMsg/LongMsg/Monte Carlo, AES-GCM encrypt (external IV) and decrypt (with FAIL cases), RSA PKCS#1 v1.5 and
 * PSS SigGen/SigVer.
 */
public final class CavpRunner {

    public static final String SUITE = "cavp";

    static final String JCA_TAGS = "not applicable (JCA allows tags 96..128 bits)";

    private static final Pattern SHA_FILE = Pattern.compile("SHA(224|256|384|512|512_224|512_256)(ShortMsg|LongMsg|Monte)\\.rsp");
    private static final Pattern GCM_FILE = Pattern.compile("gcm(EncryptExtIV|Decrypt)(128|192|256)\\.rsp");
    private static final Pattern RSA_FILE = Pattern.compile("Sig(Gen|Ver)(15|PSS)_[0-9-]+\\.(rsp|txt)");

    private CavpRunner() {
    }

    /** One CAVP file and the relative directory it came from. */
    public record CavpFile(Path path, String kind) {
        public String name() {
            return path.getParent().getFileName() + "/" + path.getFileName();
        }
    }

    /** The CAVP files found under the vector root, by kind ("sha", "gcm", "rsa"). */
    public static List<CavpFile> discover(Path root) throws IOException {
        List<CavpFile> out = new ArrayList<>();
        add(out, root.resolve("hashes/SHA2"), SHA_FILE, "sha");
        add(out, root.resolve("ciphers/AES/GCM"), GCM_FILE, "gcm");
        add(out, root.resolve("asymmetric/RSA/FIPS_186-2"), RSA_FILE, "rsa");
        return out;
    }

    private static void add(List<CavpFile> out, Path dir, Pattern p, String kind) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(f -> p.matcher(f.getFileName().toString()).matches()).sorted()
                    .forEach(f -> out.add(new CavpFile(f, kind)));
        }
    }

    public static FileResult run(CavpFile file, String tier, Provider p) {
        FileResult r = new FileResult(SUITE, file.name(), tier);
        long t0 = System.nanoTime();
        try {
            RspParser.Parsed parsed = RspParser.parse(file.path());
            switch (file.kind()) {
                case "sha" -> runSha(file, parsed, p, r);
                case "gcm" -> runGcm(file, parsed, p, r);
                case "rsa" -> runRsa(file, parsed, p, r);
                default -> throw new IllegalArgumentException(file.kind());
            }
        } catch (IOException | RuntimeException e) {
            r.fail("file", "", List.of(), "a readable vector file", Verdict.describe(e));
        }
        if (r.run() == 0 && r.notApplicableCount() == 0) {
            r.fail("file", "", List.of(), "at least one vector", "no vectors parsed");
        }
        r.elapsed((System.nanoTime() - t0) / 1_000_000);
        return r;
    }

    private static String id(RspParser.Record rec) {
        String c = rec.get("Count") != null ? rec.get("Count") : rec.get("COUNT");
        return "line " + rec.line() + (c == null ? "" : " count " + c);
    }

    /** Judges a verdict: expectAccept → ACCEPT passes; otherwise REJECT passes. */
    private static void judge(FileResult r, String id, String comment, boolean expectAccept, Verdict v) {
        boolean ok = expectAccept ? v.kind() == Verdict.Kind.ACCEPT : v.kind() == Verdict.Kind.REJECT;
        if (ok) {
            r.pass(List.of());
        } else {
            r.fail(id, comment, List.of(), expectAccept ? "pass" : "fail (rejection)", v.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // SHA-2

    static String shaAlgorithm(String fileName) {
        Matcher m = SHA_FILE.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException(fileName);
        }
        return "SHA-" + m.group(1).replace('_', '/');
    }

    private static void runSha(CavpFile file, RspParser.Parsed parsed, Provider p, FileResult r) {
        String alg = shaAlgorithm(file.path().getFileName().toString());
        if (file.path().getFileName().toString().contains("Monte")) {
            runShaMonte(alg, parsed, p, r);
            return;
        }
        for (RspParser.Record rec : parsed.records()) {
            if (!rec.has("Msg") || !rec.has("MD")) {
                continue;
            }
            int bits = Integer.parseInt(rec.get("Len"));
            if (bits % 8 != 0) {
                r.notApplicable("bit-oriented message (JCA digests whole bytes)", 1);
                continue;
            }
            byte[] msg = bits == 0 ? new byte[0] : hex(rec.get("Msg"));
            byte[] md = hex(rec.get("MD"));
            Verdict v = Vectors.guard(() -> {
                byte[] out = MessageDigest.getInstance(alg, p).digest(msg);
                return MessageDigest.isEqual(out, md) ? Verdict.accept() : Verdict.wrong("digest " + Algs.HEX.formatHex(out));
            });
            judge(r, "Len " + bits + " (" + id(rec) + ")", alg, true, v);
        }
    }

    /** SHAVS Monte Carlo test (FIPS 180 SHAVS §6.4): 100 checkpoints of 1000 chained digests. */
    private static void runShaMonte(String alg, RspParser.Parsed parsed, Provider p, FileResult r) {
        byte[] seed = null;
        for (RspParser.Record rec : parsed.records()) {
            if (rec.has("Seed")) {
                seed = hex(rec.get("Seed"));
                continue;
            }
            if (!rec.has("MD") || seed == null) {
                continue;
            }
            byte[] expected = hex(rec.get("MD"));
            byte[] s = seed;
            Verdict v = Vectors.guard(() -> {
                MessageDigest d = MessageDigest.getInstance(alg, p);
                byte[] a = s;
                byte[] b = s;
                byte[] c = s;
                for (int i = 3; i < 1003; i++) {
                    d.update(a);
                    d.update(b);
                    d.update(c);
                    byte[] next = d.digest();
                    a = b;
                    b = c;
                    c = next;
                }
                return MessageDigest.isEqual(c, expected) ? Verdict.accept() : Verdict.wrong("checkpoint " + Algs.HEX.formatHex(c));
            });
            judge(r, "Monte " + id(rec), alg, true, v);
            seed = expected; // re-synchronise so each checkpoint is judged on its own
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // AES-GCM

    static boolean jcaTagBits(int bits) {
        return bits >= 96 && bits <= 128 && bits % 8 == 0;
    }

    private static void runGcm(CavpFile file, RspParser.Parsed parsed, Provider p, FileResult r) {
        boolean encrypt = file.path().getFileName().toString().contains("Encrypt");
        for (RspParser.Record rec : parsed.records()) {
            if (!rec.has("Key") || !rec.has("Tag")) {
                continue;
            }
            int tagBits = Integer.parseInt(rec.section().get("Taglen"));
            if (!jcaTagBits(tagBits)) {
                r.notApplicable(JCA_TAGS, 1);
                continue;
            }
            byte[] key = hex(rec.get("Key"));
            byte[] iv = hex(rec.get("IV"));
            byte[] aad = hex(rec.get("AAD"));
            byte[] ct = hex(rec.get("CT"));
            byte[] tag = hex(rec.get("Tag"));
            byte[] ctTag = WycheproofRunner.concat(ct, tag);
            String comment = "Keylen " + rec.section().get("Keylen") + " IVlen " + rec.section().get("IVlen")
                    + " PTlen " + rec.section().get("PTlen") + " AADlen " + rec.section().get("AADlen") + " Taglen " + tagBits;
            boolean fail = rec.has("FAIL");
            byte[] pt = fail ? null : hex(rec.get("PT"));
            Verdict v = Vectors.guard(() -> {
                if (encrypt) {
                    Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
                    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tagBits, iv));
                    c.updateAAD(aad);
                    byte[] out = c.doFinal(pt);
                    if (!MessageDigest.isEqual(out, ctTag)) {
                        return Verdict.wrong("encrypted to " + Algs.HEX.formatHex(out));
                    }
                }
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
                c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tagBits, iv));
                c.updateAAD(aad);
                byte[] out;
                try {
                    out = c.doFinal(ctTag);
                } catch (AEADBadTagException e) {
                    return fail ? Verdict.reject(e) : Verdict.wrong("AEADBadTagException on a valid vector");
                }
                if (fail) {
                    return Verdict.wrong("FAIL vector decrypted to " + Algs.HEX.formatHex(out));
                }
                return MessageDigest.isEqual(out, pt) ? Verdict.accept() : Verdict.wrong("decrypted to " + Algs.HEX.formatHex(out));
            });
            if (fail && v.kind() == Verdict.Kind.REJECT && !v.detail().startsWith("AEADBadTagException")) {
                v = Verdict.wrong("expected AEADBadTagException, got " + v.detail());
            }
            judge(r, id(rec), comment, !fail, v);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // RSA PKCS#1 v1.5 and PSS SigGen / SigVer

    private static final Pattern SALT_LEN = Pattern.compile("Salt len:\\s*(\\d+)");

    private static void runRsa(CavpFile file, RspParser.Parsed parsed, Provider p, FileResult r) throws IOException {
        String fname = file.path().getFileName().toString();
        boolean pss = fname.contains("PSS");
        boolean sigVer = fname.startsWith("SigVer");
        Integer headerSaltLen = null;
        for (String c : parsed.comments()) {
            Matcher m = SALT_LEN.matcher(c);
            if (m.find()) {
                headerSaltLen = Integer.parseInt(m.group(1));
            }
        }
        BigInteger n = null;
        BigInteger e = null;
        BigInteger d = null;
        Map<String, String> naByHash = new HashMap<>();
        boolean noteSignOnly = false;
        for (RspParser.Record rec : parsed.records()) {
            if (rec.has("n")) {
                n = new BigInteger(rec.get("n"), 16);
                e = null;
                d = null;
            }
            if (rec.has("e")) {
                e = new BigInteger(rec.get("e"), 16);
            }
            if (rec.has("d")) {
                d = new BigInteger(rec.get("d"), 16);
            }
            if (!rec.has("S") || !rec.has("Msg")) {
                continue;
            }
            String hash = Algs.jcaHash(rec.get("SHAAlg"));
            String naReason = naByHash.computeIfAbsent(hash, h -> applicability(p, h, pss));
            if (!naReason.isEmpty()) {
                r.notApplicable(naReason, 1);
                continue;
            }
            Integer saltLen = headerSaltLen;
            if (rec.has("SaltVal")) {
                String sv = rec.get("SaltVal");
                saltLen = sv.equals("00") ? 0 : sv.length() / 2;
            }
            if (pss && saltLen == null) {
                r.fail(id(rec), "", List.of(), "a salt length", "no salt length in file");
                continue;
            }
            byte[] msg = hex(rec.get("Msg"));
            byte[] sig = hex(rec.get("S"));
            String sigAlg = pss ? "RSASSA-PSS" : Algs.pkcs1SignatureName(hash);
            PSSParameterSpec spec = pss ? new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), saltLen, 1) : null;
            BigInteger fn = n;
            BigInteger fe = e;
            BigInteger fd = d;
            String comment = hash + " mod " + rec.section().get("mod") + (pss ? " sLen " + saltLen : "");
            if (sigVer) {
                String result = rec.get("Result");
                boolean expectPass = result != null && result.startsWith("P");
                Verdict v = Vectors.guard(() -> verify(p, sigAlg, spec, fn, fe, msg, sig));
                judge(r, id(rec), comment + " Result " + result, expectPass, v);
                continue;
            }
            // SigGen: the given signature must verify; where the file has d, sign too.
            Callable<Verdict> op = () -> {
                Verdict v = verify(p, sigAlg, spec, fn, fe, msg, sig);
                if (v.kind() != Verdict.Kind.ACCEPT) {
                    return Verdict.wrong("given signature: " + v.detail());
                }
                if (fd == null) {
                    return v;
                }
                PrivateKey priv = KeyFactory.getInstance("RSA", p).generatePrivate(new RSAPrivateKeySpec(fn, fd));
                Signature s = Signature.getInstance(sigAlg, p);
                s.initSign(priv);
                if (spec != null) {
                    s.setParameter(spec);
                }
                s.update(msg);
                byte[] mine = s.sign();
                if (!pss) {
                    return MessageDigest.isEqual(mine, sig) ? Verdict.accept("signed identically")
                            : Verdict.wrong("signature differs: " + Algs.HEX.formatHex(mine));
                }
                // PSS is salted: check our signature verifies on the tier and on the JDK.
                Verdict own = verify(p, sigAlg, spec, fn, fe, msg, mine);
                Verdict jdk = verify(JdkReference.get(), sigAlg, spec, fn, fe, msg, mine);
                if (own.kind() != Verdict.Kind.ACCEPT || jdk.kind() != Verdict.Kind.ACCEPT) {
                    return Verdict.wrong("own PSS signature: tier " + own + ", JDK " + jdk);
                }
                return Verdict.accept("signed; verified by tier and JDK");
            };
            if (d == null) {
                noteSignOnly = true;
            }
            judge(r, id(rec), comment, true, Vectors.guard(op));
        }
        if (noteSignOnly && !sigVer) {
            r.note("file has no private exponent: SigGen vectors are checked by verifying the given signature");
        }
    }

    /** "" when the hash can be tested on this provider, else the not-applicable reason. */
    private static String applicability(Provider p, String hash, boolean pss) {
        String reason = Algs.unsupportedHashReason(hash);
        if (reason != null) {
            return reason;
        }
        if (!pss) {
            String r = Algs.unregisteredSignatureReason(p, Algs.pkcs1SignatureName(hash));
            return r == null ? "" : r;
        }
        if (!hash.equals("SHA-1")) {
            return "";
        }
        try {
            Signature s = Signature.getInstance("RSASSA-PSS", p);
            s.setParameter(new PSSParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, 20, 1));
            return "";
        } catch (Exception ex) {
            return "provider rejects SHA-1 in PSSParameterSpec: " + Verdict.describe(ex);
        }
    }

    static Verdict verify(Provider p, String sigAlg, PSSParameterSpec spec, BigInteger n, BigInteger e, byte[] msg, byte[] sig)
            throws Exception {
        PublicKey pub = KeyFactory.getInstance("RSA", p).generatePublic(new RSAPublicKeySpec(n, e));
        Signature s = Signature.getInstance(sigAlg, p);
        s.initVerify(pub);
        if (spec != null) {
            s.setParameter(spec);
        }
        s.update(msg);
        return s.verify(sig) ? Verdict.accept("verified") : Verdict.reject("verify returned false");
    }
}

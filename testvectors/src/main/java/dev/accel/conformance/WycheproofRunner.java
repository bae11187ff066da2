package dev.accel.conformance;

import static dev.accel.conformance.Algs.hex;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Runs Wycheproof JSON vector files against a provider. Files are selected and dispatched by their
 * {@code schema} field and each group's {@code type}, so a new file of a known schema runs without code changes.
 */
public final class WycheproofRunner {

    public static final String SUITE = "wycheproof";

    /** Prepares a test group on one provider (keys, parameters) and runs its vectors. */
    interface GroupHandler {
        Object prepare(Provider p, JsonObject group) throws Exception;

        Verdict run(Provider p, Object prepared, JsonObject group, JsonObject test);
    }

    /** Schemas Accel's services are tested with, by schema file name → group type it must contain. */
    static final Map<String, String> SCHEMAS = Map.of(
            "aead_test_schema_v1.json", "AeadTest",
            "rsassa_pkcs1_verify_schema_v1.json", "RsassaPkcs1Verify",
            "rsassa_pkcs1_generate_schema_v1.json", "RsassaPkcs1Generate",
            "rsassa_pss_verify_schema_v1.json", "RsassaPssVerify",
            "rsassa_pss_with_parameters_verify_schema.json", "RsassaPssWithParametersVerify",
            "rsaes_oaep_decrypt_schema_v1.json", "RsaesOaepDecrypt",
            "rsaes_pkcs1_decrypt_schema_v1.json", "RsaesPkcs1Decrypt");

    static final Map<String, GroupHandler> HANDLERS = Map.of(
            "AeadTest", new AesGcm(),
            "RsassaPkcs1Verify", new Pkcs1Verify(),
            "RsassaPkcs1Generate", new Pkcs1Generate(),
            "RsassaPssVerify", new PssVerify(false),
            "RsassaPssWithParametersVerify", new PssVerify(true),
            "RsaesOaepDecrypt", new OaepDecrypt(),
            "RsaesPkcs1Decrypt", new Pkcs1Decrypt());

    private WycheproofRunner() {
    }

    /** A parsed vector file. */
    public record VectorFile(Path path, JsonObject json) {
        public String name() {
            return path.getFileName().toString();
        }

        public String schema() {
            return json.has("schema") ? json.get("schema").getAsString() : "";
        }
    }

    /**
     * The files in {@code dir} that concern Accel: a known schema, and for the generic AEAD schema only the
     * {@code AES-GCM} algorithm (ChaCha20-Poly1305, AES-CCM etc. share that schema but are not Accel services).
     */
    public static List<VectorFile> discover(Path dir) throws IOException {
        List<VectorFile> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                JsonObject json;
                try (Reader r = Files.newBufferedReader(p)) {
                    JsonElement e = JsonParser.parseReader(r);
                    if (!e.isJsonObject()) {
                        continue;
                    }
                    json = e.getAsJsonObject();
                }
                String schema = json.has("schema") ? json.get("schema").getAsString() : "";
                if (!SCHEMAS.containsKey(schema)) {
                    continue;
                }
                if (schema.equals("aead_test_schema_v1.json")
                        && !"AES-GCM".equals(json.has("algorithm") ? json.get("algorithm").getAsString() : "")) {
                    continue;
                }
                out.add(new VectorFile(p, json));
            }
        }
        return out;
    }

    /** The known schemas for which {@code files} holds no file (an incomplete vector directory). */
    public static Set<String> missingSchemas(List<VectorFile> files) {
        Set<String> missing = new TreeSet<>(SCHEMAS.keySet());
        files.forEach(f -> missing.remove(f.schema()));
        return missing;
    }

    /** Runs every vector of {@code file} on {@code p}; acceptable vectors are also run on the JDK. */
    public static FileResult run(VectorFile file, String tier, Provider p) {
        FileResult r = new FileResult(SUITE, file.name(), tier);
        long t0 = System.nanoTime();
        JsonArray groups = file.json().getAsJsonArray("testGroups");
        for (JsonElement ge : groups) {
            JsonObject group = ge.getAsJsonObject();
            JsonArray tests = group.getAsJsonArray("tests");
            String type = group.get("type").getAsString();
            GroupHandler h = HANDLERS.get(type);
            if (h == null) {
                r.fail("group type " + type, "", List.of(), "a known group type", "no handler for " + type);
                continue;
            }
            Object prepared;
            try {
                prepared = h.prepare(p, group);
            } catch (NotApplicableException na) {
                r.notApplicable(na.getMessage(), tests.size());
                continue;
            } catch (Throwable t) {
                String why = "group setup failed: " + Verdict.describe(t);
                for (JsonElement te : tests) {
                    JsonObject test = te.getAsJsonObject();
                    r.fail(tcId(test), str(test, "comment"), flags(test), str(test, "result"), why);
                }
                continue;
            }
            Object jdkPrepared = null;
            String jdkPrepareError = null;
            boolean jdkPreparedTried = false;
            for (JsonElement te : tests) {
                JsonObject test = te.getAsJsonObject();
                String expected = str(test, "result");
                List<String> flags = flags(test);
                Verdict v = h.run(p, prepared, group, test);
                switch (expected) {
                    case "valid" -> {
                        if (v.kind() == Verdict.Kind.ACCEPT) {
                            r.pass(flags);
                        } else {
                            r.fail(tcId(test), str(test, "comment"), flags, "valid (accept)", v.toString());
                        }
                    }
                    case "invalid" -> {
                        if (v.kind() == Verdict.Kind.REJECT) {
                            r.pass(flags);
                        } else {
                            r.fail(tcId(test), str(test, "comment"), flags, "invalid (reject)", v.toString());
                        }
                    }
                    case "acceptable" -> {
                        if (v.kind() == Verdict.Kind.WRONG) {
                            r.fail(tcId(test), str(test, "comment"), flags, "acceptable (accept or reject)", v.toString());
                            break;
                        }
                        if (!jdkPreparedTried) {
                            jdkPreparedTried = true;
                            try {
                                jdkPrepared = h.prepare(JdkReference.get(), group);
                            } catch (Throwable t) {
                                jdkPrepareError = Verdict.describe(t);
                            }
                        }
                        Boolean jdkAccepted = null;
                        String jdkDetail = jdkPrepareError == null ? null : "setup: " + jdkPrepareError;
                        if (jdkPrepared != null) {
                            Verdict jv = h.run(JdkReference.get(), jdkPrepared, group, test);
                            jdkAccepted = jv.kind() == Verdict.Kind.ACCEPT;
                            jdkDetail = jv.detail();
                        } else if (jdkPrepareError != null) {
                            jdkAccepted = false;
                        }
                        r.acceptable(new FileResult.AcceptableChoice(file.name(), tcId(test), flags, str(test, "comment"),
                                v.kind() == Verdict.Kind.ACCEPT, jdkAccepted, v.detail(), jdkDetail));
                    }
                    default -> r.fail(tcId(test), str(test, "comment"), flags, "a known result", "result=" + expected);
                }
            }
        }
        r.elapsed((System.nanoTime() - t0) / 1_000_000);
        return r;
    }

    static String tcId(JsonObject test) {
        return "tcId " + test.get("tcId").getAsString();
    }

    static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }

    static List<String> flags(JsonObject test) {
        List<String> out = new ArrayList<>();
        JsonArray a = test.getAsJsonArray("flags");
        if (a != null) {
            a.forEach(e -> out.add(e.getAsString()));
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // AES-GCM (aead_test_schema_v1.json)

    static final class AesGcm implements GroupHandler {
        @Override
        public Object prepare(Provider p, JsonObject group) throws Exception {
            Cipher.getInstance("AES/GCM/NoPadding", p); // the service must exist
            return Boolean.TRUE;
        }

        @Override
        public Verdict run(Provider p, Object prepared, JsonObject group, JsonObject test) {
            byte[] key = hex(str(test, "key"));
            byte[] iv = hex(str(test, "iv"));
            byte[] aad = hex(str(test, "aad"));
            byte[] msg = hex(str(test, "msg"));
            byte[] ct = hex(str(test, "ct"));
            byte[] tag = hex(str(test, "tag"));
            int tagBits = tag.length * 8;
            byte[] ctTag = concat(ct, tag);
            return Vectors.guard(() -> {
                // Decryption first: it is what invalid vectors exercise.
                Cipher d = Cipher.getInstance("AES/GCM/NoPadding", p);
                d.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tagBits, iv));
                d.updateAAD(aad);
                byte[] pt = d.doFinal(ctTag);
                if (!MessageDigest.isEqual(pt, msg)) {
                    return Verdict.wrong("decrypted to " + Algs.HEX.formatHex(pt));
                }
                if (!"invalid".equals(str(test, "result"))) {
                    Cipher e = Cipher.getInstance("AES/GCM/NoPadding", p);
                    e.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tagBits, iv));
                    e.updateAAD(aad);
                    byte[] out = e.doFinal(msg);
                    if (!MessageDigest.isEqual(out, ctTag)) {
                        return Verdict.wrong("encrypted to " + Algs.HEX.formatHex(out));
                    }
                }
                return Verdict.accept();
            });
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // RSA PKCS#1 v1.5 signatures

    /** The PKCS#1 v1.5 signature name for the group, or NotApplicable. */
    static String pkcs1SignatureFor(Provider p, JsonObject group) throws NotApplicableException {
        String hash = Algs.jcaHash(str(group, "sha"));
        String reason = Algs.unsupportedHashReason(hash);
        if (reason != null) {
            throw new NotApplicableException(reason);
        }
        String name = Algs.pkcs1SignatureName(hash);
        reason = Algs.unregisteredSignatureReason(p, name);
        if (reason != null) {
            throw new NotApplicableException(reason);
        }
        return name;
    }

    record SigKeys(String algorithm, PublicKey pub, PrivateKey priv) {
    }

    static final class Pkcs1Verify implements GroupHandler {
        @Override
        public Object prepare(Provider p, JsonObject group) throws Exception {
            String alg = pkcs1SignatureFor(p, group);
            Signature.getInstance(alg, p);
            return new SigKeys(alg, Algs.publicKey(p, "RSA", hex(str(group, "publicKeyDer"))), null);
        }

        @Override
        public Verdict run(Provider p, Object prepared, JsonObject group, JsonObject test) {
            SigKeys k = (SigKeys) prepared;
            return Vectors.guard(() -> {
                Signature s = Signature.getInstance(k.algorithm(), p);
                s.initVerify(k.pub());
                s.update(hex(str(test, "msg")));
                return s.verify(hex(str(test, "sig"))) ? Verdict.accept("verified") : Verdict.reject("verify returned false");
            });
        }
    }

    static final class Pkcs1Generate implements GroupHandler {
        @Override
        public Object prepare(Provider p, JsonObject group) throws Exception {
            String alg = pkcs1SignatureFor(p, group);
            Signature.getInstance(alg, p);
            return new SigKeys(alg, Algs.publicKey(p, "RSA", hex(str(group, "keyDer"))),
                    Algs.privateKey(p, "RSA", hex(str(group, "privateKeyPkcs8"))));
        }

        @Override
        public Verdict run(Provider p, Object prepared, JsonObject group, JsonObject test) {
            SigKeys k = (SigKeys) prepared;
            byte[] msg = hex(str(test, "msg"));
            byte[] expected = hex(str(test, "sig"));
            return Vectors.guard(() -> {
                Signature s = Signature.getInstance(k.algorithm(), p);
                s.initSign(k.priv());
                s.update(msg);
                byte[] sig = s.sign();
                if (!MessageDigest.isEqual(sig, expected)) {
                    return Verdict.wrong("signature differs: " + Algs.HEX.formatHex(sig));
                }
                Signature v = Signature.getInstance(k.algorithm(), p);
                v.initVerify(k.pub());
                v.update(msg);
                return v.verify(sig) ? Verdict.accept("signed identically and verified")
                        : Verdict.wrong("own signature did not verify");
            });
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // RSASSA-PSS

    record PssKeys(PublicKey pub, PSSParameterSpec spec) {
    }

    static final class PssVerify implements GroupHandler {
        private final boolean keyHasParams;

        PssVerify(boolean keyHasParams) {
            this.keyHasParams = keyHasParams;
        }

        @Override
        public Object prepare(Provider p, JsonObject group) throws Exception {
            String hash = Algs.jcaHash(str(group, "sha"));
            String mgf = str(group, "mgf");
            String reason = Algs.unsupportedHashReason(hash);
            if (reason != null) {
                throw new NotApplicableException(reason);
            }
            if (!mgf.equals("MGF1")) {
                throw new NotApplicableException("mask generation function " + mgf + " (Accel offers MGF1 only)");
            }
            String mgfHash = Algs.jcaHash(str(group, "mgfSha"));
            reason = Algs.unsupportedHashReason(mgfHash);
            if (reason != null) {
                throw new NotApplicableException(reason);
            }
            int sLen = group.get("sLen").getAsInt();
            PSSParameterSpec spec = new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(mgfHash), sLen, 1);
            PublicKey pub = Algs.publicKey(p, keyHasParams ? "RSASSA-PSS" : "RSA", hex(str(group, "publicKeyDer")));
            Signature s = Signature.getInstance("RSASSA-PSS", p);
            s.initVerify(pub);
            try {
                s.setParameter(spec);
            } catch (java.security.InvalidAlgorithmParameterException e) {
                if (hash.equals("SHA-1") || mgfHash.equals("SHA-1")) {
                    throw new NotApplicableException("provider rejects SHA-1 in PSSParameterSpec: " + Verdict.describe(e));
                }
                throw e;
            }
            return new PssKeys(pub, spec);
        }

        @Override
        public Verdict run(Provider p, Object prepared, JsonObject group, JsonObject test) {
            PssKeys k = (PssKeys) prepared;
            return Vectors.guard(() -> {
                Signature s = Signature.getInstance("RSASSA-PSS", p);
                s.initVerify(k.pub());
                s.setParameter(k.spec());
                s.update(hex(str(test, "msg")));
                return s.verify(hex(str(test, "sig"))) ? Verdict.accept("verified") : Verdict.reject("verify returned false");
            });
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // RSAES-OAEP and RSAES-PKCS1-v1_5 decryption

    record DecryptSetup(PrivateKey priv, String hash, String mgfHash) {
    }

    static final class OaepDecrypt implements GroupHandler {
        @Override
        public Object prepare(Provider p, JsonObject group) throws Exception {
            String hash = Algs.jcaHash(str(group, "sha"));
            String mgf = str(group, "mgf");
            String mgfHash = Algs.jcaHash(str(group, "mgfSha"));
            for (String h : new String[] {hash, mgfHash}) {
                String reason = Algs.unsupportedHashReason(h);
                if (reason != null) {
                    throw new NotApplicableException(reason);
                }
            }
            if (!mgf.equals("MGF1")) {
                throw new NotApplicableException("mask generation function " + mgf + " (Accel offers MGF1 only)");
            }
            Cipher.getInstance("RSA/ECB/OAEPPadding", p);
            return new DecryptSetup(Algs.privateKey(p, "RSA", hex(str(group, "privateKeyPkcs8"))), hash, mgfHash);
        }

        @Override
        public Verdict run(Provider p, Object prepared, JsonObject group, JsonObject test) {
            DecryptSetup k = (DecryptSetup) prepared;
            byte[] label = hex(str(test, "label"));
            return decrypt(p, "RSA/ECB/OAEPPadding", k.priv(),
                    new OAEPParameterSpec(k.hash(), "MGF1", new MGF1ParameterSpec(k.mgfHash()), new PSource.PSpecified(label)),
                    hex(str(test, "ct")), hex(str(test, "msg")));
        }
    }

    static final class Pkcs1Decrypt implements GroupHandler {
        @Override
        public Object prepare(Provider p, JsonObject group) throws Exception {
            Cipher.getInstance("RSA/ECB/PKCS1Padding", p);
            return new DecryptSetup(Algs.privateKey(p, "RSA", hex(str(group, "privateKeyPkcs8"))), null, null);
        }

        @Override
        public Verdict run(Provider p, Object prepared, JsonObject group, JsonObject test) {
            DecryptSetup k = (DecryptSetup) prepared;
            return decrypt(p, "RSA/ECB/PKCS1Padding", k.priv(), null, hex(str(test, "ct")), hex(str(test, "msg")));
        }
    }

    static Verdict decrypt(Provider p, String transformation, PrivateKey key, java.security.spec.AlgorithmParameterSpec spec,
                           byte[] ct, byte[] msg) {
        return Vectors.guard(() -> {
            Cipher c = Cipher.getInstance(transformation, p);
            if (spec == null) {
                c.init(Cipher.DECRYPT_MODE, key);
            } else {
                c.init(Cipher.DECRYPT_MODE, key, spec);
            }
            byte[] pt = c.doFinal(ct);
            return MessageDigest.isEqual(pt, msg) ? Verdict.accept("decrypted")
                    : Verdict.wrong("decrypted to " + Algs.HEX.formatHex(pt));
        });
    }
}

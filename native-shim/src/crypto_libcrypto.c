// SPDX-License-Identifier: Apache-2.0
/*
 * crypto_libcrypto.c - the compute kernels, bound to libcrypto at run time.
 *
 * No build-time OpenSSL dependency: the few prototypes we need are declared
 * here as function-pointer types and resolved with dlopen("libcrypto.so.3"),
 * the versioned name only: the unversioned libcrypto.so is a development
 * symlink that may point at any ABI. ACCEL_SHIM_LIBCRYPTO overrides the name
 * (tests use it to model a machine without libssl3); like every environment
 * override in the shim it is read with secure_getenv, so a setuid or setcap
 * process ignores it. Every symbol used exists with the same signature in
 * OpenSSL 1.1.1 and 3.x, except the optional ones (lc_opt, 3.0 and later),
 * which have a fallback.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "rsa_ifma.h"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct evp_cipher_st EVP_CIPHER;
typedef struct bignum_st BIGNUM;
typedef struct bignum_ctx BN_CTX;
typedef struct bn_mont_ctx_st BN_MONT_CTX;

/* Values from openssl/evp.h, openssl/bn.h, openssl/crypto.h (stable ABI). */
#define EVP_CTRL_GCM_SET_IVLEN 0x9
#define EVP_CTRL_GCM_GET_TAG 0x10
#define EVP_CTRL_GCM_SET_TAG 0x11
#define BN_FLG_CONSTTIME 0x04
#define OPENSSL_VERSION_STRING 6

#define LC_FUNCS(X)                                                                               \
	X(const char *, OpenSSL_version, (int))                                                   \
	X(EVP_CIPHER_CTX *, EVP_CIPHER_CTX_new, (void))                                           \
	X(void, EVP_CIPHER_CTX_free, (EVP_CIPHER_CTX *))                                          \
	X(int, EVP_CIPHER_CTX_ctrl, (EVP_CIPHER_CTX *, int, int, void *))                         \
	X(const EVP_CIPHER *, EVP_aes_128_gcm, (void))                                            \
	X(const EVP_CIPHER *, EVP_aes_192_gcm, (void))                                            \
	X(const EVP_CIPHER *, EVP_aes_256_gcm, (void))                                            \
	X(int, EVP_EncryptInit_ex,                                                                \
	  (EVP_CIPHER_CTX *, const EVP_CIPHER *, void *, const unsigned char *,                   \
	   const unsigned char *))                                                                \
	X(int, EVP_DecryptInit_ex,                                                                \
	  (EVP_CIPHER_CTX *, const EVP_CIPHER *, void *, const unsigned char *,                   \
	   const unsigned char *))                                                                \
	X(int, EVP_EncryptUpdate, (EVP_CIPHER_CTX *, unsigned char *, int *, const unsigned char *, \
				   int))                                                          \
	X(int, EVP_DecryptUpdate, (EVP_CIPHER_CTX *, unsigned char *, int *, const unsigned char *, \
				   int))                                                          \
	X(int, EVP_EncryptFinal_ex, (EVP_CIPHER_CTX *, unsigned char *, int *))                   \
	X(int, EVP_DecryptFinal_ex, (EVP_CIPHER_CTX *, unsigned char *, int *))                   \
	X(int, SHA224_Init, (void *))                                                             \
	X(int, SHA224_Final, (unsigned char *, void *))                                           \
	X(int, SHA256_Init, (void *))                                                             \
	X(int, SHA256_Update, (void *, const void *, size_t))                                     \
	X(int, SHA256_Final, (unsigned char *, void *))                                           \
	X(int, SHA384_Init, (void *))                                                             \
	X(int, SHA384_Final, (unsigned char *, void *))                                           \
	X(int, SHA512_Init, (void *))                                                             \
	X(int, SHA512_Update, (void *, const void *, size_t))                                     \
	X(int, SHA512_Final, (unsigned char *, void *))                                           \
	X(BIGNUM *, BN_new, (void))                                                               \
	X(void, BN_clear_free, (BIGNUM *))                                                        \
	X(BIGNUM *, BN_bin2bn, (const unsigned char *, int, BIGNUM *))                            \
	X(int, BN_bn2binpad, (const BIGNUM *, unsigned char *, int))                              \
	X(int, BN_num_bits, (const BIGNUM *))                                                     \
	X(int, BN_is_zero, (const BIGNUM *))                                                      \
	X(int, BN_ucmp, (const BIGNUM *, const BIGNUM *))                                         \
	X(void, BN_set_flags, (BIGNUM *, int))                                                    \
	X(BN_CTX *, BN_CTX_new, (void))                                                           \
	X(void, BN_CTX_free, (BN_CTX *))                                                          \
	X(int, BN_mul, (BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *))                      \
	X(int, BN_add, (BIGNUM *, const BIGNUM *, const BIGNUM *))                                \
	X(int, BN_nnmod, (BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *))                    \
	X(int, BN_mod_sub, (BIGNUM *, const BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *))  \
	X(int, BN_mod_mul, (BIGNUM *, const BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *))  \
	X(int, BN_mod_exp_mont,                                                                   \
	  (BIGNUM *, const BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *, void *))           \
	X(int, BN_mod_exp_mont_consttime,                                                         \
	  (BIGNUM *, const BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *, void *))           \
	X(int, BN_sub, (BIGNUM *, const BIGNUM *, const BIGNUM *))                                \
	X(int, BN_is_odd, (const BIGNUM *))                                                       \
	X(void, BN_CTX_start, (BN_CTX *))                                                         \
	X(BIGNUM *, BN_CTX_get, (BN_CTX *))                                                       \
	X(void, BN_CTX_end, (BN_CTX *))                                                           \
	X(BN_MONT_CTX *, BN_MONT_CTX_new, (void))                                                 \
	X(void, BN_MONT_CTX_free, (BN_MONT_CTX *))                                                \
	X(int, BN_MONT_CTX_set, (BN_MONT_CTX *, const BIGNUM *, BN_CTX *))                        \
	X(int, BN_mod_mul_montgomery,                                                             \
	  (BIGNUM *, const BIGNUM *, const BIGNUM *, BN_MONT_CTX *, BN_CTX *))                    \
	X(int, BN_to_montgomery, (BIGNUM *, const BIGNUM *, BN_MONT_CTX *, BN_CTX *))             \
	X(int, BN_from_montgomery, (BIGNUM *, const BIGNUM *, BN_MONT_CTX *, BN_CTX *))           \
	X(BIGNUM *, BN_mod_inverse, (BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *))         \
	X(int, BN_priv_rand_range, (BIGNUM *, const BIGNUM *))                                    \
	X(BIGNUM *, BN_copy, (BIGNUM *, const BIGNUM *))

#define LC_DECLARE(ret, name, args) ret(*name) args;
static struct {
	LC_FUNCS(LC_DECLARE)
} lc;

/* Optional (NULL when absent): OpenSSL 3.0 added it; 1.1.1 lacks it. */
static struct {
	int (*BN_mod_exp_mont_consttime_x2)(BIGNUM *, const BIGNUM *, const BIGNUM *,
					    const BIGNUM *, BN_MONT_CTX *, BIGNUM *,
					    const BIGNUM *, const BIGNUM *, const BIGNUM *,
					    BN_MONT_CTX *, BN_CTX *);
} lc_opt;

/* Written once under pthread_once, read-only afterwards. */
static pthread_once_t lc_once = PTHREAD_ONCE_INIT;
static int lc_status = ACCEL_ENODEV;
static char lc_reason[160];
static char lc_version[48];

static void lc_load(void)
{
	const char *names[2] = { secure_getenv("ACCEL_SHIM_LIBCRYPTO"), "libcrypto.so.3" };
	char first_err[112] = "";
	void *h = NULL;

	for (int i = 0; i < 2 && !h; i++) {
		if (!names[i] || !*names[i])
			continue;
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		if (!h && !first_err[0])
			snprintf(first_err, sizeof(first_err), "%s", dlerror());
		if (names[0] && names[0][0])
			break;	/* an explicit override has no fallback */
	}
	if (!h) {
		snprintf(lc_reason, sizeof(lc_reason), "libcrypto.so.3 not found: %s", first_err);
		return;
	}
#define LC_BIND(ret, name, args)                                                              \
	*(void **)(&lc.name) = dlsym(h, #name);                                                   \
	if (!lc.name) {                                                                           \
		snprintf(lc_reason, sizeof(lc_reason), "libcrypto lacks symbol %s", #name);       \
		return;                                                                           \
	}
	LC_FUNCS(LC_BIND)
#undef LC_BIND
	*(void **)(&lc_opt.BN_mod_exp_mont_consttime_x2) = dlsym(h, "BN_mod_exp_mont_consttime_x2");
	/* the handle stays open for the life of the process: kernels may run until exit */
	snprintf(lc_version, sizeof(lc_version), "libcrypto %s", lc.OpenSSL_version(OPENSSL_VERSION_STRING));
	lc_status = ACCEL_OK;
}

int shim_crypto_load(char *reason, size_t reason_len)
{
	pthread_once(&lc_once, lc_load);
	if (lc_status && reason && reason_len)
		snprintf(reason, reason_len, "%s", lc_reason);
	return lc_status;
}

const char *shim_crypto_version(void)
{
	return lc_version;
}

/* EVP takes int lengths: feed large buffers in chunks below INT_MAX. */
#define LC_CHUNK (1u << 30)

/* NIST SP 800-38D; tag check is CRYPTO_memcmp inside EVP_DecryptFinal_ex (constant time). */
int shim_gcm(bool seal, const uint8_t *key, uint32_t key_len, const uint8_t *iv, uint32_t iv_len,
	     const uint8_t *aad, uint64_t aad_len, const uint8_t *src, uint64_t len, uint8_t *dst,
	     uint8_t *tag, uint32_t tag_len)
{
	const EVP_CIPHER *cipher;
	EVP_CIPHER_CTX *ctx;
	int outl, ok = 0, ret = ACCEL_EIO;
	uint8_t fin[32];	/* GCM's final step emits no bytes; never hand EVP dst + len */
	uint64_t off;

	switch (key_len) {
	case 16: cipher = lc.EVP_aes_128_gcm(); break;
	case 24: cipher = lc.EVP_aes_192_gcm(); break;
	case 32: cipher = lc.EVP_aes_256_gcm(); break;
	default: return ACCEL_EINVAL;
	}
	ctx = lc.EVP_CIPHER_CTX_new();
	if (!ctx)
		return ACCEL_ENOMEM;
	if (seal)
		ok = lc.EVP_EncryptInit_ex(ctx, cipher, NULL, NULL, NULL);
	else
		ok = lc.EVP_DecryptInit_ex(ctx, cipher, NULL, NULL, NULL);
	if (!ok || !lc.EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL))
		goto out;
	if (seal)
		ok = lc.EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv);
	else
		ok = lc.EVP_DecryptInit_ex(ctx, NULL, NULL, key, iv) &&
		     lc.EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, (int)tag_len, tag);
	if (!ok)
		goto out;
	for (off = 0; off < aad_len; off += LC_CHUNK) {
		int n = (int)(aad_len - off < LC_CHUNK ? aad_len - off : LC_CHUNK);

		ok = seal ? lc.EVP_EncryptUpdate(ctx, NULL, &outl, aad + off, n)
			  : lc.EVP_DecryptUpdate(ctx, NULL, &outl, aad + off, n);
		if (!ok)
			goto out;
	}
	for (off = 0; off < len; off += LC_CHUNK) {
		int n = (int)(len - off < LC_CHUNK ? len - off : LC_CHUNK);

		ok = seal ? lc.EVP_EncryptUpdate(ctx, dst + off, &outl, src + off, n)
			  : lc.EVP_DecryptUpdate(ctx, dst + off, &outl, src + off, n);
		if (!ok)
			goto out;
	}
	if (seal) {
		if (lc.EVP_EncryptFinal_ex(ctx, fin, &outl) &&
		    lc.EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, (int)tag_len, tag))
			ret = ACCEL_OK;
	} else if (lc.EVP_DecryptFinal_ex(ctx, fin, &outl)) {
		ret = ACCEL_OK;
	} else {
		ret = ACCEL_EBADMSG;
	}
out:
	lc.EVP_CIPHER_CTX_free(ctx);	/* clears the expanded key schedule */
	if (!seal && ret != ACCEL_OK && len)
		memset(dst, 0, len);	/* release no plaintext on failure */
	return ret;
}

uint32_t shim_digest_len(uint32_t op)
{
	switch (op) {
	case ACCEL_OP_SHA224: return 28;
	case ACCEL_OP_SHA256: return 32;
	case ACCEL_OP_SHA384: return 48;
	case ACCEL_OP_SHA512: return 64;
	default: return 0;
	}
}

/*
 * SHA-2 through libcrypto's low-level SHA*_Init/Update/Final (same ABI in
 * 1.1.1 and 3.x). Not the one-shot SHA256(): in OpenSSL 3.0 that is
 * EVP_Q_digest, which fetches the algorithm by name on every call (measured
 * on Zen 4: 730-930 ns for 64 bytes against 100-130 ns here; equal in bulk).
 * SHA-256/224 run on SHA-NI where the CPU has it (OpenSSL's own dispatch).
 */
union sha_ctx {		/* SHA256_CTX is 112 bytes, SHA512_CTX 216 */
	uint64_t align;
	uint8_t bytes[256];
};

int shim_digest(uint32_t op, const uint8_t *src, uint64_t len, uint8_t *dst, uint32_t *out_len)
{
	static const uint8_t empty[1];
	union sha_ctx c;
	int ok;

	if (!src)
		src = empty;	/* len == 0: libcrypto wants a valid pointer */
	switch (op) {
	case ACCEL_OP_SHA224:
		ok = lc.SHA224_Init(&c) && lc.SHA256_Update(&c, src, len) && lc.SHA224_Final(dst, &c);
		break;
	case ACCEL_OP_SHA256:
		ok = lc.SHA256_Init(&c) && lc.SHA256_Update(&c, src, len) && lc.SHA256_Final(dst, &c);
		break;
	case ACCEL_OP_SHA384:
		ok = lc.SHA384_Init(&c) && lc.SHA512_Update(&c, src, len) && lc.SHA384_Final(dst, &c);
		break;
	case ACCEL_OP_SHA512:
		ok = lc.SHA512_Init(&c) && lc.SHA512_Update(&c, src, len) && lc.SHA512_Final(dst, &c);
		break;
	default:
		return ACCEL_EINVAL;
	}
	if (!ok)
		return ACCEL_EIO;
	*out_len = shim_digest_len(op);
	return ACCEL_OK;
}

/* ---- RSA: raw modular exponentiation (RFC 8017 5.1.2 RSADP / 5.1.1 RSAEP) ---- */
/*
 * Everything that depends on the key alone is computed once per session, as
 * OpenSSL caches it in the RSA object (_method_mod_n/_p/_q): the Montgomery
 * contexts of n, p and q (BN_MONT_CTX_set costs an inversion mod 2^64 and a
 * division for R^2 mod m: more than a whole RSA-2048 public operation) and
 * qinv in Montgomery form. The session is read-only after shim_rsa_new except
 * for the blinding pair, which blind_lock guards: operations of several
 * threads on one session run in parallel (cpu backend: every caller thread).
 *
 * The two CRT exponentiations (RFC 8017 5.1.2 step 2b) run on one of:
 *   RSA_K_X2  1024-bit p and q (RSA-2048), no usable IFMA kernel, and libcrypto exports
 *             BN_mod_exp_mont_consttime_x2 (3.0+): both halves interleaved
 *             on AVX-512 IFMA (OpenSSL's rsaz_avx512) where the CPU has it,
 *             else libcrypto runs them one after the other itself;
 *   RSA_K_IFMA p and q of 1536 or 2048 bits (RSA-3072/4096), where Debian's
 *             OpenSSL 3.0 has no IFMA code, and of 1024 bits (measured
 *             faster than x2), when the CPU runs AVX-512 IFMA:
 *             shim_ifma_modexp_x2 (rsa_ifma.c), both halves interleaved;
 *   RSA_K_BN  two BN_mod_exp_mont_consttime calls with the cached contexts.
 * ACCEL_SHIM_RSA_KERNEL=bn|x2|ifma forces one where it applies (benchmarks).
 *
 * protect (the cpu backend, which advertises ACCEL_RSA_BLINDS_AND_VERIFIES):
 * the engine is the host CPU, so it defends itself as OpenSSL's
 * rsa_ossl_private_decrypt/encrypt does:
 *   - base blinding (Kocher 1996; RFC 8017 5.1.2 note): c' = c r^e mod n,
 *     m = (c')^d r^-1 mod n, so the exponentiation never sees the caller's
 *     value. The pair (r^e, r^-1) is kept per session and squared after each
 *     use, and replaced by one from fresh randomness every RSA_BLIND_REFRESH
 *     uses (OpenSSL's BN_BLINDING_COUNTER);
 *   - the CRT result is checked, (c'^d)^e mod n == c', before unblinding: a
 *     fault in one half (Boneh, DeMillo, Lipton 1997, "Bellcore") would
 *     otherwise give a value whose gcd with n factors n. A mismatch answers
 *     ACCEL_EIO and releases nothing.
 * The emu backend models an accelerator that does neither (its CORRUPT fault
 * flips result bits after this code ran, and the Java side catches it).
 *
 * Costs measured on Zen 4 (one thread, RSA-2048 on IFMA): 208 us unprotected,
 * 230 us protected; the check is one public operation (~15 us on BN; see
 * below for IFMA), the blinding two Montgomery products per use, two squarings under blind_lock (~1.4 us
 * held) and a fresh pair every 32 uses. Fresh pairs are made RSA_BLIND_STOCK
 * at a time with one inversion (see blind_fresh_batch). Each operation takes its
 * own BN_CTX (BN_CTX_new + free: ~80 ns, 0.5% of a 2048-bit public
 * operation): BN_CTX_free clears every temporary, which a per-thread cached
 * context would leave holding secret intermediates between calls.
 * Public operations (and the CRT check's m^e) run on the IFMA kernel's
 * variable-time public-exponent entry, shim_ifma_modexp_pub, when n has
 * exactly 1024, 1536 or 2048 bits and the CPU runs it (square-and-multiply
 * over e's bits: 16 squarings and one product for e = 65537; the
 * constant-time fixed-window entry measured no faster than BN at 14.9 us
 * because of its 32-entry table), else on BN_mod_exp_mont with the cached
 * context of n (e = 65537 at 2048 bits: 15 us). ACCEL_SHIM_RSA_KERNEL=bn
 * forces BN here too. bench_rsa on Zen 4 (shared machine, same run), RSA-2048
 * public: 20.4-20.9 us on BN, 7.9 us on IFMA; 1024 bits 6.6-6.8 -> 4.3 us;
 * RSA-2048 private (blinded, checked): 334-338 -> 320-322 us.
 */
#define RSA_BLIND_REFRESH 32u
/*
 * Fresh blinding pairs made per inversion (Montgomery's trick, see
 * blind_fresh_batch). One constant-time BN_mod_inverse mod a 2048-bit n cost
 * 178 us and r^e with the constant-time BN exponentiation 74 us on this
 * project's 2-vCPU EPYC VM (2026-11-26): 250 us per pair, ~8 us per private
 * operation at RSA_BLIND_REFRESH = 32, the largest part of accel_rsa_host's
 * BLIND (11 us). Sixteen pairs share one inversion (three Montgomery products
 * each instead), and r^e runs on the IFMA kernel (constant time in the base).
 */
#define RSA_BLIND_STOCK 16u

enum rsa_kernel { RSA_K_BN, RSA_K_X2, RSA_K_IFMA };

#define RSA_IFMA_MAX_BYTES 256	/* 2048-bit halves */
/*
 * RSA-2048 (1024-bit halves) on the IFMA kernel rather than OpenSSL's x2: the
 * kernel was faster in every paired run of bench_rsa on Zen 4 (private
 * ops/s, blinded and checked, x2 -> IFMA: 3,685 -> 4,347, 3,591 -> 3,702,
 * 3,728 -> 4,084), and bench_ifma agrees (two halves: 230 us -> 202 us).
 */
#define RSA_IFMA_1024 1

struct shim_rsa {
	BIGNUM *n, *e, *p, *q, *dp, *dq, *qinv;
	BN_MONT_CTX *mont_n, *mont_p, *mont_q;
	BIGNUM *qinv_m;		/* qinv R mod p: one Montgomery product gives qinv h mod p */
	bool crt;
	bool protect;		/* blind and check (cpu backend) */
	bool mont_reduce;	/* p, q of equal bit length: reduce mod p, q by Montgomery round trip */
	enum rsa_kernel kernel;
	struct shim_ifma_mont *ifma_p, *ifma_q;	/* RSA_K_IFMA: precomputed p and q */
	uint32_t half_len;	/* RSA_K_IFMA: bytes of p and of q */
	uint8_t dp_be[RSA_IFMA_MAX_BYTES], dq_be[RSA_IFMA_MAX_BYTES];	/* RSA_K_IFMA: padded */
	struct shim_ifma_mont *ifma_n;	/* public operations on IFMA (NULL: BN_mod_exp_mont) */
	uint32_t n_len;		/* ifma_n: bytes of n */
	uint32_t e_len;		/* ifma_n: bytes of e */
	uint8_t e_be[RSA_IFMA_MAX_BYTES];	/* ifma_n: e, big-endian, e < n */
	pthread_mutex_t blind_lock;	/* guards blind_a, blind_ai, blind_uses */
	bool blind_lock_ok;
	BIGNUM *blind_a, *blind_ai;	/* r^e R mod n, r^-1 R mod n (Montgomery form) */
	uint32_t blind_uses;	/* uses since fresh randomness; >= RSA_BLIND_REFRESH: take a fresh pair */
	BIGNUM *stock_a[RSA_BLIND_STOCK], *stock_ai[RSA_BLIND_STOCK];	/* fresh pairs, never used */
	uint32_t stock_n;	/* stock_a/ai[0, stock_n) hold pairs; blind_lock guards both */
	/*
	 * accel_rsa_host's own squaring chain when ifma_n is set: the pair in the
	 * IFMA kernel's Montgomery form (r^e R', r^-1 R', R' = 2^(52 n)), so that
	 * blinding, the check and unblinding never leave its limbs (see
	 * host_blind_ifma). 64-byte aligned (AVX-512 loads): its own allocation.
	 */
	struct shim_ifma_num *host_pair;	/* [0] = a, [1] = ai; blind_lock guards it */
	uint32_t host_uses;	/* as blind_uses, for host_pair */
};

#ifdef SHIM_RSA_TEST_HOOKS
/*
 * White-box hooks, compiled only into tests that include this file
 * (tests/test_rsa_internal.c); the shipped library has none of this.
 */
static atomic_uint shim_rsa_test_corrupt;	/* next N CRT results: flip one bit before the check */
static atomic_uint shim_rsa_test_blinded;	/* private operations that were blinded */
static atomic_uint shim_rsa_test_fresh;		/* blinding pairs made from fresh randomness */
static atomic_uint shim_rsa_test_inversions;	/* batches of fresh pairs (one inversion each) */
#endif

/* Wipes and frees k blinding pairs (BN_clear_free wipes the limbs); NULL entries are skipped. */
static void free_pairs(BIGNUM **a, BIGNUM **ai, uint32_t k)
{
	for (uint32_t i = 0; i < k; i++) {
		if (a[i])
			lc.BN_clear_free(a[i]);
		if (ai[i])
			lc.BN_clear_free(ai[i]);
		a[i] = ai[i] = NULL;
	}
}

void shim_rsa_free(struct shim_rsa *rsa)
{
	if (!rsa)
		return;
	BIGNUM **parts[] = { &rsa->n, &rsa->e, &rsa->p, &rsa->q, &rsa->dp, &rsa->dq, &rsa->qinv,
			     &rsa->qinv_m, &rsa->blind_a, &rsa->blind_ai };
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (*parts[i])
			lc.BN_clear_free(*parts[i]);	/* BN_clear_free wipes the limbs */
	/* BN_MONT_CTX_free clears its copies of the modulus (BN_clear_free of N, Ni, RR) */
	BN_MONT_CTX **monts[] = { &rsa->mont_n, &rsa->mont_p, &rsa->mont_q };
	for (size_t i = 0; i < sizeof(monts) / sizeof(monts[0]); i++)
		if (*monts[i])
			lc.BN_MONT_CTX_free(*monts[i]);
	free_pairs(rsa->stock_a, rsa->stock_ai, RSA_BLIND_STOCK);
	if (rsa->host_pair) {
		explicit_bzero(rsa->host_pair, 2 * sizeof(*rsa->host_pair));
		free(rsa->host_pair);
	}
	shim_ifma_mont_free(rsa->ifma_p);
	shim_ifma_mont_free(rsa->ifma_q);
	shim_ifma_mont_free(rsa->ifma_n);
	if (rsa->blind_lock_ok)
		pthread_mutex_destroy(&rsa->blind_lock);
	explicit_bzero(rsa, sizeof(*rsa));	/* dp_be, dq_be */
	free(rsa);
}

static BIGNUM *bn_from(const struct accel_bn *b, bool secret)
{
	BIGNUM *r;

	if (!b->data || !b->len || b->len > 4096)
		return NULL;
	r = lc.BN_bin2bn(b->data, (int)b->len, NULL);
	if (r && lc.BN_is_zero(r)) {
		lc.BN_clear_free(r);
		return NULL;
	}
	if (r && secret)
		lc.BN_set_flags(r, BN_FLG_CONSTTIME);
	return r;
}

static BN_MONT_CTX *mont_new(const BIGNUM *m, BN_CTX *ctx)
{
	BN_MONT_CTX *mont = lc.BN_MONT_CTX_new();

	if (mont && !lc.BN_MONT_CTX_set(mont, m, ctx)) {
		lc.BN_MONT_CTX_free(mont);
		return NULL;
	}
	return mont;
}

/*
 * The CRT kernel for this key (see the table above). Measured on Zen 4, one
 * exponentiation per half, best of runs: 1536-bit halves BN 947 us, IFMA
 * 345 us; 2048-bit BN 2,200 us, IFMA 606 us; 1024-bit pairs: OpenSSL's x2
 * 230 us, IFMA x2 202 us (see RSA_IFMA_1024). Where the CPU lacks IFMA (or
 * on aarch64) shim_ifma_usable is false and x2 / BN remain.
 */
static int rsa_pick_kernel(struct shim_rsa *rsa)
{
	const char *force = secure_getenv("ACCEL_SHIM_RSA_KERNEL");
	int pbits = lc.BN_num_bits(rsa->p), qbits = lc.BN_num_bits(rsa->q);
	bool x2 = lc_opt.BN_mod_exp_mont_consttime_x2 && pbits == 1024 && qbits == 1024;
	bool ifma_size = pbits == qbits && (pbits == 1536 || pbits == 2048 ||
					    (pbits == 1024 && RSA_IFMA_1024));

	if (force && !strcmp(force, "bn")) {
		x2 = ifma_size = false;
	} else if (force && !strcmp(force, "x2")) {
		ifma_size = false;
	} else if (force && !strcmp(force, "ifma")) {
		ifma_size = pbits == qbits && (pbits == 1024 || pbits == 1536 || pbits == 2048);
	}
	rsa->kernel = x2 ? RSA_K_X2 : RSA_K_BN;
	if (!ifma_size || !shim_ifma_usable())
		return ACCEL_OK;

	uint8_t mod[RSA_IFMA_MAX_BYTES];
	uint32_t len = (uint32_t)pbits / 8;

	if (lc.BN_bn2binpad(rsa->p, mod, (int)len) != (int)len)
		return ACCEL_EIO;
	rsa->ifma_p = shim_ifma_mont_new(mod, len);
	if (lc.BN_bn2binpad(rsa->q, mod, (int)len) != (int)len)
		return ACCEL_EIO;
	rsa->ifma_q = shim_ifma_mont_new(mod, len);
	explicit_bzero(mod, sizeof(mod));
	if (!rsa->ifma_p || !rsa->ifma_q || shim_ifma_mont_bytes(rsa->ifma_p) != len ||
	    shim_ifma_mont_bytes(rsa->ifma_q) != len ||
	    lc.BN_bn2binpad(rsa->dp, rsa->dp_be, (int)len) != (int)len ||
	    lc.BN_bn2binpad(rsa->dq, rsa->dq_be, (int)len) != (int)len) {
		/* the kernel declined (or dp >= p): BN computes this key */
		shim_ifma_mont_free(rsa->ifma_p);
		shim_ifma_mont_free(rsa->ifma_q);
		rsa->ifma_p = rsa->ifma_q = NULL;
		explicit_bzero(rsa->dp_be, sizeof(rsa->dp_be));
		explicit_bzero(rsa->dq_be, sizeof(rsa->dq_be));
		return ACCEL_OK;
	}
	rsa->half_len = len;
	rsa->kernel = RSA_K_IFMA;
	return ACCEL_OK;
}

/*
 * The IFMA public-exponent kernel for n (see the table above) when n has
 * exactly 1024, 1536 or 2048 bits, the CPU runs it and ACCEL_SHIM_RSA_KERNEL
 * is not bn; otherwise ifma_n stays NULL and BN_mod_exp_mont serves. Only a
 * failed conversion is an error; the kernel declining is not.
 */
static int rsa_pick_public(struct shim_rsa *rsa)
{
	const char *force = secure_getenv("ACCEL_SHIM_RSA_KERNEL");
	int nbits = lc.BN_num_bits(rsa->n), elen = (lc.BN_num_bits(rsa->e) + 7) / 8;
	uint8_t mod[RSA_IFMA_MAX_BYTES];
	uint32_t len = (uint32_t)nbits / 8;

	if ((force && !strcmp(force, "bn")) || (nbits != 1024 && nbits != 1536 && nbits != 2048) ||
	    !shim_ifma_usable())
		return ACCEL_OK;
	if (elen < 1 || (uint32_t)elen > len)	/* e < n: never, but the buffer is fixed */
		return ACCEL_OK;
	if (lc.BN_bn2binpad(rsa->n, mod, (int)len) != (int)len ||
	    lc.BN_bn2binpad(rsa->e, rsa->e_be, elen) != elen)
		return ACCEL_EIO;
	rsa->ifma_n = shim_ifma_mont_new(mod, len);
	if (rsa->ifma_n && shim_ifma_mont_bytes(rsa->ifma_n) != len) {
		shim_ifma_mont_free(rsa->ifma_n);
		rsa->ifma_n = NULL;
	}
	if (rsa->ifma_n) {
		rsa->host_pair = aligned_alloc(64, 2 * sizeof(*rsa->host_pair));
		if (!rsa->host_pair)
			return ACCEL_ENOMEM;
		memset(rsa->host_pair, 0, 2 * sizeof(*rsa->host_pair));
		rsa->host_uses = RSA_BLIND_REFRESH;	/* the first host operation takes a fresh pair */
	}
	rsa->n_len = len;
	rsa->e_len = (uint32_t)elen;
	return ACCEL_OK;
}

int shim_rsa_new(const struct accel_rsa_key *key, bool protect, struct shim_rsa **out,
		 uint32_t *n_bits)
{
	struct shim_rsa *rsa = calloc(1, sizeof(*rsa));
	BN_CTX *ctx = NULL;
	BIGNUM *t = NULL;
	int ret = ACCEL_EINVAL;

	if (!rsa)
		return ACCEL_ENOMEM;
	rsa->protect = protect;
	rsa->blind_uses = RSA_BLIND_REFRESH;	/* the first private operation makes a pair */
	if (pthread_mutex_init(&rsa->blind_lock, NULL)) {
		ret = ACCEL_ENOMEM;
		goto err;
	}
	rsa->blind_lock_ok = true;
	rsa->n = bn_from(&key->n, false);
	rsa->e = bn_from(&key->e, false);
	if (!rsa->n || !rsa->e || (uint32_t)lc.BN_num_bits(rsa->n) != key->n_bits ||
	    lc.BN_ucmp(rsa->e, rsa->n) >= 0 || !lc.BN_is_odd(rsa->n))
		goto err;
	ctx = lc.BN_CTX_new();
	t = lc.BN_new();
	if (!ctx || !t) {
		ret = ACCEL_ENOMEM;
		goto err;
	}
	rsa->mont_n = mont_new(rsa->n, ctx);
	if (!rsa->mont_n) {
		ret = ACCEL_ENOMEM;
		goto err;
	}
	ret = rsa_pick_public(rsa);
	if (ret)
		goto err;
	ret = ACCEL_EINVAL;
	if (key->flags & ACCEL_RSA_KEY_HAS_CRT) {
		rsa->p = bn_from(&key->p, true);
		rsa->q = bn_from(&key->q, true);
		rsa->dp = bn_from(&key->dp, true);
		rsa->dq = bn_from(&key->dq, true);
		rsa->qinv = bn_from(&key->qinv, true);
		if (!rsa->p || !rsa->q || !rsa->dp || !rsa->dq || !rsa->qinv)
			goto err;
		/*
		 * Cheap consistency checks: p * q == n, both odd (Montgomery needs an odd
		 * modulus), qinv < p (it is a residue mod p). A wrong dp or dq passes here
		 * and gives a wrong result: the protect check catches that per operation.
		 */
		if (!lc.BN_mul(t, rsa->p, rsa->q, ctx) || lc.BN_ucmp(t, rsa->n) != 0 ||
		    !lc.BN_is_odd(rsa->p) || !lc.BN_is_odd(rsa->q) ||
		    lc.BN_ucmp(rsa->qinv, rsa->p) >= 0)
			goto err;
		rsa->mont_p = mont_new(rsa->p, ctx);
		rsa->mont_q = mont_new(rsa->q, ctx);
		rsa->qinv_m = lc.BN_new();
		if (!rsa->mont_p || !rsa->mont_q || !rsa->qinv_m ||
		    !lc.BN_to_montgomery(rsa->qinv_m, rsa->qinv, rsa->mont_p, ctx)) {
			ret = ACCEL_ENOMEM;
			goto err;
		}
		lc.BN_set_flags(rsa->qinv_m, BN_FLG_CONSTTIME);
		/*
		 * Montgomery reduction maps any x < m R to x R^-1 mod m (R = 2^(64 limbs of
		 * m)), so from- then to-Montgomery reduces x mod m in constant time (as
		 * OpenSSL's rsa_ossl_mod_exp does). x < n = p q < p R_p needs q < R_p: true
		 * when p and q have the same bit length; otherwise BN_nnmod.
		 */
		rsa->mont_reduce = lc.BN_num_bits(rsa->p) == lc.BN_num_bits(rsa->q);
		ret = rsa_pick_kernel(rsa);
		if (ret)
			goto err;
		rsa->crt = true;
	}
	lc.BN_clear_free(t);
	lc.BN_CTX_free(ctx);
	*n_bits = key->n_bits;
	*out = rsa;
	return ACCEL_OK;
err:
	if (t)
		lc.BN_clear_free(t);
	if (ctx)
		lc.BN_CTX_free(ctx);
	shim_rsa_free(rsa);
	return ret;
}

bool shim_rsa_has_crt(const struct shim_rsa *rsa)
{
	return rsa->crt;
}

/* r = x mod m for x < m R (see mont_reduce), in constant time. */
static bool mont_mod(BIGNUM *r, const BIGNUM *x, BN_MONT_CTX *mont, BN_CTX *ctx)
{
	return lc.BN_from_montgomery(r, x, mont, ctx) && lc.BN_to_montgomery(r, r, mont, ctx);
}

static bool bn_mod(const struct shim_rsa *rsa, BIGNUM *r, const BIGNUM *x, bool mod_p,
		   BN_CTX *ctx)
{
	if (rsa->mont_reduce)
		return mont_mod(r, x, mod_p ? rsa->mont_p : rsa->mont_q, ctx);
	return lc.BN_nnmod(r, x, mod_p ? rsa->p : rsa->q, ctx);
}

static bool rsa_public_exp(const struct shim_rsa *rsa, BIGNUM *r, const BIGNUM *x, BN_CTX *ctx);

/*
 * k pairs from fresh randomness: r_i uniform in [1, n) from libcrypto's
 * private DRBG (as OpenSSL's own RSA blinding), a_i = r_i^e R mod n,
 * ai_i = r_i^-1 R mod n, with ONE inversion for all k (Montgomery's trick,
 * "Speeding the Pollard and elliptic curve methods of factorization", 1987):
 * the prefix products p_i = r_1 ... r_i are inverted once, and walking back
 * r_i^-1 = (p_i)^-1 p_(i-1), (p_(i-1))^-1 = (p_i)^-1 r_i. Every step is a
 * Montgomery product (data-independent), the inversion the branch-free
 * BN_mod_inverse (BN_FLG_CONSTTIME), and r_i^e rsa_public_exp: the IFMA
 * kernel, whose path is independent of the base, or the constant-time BN
 * exponentiation for a base flagged BN_FLG_CONSTTIME. Some r_i sharing a
 * factor with n (probability ~k 2^-1023) makes the product non-invertible:
 * then all k are drawn again. a, ai: k allocated BIGNUMs each.
 */
static int blind_fresh_batch(const struct shim_rsa *rsa, BIGNUM **a, BIGNUM **ai, uint32_t k,
			     BN_CTX *ctx)
{
	BIGNUM *r[RSA_BLIND_STOCK], *pre[RSA_BLIND_STOCK], *inv = NULL, *t = NULL;
	int ret = ACCEL_EIO;

	if (k < 1 || k > RSA_BLIND_STOCK)
		return ACCEL_EINVAL;
	lc.BN_CTX_start(ctx);
	for (uint32_t i = 0; i < k; i++) {
		r[i] = lc.BN_CTX_get(ctx);
		pre[i] = lc.BN_CTX_get(ctx);
	}
	inv = lc.BN_CTX_get(ctx);
	t = lc.BN_CTX_get(ctx);
	if (!t)
		goto out;	/* BN_CTX_get fails from then on: checking the last is enough */
	for (uint32_t i = 0; i < k; i++) {
		lc.BN_set_flags(r[i], BN_FLG_CONSTTIME);
		lc.BN_set_flags(pre[i], BN_FLG_CONSTTIME);
	}
	lc.BN_set_flags(inv, BN_FLG_CONSTTIME);
	lc.BN_set_flags(t, BN_FLG_CONSTTIME);
	for (int tries = 0; tries < 8 && ret; tries++) {
		/* r[i] = r_i R, pre[i] = r_1 ... r_i R */
		for (uint32_t i = 0; i < k; i++) {
			if (!lc.BN_priv_rand_range(r[i], rsa->n) ||
			    !lc.BN_to_montgomery(r[i], r[i], rsa->mont_n, ctx) ||
			    !(i ? lc.BN_mod_mul_montgomery(pre[i], pre[i - 1], r[i], rsa->mont_n, ctx)
				: lc.BN_copy(pre[0], r[0]) != NULL))
				goto out;
		}
		if (!lc.BN_from_montgomery(t, pre[k - 1], rsa->mont_n, ctx))
			goto out;
		if (lc.BN_is_zero(t) || !lc.BN_mod_inverse(inv, t, rsa->n, ctx))
			continue;	/* gcd(r_1 ... r_k, n) > 1 */
		if (!lc.BN_to_montgomery(inv, inv, rsa->mont_n, ctx))
			goto out;
		/* inv = (r_1 ... r_i)^-1 R on entry to step i */
		for (uint32_t i = k - 1; i > 0; i--) {
			if (!lc.BN_mod_mul_montgomery(ai[i], inv, pre[i - 1], rsa->mont_n, ctx) ||
			    !lc.BN_mod_mul_montgomery(inv, inv, r[i], rsa->mont_n, ctx))
				goto out;
		}
		if (!lc.BN_copy(ai[0], inv))
			goto out;
		for (uint32_t i = 0; i < k; i++) {
			/* t = r_i, then a_i = r_i^e R */
			if (!lc.BN_from_montgomery(t, r[i], rsa->mont_n, ctx) ||
			    !rsa_public_exp(rsa, a[i], t, ctx) ||
			    !lc.BN_to_montgomery(a[i], a[i], rsa->mont_n, ctx))
				goto out;
		}
		ret = ACCEL_OK;
	}
#ifdef SHIM_RSA_TEST_HOOKS
	if (!ret)
		atomic_fetch_add(&shim_rsa_test_inversions, 1);
#endif
out:
	lc.BN_CTX_end(ctx);	/* r, pre, inv, t: cleared with the BN_CTX by BN_CTX_free */
	return ret;
}

/* Montgomery square in place: x R -> x^2 R. */
static bool mont_sqr(BIGNUM *x, const struct shim_rsa *rsa, BN_CTX *ctx)
{
	return lc.BN_mod_mul_montgomery(x, x, x, rsa->mont_n, ctx);
}

/*
 * Under blind_lock: the square of a fresh pair (this operation's) becomes the
 * session's next pair, so the squaring chain restarts from fresh randomness.
 * On a BN failure the chain stays due for a fresh pair.
 */
static void blind_install(struct shim_rsa *rsa, const BIGNUM *fa, const BIGNUM *fai, BN_CTX *ctx)
{
	if (!rsa->blind_a)
		rsa->blind_a = lc.BN_new();
	if (!rsa->blind_ai)
		rsa->blind_ai = lc.BN_new();
	if (!rsa->blind_a || !rsa->blind_ai ||
	    !lc.BN_mod_mul_montgomery(rsa->blind_a, fa, fa, rsa->mont_n, ctx) ||
	    !lc.BN_mod_mul_montgomery(rsa->blind_ai, fai, fai, rsa->mont_n, ctx)) {
		rsa->blind_uses = RSA_BLIND_REFRESH;
		return;
	}
	rsa->blind_uses = 1;
}

/*
 * A fresh pair (never used, BN Montgomery form) into a, ai: from the stock,
 * or, when it is empty, from a new batch (blind_fresh_batch, outside the
 * lock): the caller keeps its first pair and stocks the rest; pairs that
 * another thread's refill leaves no room for are wiped.
 */
static int fresh_pair(struct shim_rsa *rsa, BIGNUM *a, BIGNUM *ai, BN_CTX *ctx)
{
	BIGNUM *na[RSA_BLIND_STOCK] = { 0 }, *nai[RSA_BLIND_STOCK] = { 0 };
	bool ok = false;
	int ret;

	pthread_mutex_lock(&rsa->blind_lock);
	if (rsa->stock_n) {
		uint32_t i = --rsa->stock_n;

		ok = lc.BN_copy(a, rsa->stock_a[i]) && lc.BN_copy(ai, rsa->stock_ai[i]);
		free_pairs(&rsa->stock_a[i], &rsa->stock_ai[i], 1);
		pthread_mutex_unlock(&rsa->blind_lock);
		ret = ok ? ACCEL_OK : ACCEL_EIO;
		goto counted;
	}
	pthread_mutex_unlock(&rsa->blind_lock);

	ret = ACCEL_ENOMEM;
	for (uint32_t i = 0; i < RSA_BLIND_STOCK; i++) {
		na[i] = lc.BN_new();
		nai[i] = lc.BN_new();
		if (!na[i] || !nai[i])
			goto out;
		lc.BN_set_flags(na[i], BN_FLG_CONSTTIME);
		lc.BN_set_flags(nai[i], BN_FLG_CONSTTIME);
	}
	ret = blind_fresh_batch(rsa, na, nai, RSA_BLIND_STOCK, ctx);
	if (ret)
		goto out;
	ok = lc.BN_copy(a, na[0]) && lc.BN_copy(ai, nai[0]);
	pthread_mutex_lock(&rsa->blind_lock);
	for (uint32_t i = 1; i < RSA_BLIND_STOCK && rsa->stock_n < RSA_BLIND_STOCK; i++) {
		rsa->stock_a[rsa->stock_n] = na[i];
		rsa->stock_ai[rsa->stock_n++] = nai[i];
		na[i] = nai[i] = NULL;	/* the session owns them now */
	}
	pthread_mutex_unlock(&rsa->blind_lock);
	ret = ok ? ACCEL_OK : ACCEL_EIO;
out:
	free_pairs(na, nai, RSA_BLIND_STOCK);
counted:
#ifdef SHIM_RSA_TEST_HOOKS
	if (!ret)
		atomic_fetch_add(&shim_rsa_test_fresh, 1);
#endif
	return ret;
}

/*
 * This operation's blinding pair into a, ai; the session's pair moves on
 * (squared) so that no two operations use the same one, and every
 * RSA_BLIND_REFRESH uses it restarts from a fresh pair (fresh_pair).
 */
static int blind_take(struct shim_rsa *rsa, BIGNUM *a, BIGNUM *ai, BN_CTX *ctx)
{
	bool ok = true;
	int ret;

	pthread_mutex_lock(&rsa->blind_lock);
	if (rsa->blind_uses < RSA_BLIND_REFRESH) {
		ok = lc.BN_copy(a, rsa->blind_a) && lc.BN_copy(ai, rsa->blind_ai) &&
		     mont_sqr(rsa->blind_a, rsa, ctx) && mont_sqr(rsa->blind_ai, rsa, ctx);
		/* a failure part way leaves a pair that must never be used again */
		rsa->blind_uses = ok ? rsa->blind_uses + 1 : RSA_BLIND_REFRESH;
		pthread_mutex_unlock(&rsa->blind_lock);
		return ok ? ACCEL_OK : ACCEL_EIO;
	}
	pthread_mutex_unlock(&rsa->blind_lock);

	ret = fresh_pair(rsa, a, ai, ctx);
	if (ret)
		return ret;
	pthread_mutex_lock(&rsa->blind_lock);
	if (rsa->blind_uses >= RSA_BLIND_REFRESH)	/* else another thread restarted the chain */
		blind_install(rsa, a, ai, ctx);
	pthread_mutex_unlock(&rsa->blind_lock);
	return ACCEL_OK;
}

/* m1 = cp^dp mod p, m2 = cq^dq mod q on the IFMA kernel (big-endian bytes in and out). */
static bool rsa_crt_ifma(const struct shim_rsa *rsa, BIGNUM *m1, const BIGNUM *cp, BIGNUM *m2,
			 const BIGNUM *cq)
{
	uint8_t b1[RSA_IFMA_MAX_BYTES], b2[RSA_IFMA_MAX_BYTES];
	int len = (int)rsa->half_len;
	bool ok = lc.BN_bn2binpad(cp, b1, len) == len && lc.BN_bn2binpad(cq, b2, len) == len &&
		  shim_ifma_modexp_x2(rsa->ifma_p, b1, b1, rsa->dp_be, rsa->half_len,
				      rsa->ifma_q, b2, b2, rsa->dq_be, rsa->half_len) == 0 &&
		  lc.BN_bin2bn(b1, len, m1) && lc.BN_bin2bn(b2, len, m2);

	explicit_bzero(b1, sizeof(b1));
	explicit_bzero(b2, sizeof(b2));
	return ok;
}

/*
 * m = c^d mod n by CRT (RFC 8017 5.1.2 step 2b): m1 = c^dp mod p,
 * m2 = c^dq mod q, h = qinv (m1 - m2) mod p, m = m2 + q h. c < n.
 */
static int rsa_crt(const struct shim_rsa *rsa, BIGNUM *m, const BIGNUM *c, BN_CTX *ctx)
{
	BIGNUM *cp, *cq, *m1, *m2, *h;
	bool ok = false;

	lc.BN_CTX_start(ctx);
	cp = lc.BN_CTX_get(ctx);
	cq = lc.BN_CTX_get(ctx);
	m1 = lc.BN_CTX_get(ctx);
	m2 = lc.BN_CTX_get(ctx);
	h = lc.BN_CTX_get(ctx);
	if (!h)
		goto out;
	BIGNUM *tmp[] = { cp, cq, m1, m2, h };
	for (size_t i = 0; i < sizeof(tmp) / sizeof(tmp[0]); i++)
		lc.BN_set_flags(tmp[i], BN_FLG_CONSTTIME);
	if (!bn_mod(rsa, cp, c, true, ctx) || !bn_mod(rsa, cq, c, false, ctx))
		goto out;
	switch (rsa->kernel) {
	case RSA_K_X2:
		if (!lc_opt.BN_mod_exp_mont_consttime_x2(m1, cp, rsa->dp, rsa->p, rsa->mont_p,
							 m2, cq, rsa->dq, rsa->q, rsa->mont_q, ctx))
			goto out;
		break;
	case RSA_K_IFMA:
		if (!rsa_crt_ifma(rsa, m1, cp, m2, cq))
			goto out;
		break;
	case RSA_K_BN:
		if (!lc.BN_mod_exp_mont_consttime(m1, cp, rsa->dp, rsa->p, ctx, rsa->mont_p) ||
		    !lc.BN_mod_exp_mont_consttime(m2, cq, rsa->dq, rsa->q, ctx, rsa->mont_q))
			goto out;
		break;
	}
	/*
	 * h = (m1 + p - (m2 mod p)) mod p: m2 < q may exceed p; the sum lies in (0, 2p),
	 * so no sign (no branch on a secret) ever appears. Then h = h qinv mod p.
	 */
	ok = bn_mod(rsa, h, m2, true, ctx) && lc.BN_add(cp, m1, rsa->p) &&
	     lc.BN_sub(cp, cp, h) && bn_mod(rsa, h, cp, true, ctx) &&
	     lc.BN_mod_mul_montgomery(h, h, rsa->qinv_m, rsa->mont_p, ctx) &&
	     lc.BN_mul(m, h, rsa->q, ctx) && lc.BN_add(m, m, m2);
out:
	lc.BN_CTX_end(ctx);
	return ok ? ACCEL_OK : ACCEL_EIO;
}

/*
 * r = x^e mod n for public x < n (the input of a public operation, or the
 * CRT check's blinded result): shim_ifma_modexp_pub when the session has
 * ifma_n, else BN_mod_exp_mont. Variable time in e only, which is public.
 */
static bool rsa_public_exp(const struct shim_rsa *rsa, BIGNUM *r, const BIGNUM *x, BN_CTX *ctx)
{
	if (rsa->ifma_n) {
		uint8_t b[RSA_IFMA_MAX_BYTES];
		int len = (int)rsa->n_len;

		/* -1 only on x >= n (a faulty CRT result can be): BN answers, and the check fails */
		bool done = lc.BN_bn2binpad(x, b, len) == len &&
			    shim_ifma_modexp_pub(rsa->ifma_n, b, b, rsa->e_be, rsa->e_len) == 0;
		bool ok = done && lc.BN_bin2bn(b, len, r) != NULL;

		explicit_bzero(b, sizeof(b));
		if (done)
			return ok;
	}
	return lc.BN_mod_exp_mont(r, x, rsa->e, rsa->n, ctx, rsa->mont_n);
}

/* Constant-time equality of two equal-length byte strings. */
static bool ct_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	volatile uint8_t d = 0;

	for (size_t i = 0; i < len; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/*
 * c = c r^e mod n with this operation's blinding pair (a = r^e R, ai = r^-1 R
 * kept for the unblinding): the one blinding step of the engine's own private
 * operations and of accel_rsa_host's BLIND. c, a and ai are flagged constant
 * time. ACCEL_OK, or the error of blind_take / ACCEL_EIO.
 */
static int blind_in_place(struct shim_rsa *rsa, BIGNUM *c, BIGNUM *a, BIGNUM *ai, BN_CTX *ctx)
{
	int ret;

	lc.BN_set_flags(c, BN_FLG_CONSTTIME);
	lc.BN_set_flags(a, BN_FLG_CONSTTIME);
	lc.BN_set_flags(ai, BN_FLG_CONSTTIME);
	ret = blind_take(rsa, a, ai, ctx);
	if (ret)
		return ret;
	/* c (r^e R) R^-1 = c r^e mod n */
	if (!lc.BN_mod_mul_montgomery(c, c, a, rsa->mont_n, ctx))
		return ACCEL_EIO;
#ifdef SHIM_RSA_TEST_HOOKS
	atomic_fetch_add(&shim_rsa_test_blinded, 1);
#endif
	return ACCEL_OK;
}

/*
 * The host's half of a private-key operation that an accelerator computes
 * without blinding or checking it (emu, uadk: no ACCEL_RSA_BLINDS_AND_VERIFIES).
 * Blind: dst = I2OSP(c r^e mod n) || I2OSP(r^-1 R mod n), the pair taken from
 * the session's squaring chain exactly as for the engine's own operations
 * (blind_take). Unblind: src = s' || c' || f, where s' is the device's result
 * for c' and f the second half of the blind output; dst = s' f R^-1 mod n =
 * s' r^-1 only when s'^e mod n == c' (RFC 8017 RSAVP1 of the result, the
 * Bellcore defence: one faulty CRT result factors n), else ACCEL_EIO and dst
 * untouched. The check runs on the blinded values, so a faulty s' is rejected
 * before any unblinding. Both run on the calling thread with the session's
 * Montgomery context of n (and the IFMA public-exponent kernel where it
 * applies), replacing three BigInteger products, a division each and a
 * BigInteger modPow per signature in Java.
 */
/* x (BN Montgomery form, x R mod n) into the IFMA kernel's Montgomery form, x R' mod n. */
static bool bn_mont_to_ifma(const struct shim_rsa *rsa, const BIGNUM *x, struct shim_ifma_num *out,
			    BN_CTX *ctx)
{
	uint8_t b[RSA_IFMA_MAX_BYTES];
	BIGNUM *t;
	bool ok;

	lc.BN_CTX_start(ctx);
	t = lc.BN_CTX_get(ctx);
	if (t)
		lc.BN_set_flags(t, BN_FLG_CONSTTIME);
	ok = t && lc.BN_from_montgomery(t, x, rsa->mont_n, ctx) &&
	     lc.BN_bn2binpad(t, b, (int)rsa->n_len) == (int)rsa->n_len &&
	     shim_ifma_num_load(rsa->ifma_n, out, b) == 0;
	if (ok)
		shim_ifma_num_to_mont(rsa->ifma_n, out, out);
	explicit_bzero(b, sizeof(b));
	lc.BN_CTX_end(ctx);
	return ok;
}

/*
 * blind_take for accel_rsa_host on the IFMA kernel: this operation's pair
 * from host_pair (squared on, under blind_lock: two products of ~0.25 us),
 * restarted from a fresh pair every RSA_BLIND_REFRESH uses. Fresh pairs come
 * from the same stock as the engine's own chain, converted once each.
 */
static int host_take(struct shim_rsa *rsa, struct shim_ifma_num *a, struct shim_ifma_num *ai)
{
	struct shim_ifma_num *hp = rsa->host_pair;
	BN_CTX *ctx;
	BIGNUM *fa, *fai;
	int ret = ACCEL_ENOMEM;

	pthread_mutex_lock(&rsa->blind_lock);
	if (rsa->host_uses < RSA_BLIND_REFRESH) {
		*a = hp[0];
		*ai = hp[1];
		shim_ifma_num_mul(rsa->ifma_n, &hp[0], &hp[0], &hp[0]);
		shim_ifma_num_mul(rsa->ifma_n, &hp[1], &hp[1], &hp[1]);
		rsa->host_uses++;
		pthread_mutex_unlock(&rsa->blind_lock);
		return ACCEL_OK;
	}
	pthread_mutex_unlock(&rsa->blind_lock);

	ctx = lc.BN_CTX_new();	/* only here: once per RSA_BLIND_REFRESH operations */
	if (!ctx)
		return ACCEL_ENOMEM;
	lc.BN_CTX_start(ctx);
	fa = lc.BN_CTX_get(ctx);
	fai = lc.BN_CTX_get(ctx);
	if (fai) {
		lc.BN_set_flags(fa, BN_FLG_CONSTTIME);
		lc.BN_set_flags(fai, BN_FLG_CONSTTIME);
		ret = fresh_pair(rsa, fa, fai, ctx);
		if (!ret && (!bn_mont_to_ifma(rsa, fa, a, ctx) || !bn_mont_to_ifma(rsa, fai, ai, ctx)))
			ret = ACCEL_EIO;
	}
	lc.BN_CTX_end(ctx);
	lc.BN_CTX_free(ctx);	/* clears fa, fai */
	if (ret)
		return ret;
	pthread_mutex_lock(&rsa->blind_lock);
	if (rsa->host_uses >= RSA_BLIND_REFRESH) {	/* else another thread restarted the chain */
		shim_ifma_num_mul(rsa->ifma_n, &hp[0], a, a);
		shim_ifma_num_mul(rsa->ifma_n, &hp[1], ai, ai);
		rsa->host_uses = 1;
	}
	pthread_mutex_unlock(&rsa->blind_lock);
	return ACCEL_OK;
}

/*
 * shim_rsa_blind on the IFMA kernel (ifma_n): c' = c a R'^-1 = c r^e mod n,
 * dst = c' || ai with ai = r^-1 R' (opaque to Java). One Montgomery product
 * and two for the chain, against three BN products and as many BIGNUM
 * conversions (issue 5: host CPU per device signature).
 */
static int host_blind_ifma(struct shim_rsa *rsa, const uint8_t *src, uint8_t *dst)
{
	struct shim_ifma_num c, a, ai;
	int ret;

	/* RFC 8017: "message representative out of range" */
	if (shim_ifma_num_load(rsa->ifma_n, &c, src))
		return ACCEL_EINVAL;
	ret = host_take(rsa, &a, &ai);
	if (!ret) {
		shim_ifma_num_mul(rsa->ifma_n, &c, &c, &a);
		shim_ifma_num_store(rsa->ifma_n, dst, &c);
		shim_ifma_num_store(rsa->ifma_n, dst + rsa->n_len, &ai);
#ifdef SHIM_RSA_TEST_HOOKS
		atomic_fetch_add(&shim_rsa_test_blinded, 1);
#endif
	}
	explicit_bzero(&c, sizeof(c));
	explicit_bzero(&a, sizeof(a));
	explicit_bzero(&ai, sizeof(ai));
	return ret;
}

/*
 * shim_rsa_unblind on the IFMA kernel: src = s' || c' || f; s'^e == c' (the
 * Bellcore check, on the blinded values) or ACCEL_EIO with dst untouched;
 * then dst = s' f R'^-1 = s' r^-1 mod n. Same argument checks as the BN path.
 */
static int host_unblind_ifma(struct shim_rsa *rsa, const uint8_t *src, uint8_t *dst)
{
	const struct shim_ifma_mont *m = rsa->ifma_n;
	struct shim_ifma_num s, v, f, t;
	uint32_t k = rsa->n_len;
	int ret = ACCEL_EINVAL;

	if (shim_ifma_num_load(m, &f, src + 2 * (size_t)k) || shim_ifma_num_load(m, &v, src + k))
		goto out;	/* not what shim_rsa_blind gave: a caller error */
	ret = ACCEL_EIO;
	/* s' >= n is no RSA result at all (a fault): ACCEL_EIO like any failed check */
	if (shim_ifma_num_load(m, &s, src) ||
	    shim_ifma_num_pow_pub(m, &t, &s, rsa->e_be, rsa->e_len) ||
	    !shim_ifma_num_equal(m, &t, &v))
		goto out;
	shim_ifma_num_mul(m, &s, &s, &f);
	shim_ifma_num_store(m, dst, &s);
	ret = ACCEL_OK;
out:
	explicit_bzero(&s, sizeof(s));
	explicit_bzero(&f, sizeof(f));
	explicit_bzero(&t, sizeof(t));
	explicit_bzero(&v, sizeof(v));
	return ret;
}

int shim_rsa_blind(struct shim_rsa *rsa, const uint8_t *src, uint8_t *dst, uint32_t n_len)
{
	BN_CTX *ctx;

	if (rsa->host_pair && n_len == rsa->n_len)
		return host_blind_ifma(rsa, src, dst);
	ctx = lc.BN_CTX_new();
	BIGNUM *c, *a, *ai;
	int ret = ACCEL_ENOMEM;

	if (!ctx)
		return ACCEL_ENOMEM;
	lc.BN_CTX_start(ctx);
	c = lc.BN_CTX_get(ctx);
	a = lc.BN_CTX_get(ctx);
	ai = lc.BN_CTX_get(ctx);
	if (!ai)
		goto out;
	ret = ACCEL_EIO;
	if (!lc.BN_bin2bn(src, (int)n_len, c))
		goto out;
	if (lc.BN_ucmp(c, rsa->n) >= 0) {	/* RFC 8017: "message representative out of range" */
		ret = ACCEL_EINVAL;
		goto out;
	}
	ret = blind_in_place(rsa, c, a, ai, ctx);
	if (ret)
		goto out;
	ret = ACCEL_EIO;
	if (lc.BN_bn2binpad(c, dst, (int)n_len) != (int)n_len ||
	    lc.BN_bn2binpad(ai, dst + n_len, (int)n_len) != (int)n_len) {
		explicit_bzero(dst, 2 * (size_t)n_len);
		goto out;
	}
	ret = ACCEL_OK;
out:
	lc.BN_CTX_end(ctx);
	lc.BN_CTX_free(ctx);	/* BN_clear_free of every temporary: a, ai are secret */
	return ret;
}

int shim_rsa_unblind(struct shim_rsa *rsa, const uint8_t *src, uint8_t *dst, uint32_t n_len)
{
	BN_CTX *ctx;
	BIGNUM *s, *f, *v;
	uint8_t *got = NULL;
	int ret = ACCEL_ENOMEM;

	if (rsa->host_pair && n_len == rsa->n_len)
		return host_unblind_ifma(rsa, src, dst);
	ctx = lc.BN_CTX_new();
	if (!ctx)
		return ACCEL_ENOMEM;
	lc.BN_CTX_start(ctx);
	s = lc.BN_CTX_get(ctx);
	f = lc.BN_CTX_get(ctx);
	v = lc.BN_CTX_get(ctx);
	got = malloc(n_len);
	if (!v || !got)
		goto out;
	ret = ACCEL_EIO;
	lc.BN_set_flags(f, BN_FLG_CONSTTIME);
	if (!lc.BN_bin2bn(src, (int)n_len, s) || !lc.BN_bin2bn(src + 2 * (size_t)n_len, (int)n_len, f) ||
	    !lc.BN_bin2bn(src + n_len, (int)n_len, v))
		goto out;
	if (lc.BN_ucmp(f, rsa->n) >= 0 || lc.BN_ucmp(v, rsa->n) >= 0) {
		ret = ACCEL_EINVAL;	/* not what shim_rsa_blind gave: a caller error */
		goto out;
	}
	/* s' >= n is no RSA result at all (a fault): ACCEL_EIO like any failed check */
	if (lc.BN_ucmp(s, rsa->n) >= 0 || !rsa_public_exp(rsa, v, s, ctx) ||
	    lc.BN_bn2binpad(v, got, (int)n_len) != (int)n_len || !ct_equal(got, src + n_len, n_len))
		goto out;
	/* s' (r^-1 R) R^-1 = s' r^-1 = c^d mod n */
	if (!lc.BN_mod_mul_montgomery(s, s, f, rsa->mont_n, ctx) ||
	    lc.BN_bn2binpad(s, dst, (int)n_len) != (int)n_len)
		goto out;
	ret = ACCEL_OK;
out:
	free(got);	/* s'^e: the blinded input, public to the device anyway */
	lc.BN_CTX_end(ctx);
	lc.BN_CTX_free(ctx);
	return ret;
}

int shim_rsa_op(struct shim_rsa *rsa, bool priv, const uint8_t *src, uint8_t *dst,
		uint32_t n_len)
{
	BN_CTX *ctx = lc.BN_CTX_new();
	BIGNUM *c, *m, *a, *ai, *v;
	uint8_t *want = NULL, *got = NULL;
	int ret = ACCEL_ENOMEM;

	if (!ctx)
		return ACCEL_ENOMEM;
	lc.BN_CTX_start(ctx);
	c = lc.BN_CTX_get(ctx);
	m = lc.BN_CTX_get(ctx);
	a = lc.BN_CTX_get(ctx);
	ai = lc.BN_CTX_get(ctx);
	v = lc.BN_CTX_get(ctx);
	if (!v)
		goto out;
	ret = ACCEL_EIO;
	if (!lc.BN_bin2bn(src, (int)n_len, c))
		goto out;
	if (lc.BN_ucmp(c, rsa->n) >= 0) {	/* RFC 8017: "message representative out of range" */
		ret = ACCEL_EINVAL;
		goto out;
	}
	if (!priv) {
		/* public exponent, public input: the variable-time ladder is fine */
		if (!rsa_public_exp(rsa, m, c, ctx))
			goto out;
		goto emit;
	}
	lc.BN_set_flags(c, BN_FLG_CONSTTIME);
	if (rsa->protect) {
		ret = blind_in_place(rsa, c, a, ai, ctx);	/* c' = c r^e mod n */
		if (ret)
			goto out;
	}
	ret = rsa_crt(rsa, m, c, ctx);
	if (ret)
		goto out;
	ret = ACCEL_EIO;
#ifdef SHIM_RSA_TEST_HOOKS
	{
		unsigned int left = atomic_load(&shim_rsa_test_corrupt);

		while (left && !atomic_compare_exchange_weak(&shim_rsa_test_corrupt, &left, left - 1))
			;
		if (left) {	/* one faulty bit in the CRT result, as a glitched half would give */
			BIGNUM *one = lc.BN_new();

			if (!one || !lc.BN_bin2bn((const uint8_t[]){ 1 }, 1, one) ||
			    !lc.BN_add(m, m, one)) {
				lc.BN_clear_free(one);
				goto out;
			}
			lc.BN_clear_free(one);
		}
	}
#endif
	if (rsa->protect) {
		/* Bellcore: (c'^d)^e mod n must give c' back; m is blinded (m r) here */
		want = malloc(n_len);
		got = malloc(n_len);
		if (!want || !got) {
			ret = ACCEL_ENOMEM;
			goto out;
		}
		if (!rsa_public_exp(rsa, v, m, ctx) ||
		    lc.BN_bn2binpad(v, got, (int)n_len) != (int)n_len ||
		    lc.BN_bn2binpad(c, want, (int)n_len) != (int)n_len)
			goto out;
		if (!ct_equal(got, want, n_len))
			goto out;	/* ACCEL_EIO: the faulty result is never released */
		/* m = (m r) (r^-1 R) R^-1 */
		if (!lc.BN_mod_mul_montgomery(m, m, ai, rsa->mont_n, ctx))
			goto out;
	}
emit:
	if (lc.BN_bn2binpad(m, dst, (int)n_len) != (int)n_len)
		goto out;
	ret = ACCEL_OK;
out:
	free(want);	/* c' and (c'^d)^e: blinded or public, nothing to wipe */
	free(got);
	lc.BN_CTX_end(ctx);
	lc.BN_CTX_free(ctx);	/* BN_clear_free of every temporary */
	return ret;
}

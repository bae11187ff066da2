// SPDX-License-Identifier: Apache-2.0
/*
 * crypto_libcrypto.c - the compute kernels, bound to libcrypto at run time.
 *
 * No build-time OpenSSL dependency: the few prototypes we need are declared
 * here as function-pointer types and resolved with dlopen("libcrypto.so.3")
 * (fallback "libcrypto.so"; ACCEL_SHIM_LIBCRYPTO overrides the name, which
 * tests use to model a machine without libssl3). Every symbol used exists
 * with the same signature in OpenSSL 1.1.1 and 3.x.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct evp_cipher_st EVP_CIPHER;
typedef struct bignum_st BIGNUM;
typedef struct bignum_ctx BN_CTX;

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
	  (BIGNUM *, const BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *, void *))

#define LC_DECLARE(ret, name, args) ret(*name) args;
static struct {
	LC_FUNCS(LC_DECLARE)
} lc;

/* Written once under pthread_once, read-only afterwards. */
static pthread_once_t lc_once = PTHREAD_ONCE_INIT;
static int lc_status = ACCEL_ENODEV;
static char lc_reason[160];
static char lc_version[48];

static void lc_load(void)
{
	const char *names[3] = { getenv("ACCEL_SHIM_LIBCRYPTO"), "libcrypto.so.3", "libcrypto.so" };
	char first_err[112] = "";
	void *h = NULL;

	for (int i = 0; i < 3 && !h; i++) {
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
	/* the handle stays open for the life of the process: kernels may run until exit */
	snprintf(lc_version, sizeof(lc_version), "libcrypto %s", lc.OpenSSL_version(OPENSSL_VERSION_STRING));
	lc_status = ACCEL_OK;
}

int shim_crypto_load(char *reason, size_t reason_len)
{
	pthread_once(&lc_once, lc_load);
	if (lc_status && reason)
		shim_copy_reason(reason, reason_len, lc_reason);
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
struct shim_rsa {
	BIGNUM *n, *e, *p, *q, *dp, *dq, *qinv;
	bool crt;
};

void shim_rsa_free(struct shim_rsa *rsa)
{
	if (!rsa)
		return;
	BIGNUM **parts[] = { &rsa->n, &rsa->e, &rsa->p, &rsa->q, &rsa->dp, &rsa->dq, &rsa->qinv };
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (*parts[i])
			lc.BN_clear_free(*parts[i]);	/* BN_clear_free wipes the limbs */
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

int shim_rsa_new(const struct accel_rsa_key *key, struct shim_rsa **out, uint32_t *n_bits)
{
	struct shim_rsa *rsa = calloc(1, sizeof(*rsa));
	BN_CTX *ctx = NULL;
	BIGNUM *t = NULL;
	int ret = ACCEL_EINVAL;

	if (!rsa)
		return ACCEL_ENOMEM;
	rsa->n = bn_from(&key->n, false);
	rsa->e = bn_from(&key->e, false);
	if (!rsa->n || !rsa->e || (uint32_t)lc.BN_num_bits(rsa->n) != key->n_bits ||
	    lc.BN_ucmp(rsa->e, rsa->n) >= 0)
		goto err;
	if (key->flags & ACCEL_RSA_KEY_HAS_CRT) {
		rsa->p = bn_from(&key->p, true);
		rsa->q = bn_from(&key->q, true);
		rsa->dp = bn_from(&key->dp, true);
		rsa->dq = bn_from(&key->dq, true);
		rsa->qinv = bn_from(&key->qinv, true);
		if (!rsa->p || !rsa->q || !rsa->dp || !rsa->dq || !rsa->qinv)
			goto err;
		/* cheap consistency check: p * q == n (a bad key would give garbage, not an error) */
		ctx = lc.BN_CTX_new();
		t = lc.BN_new();
		if (!ctx || !t) {
			ret = ACCEL_ENOMEM;
			goto err;
		}
		if (!lc.BN_mul(t, rsa->p, rsa->q, ctx) || lc.BN_ucmp(t, rsa->n) != 0)
			goto err;
		rsa->crt = true;
	}
	if (t)
		lc.BN_clear_free(t);
	if (ctx)
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

int shim_rsa_op(const struct shim_rsa *rsa, bool priv, const uint8_t *src, uint8_t *dst,
		uint32_t n_len)
{
	BN_CTX *ctx = lc.BN_CTX_new();
	BIGNUM *c = lc.BN_new(), *m1 = lc.BN_new(), *m2 = lc.BN_new(), *h = lc.BN_new();
	int ret = ACCEL_EIO;

	if (!ctx || !c || !m1 || !m2 || !h) {
		ret = ACCEL_ENOMEM;
		goto out;
	}
	if (!lc.BN_bin2bn(src, (int)n_len, c))
		goto out;
	if (lc.BN_ucmp(c, rsa->n) >= 0) {	/* RFC 8017: "message representative out of range" */
		ret = ACCEL_EINVAL;
		goto out;
	}
	if (!priv) {
		if (!lc.BN_mod_exp_mont(m1, c, rsa->e, rsa->n, ctx, NULL))
			goto out;
	} else {
		/* RFC 8017 5.1.2 step 2b: m1 = c^dp mod p, m2 = c^dq mod q,
		 * h = qinv (m1 - m2) mod p, m = m2 + q h */
		lc.BN_set_flags(c, BN_FLG_CONSTTIME);
		lc.BN_set_flags(m1, BN_FLG_CONSTTIME);
		lc.BN_set_flags(m2, BN_FLG_CONSTTIME);
		lc.BN_set_flags(h, BN_FLG_CONSTTIME);
		if (!lc.BN_nnmod(h, c, rsa->p, ctx) ||
		    !lc.BN_mod_exp_mont_consttime(m1, h, rsa->dp, rsa->p, ctx, NULL) ||
		    !lc.BN_nnmod(h, c, rsa->q, ctx) ||
		    !lc.BN_mod_exp_mont_consttime(m2, h, rsa->dq, rsa->q, ctx, NULL) ||
		    !lc.BN_mod_sub(h, m1, m2, rsa->p, ctx) ||
		    !lc.BN_mod_mul(h, h, rsa->qinv, rsa->p, ctx) ||
		    !lc.BN_mul(m1, h, rsa->q, ctx) || !lc.BN_add(m1, m1, m2))
			goto out;
	}
	if (lc.BN_bn2binpad(m1, dst, (int)n_len) != (int)n_len)
		goto out;
	ret = ACCEL_OK;
out:
	if (c)
		lc.BN_clear_free(c);
	if (m1)
		lc.BN_clear_free(m1);
	if (m2)
		lc.BN_clear_free(m2);
	if (h)
		lc.BN_clear_free(h);
	if (ctx)
		lc.BN_CTX_free(ctx);
	return ret;
}

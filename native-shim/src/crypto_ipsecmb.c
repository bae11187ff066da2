// SPDX-License-Identifier: Apache-2.0
/*
 * crypto_ipsecmb.c - kernel selection, and AES-GCM on Intel's multi-buffer
 * crypto library (libIPSec_MB.so.1, Debian package libipsec-mb1) bound at run
 * time.
 *
 * No build-time dependency: the few prototypes are declared below (from
 * intel-ipsec-mb.h 1.3, where they are stable through 2.0) and resolved with
 * dlsym. We use the library's arch-specific exported one-shot functions
 * (aes_gcm_{pre,enc,dec}_<bits>_<arch>), not the IMB_* macros: those go
 * through a function table inside IMB_MGR whose layout changes between
 * versions, and a manager is per thread. The direct functions need only the
 * precomputed key data (read-only, shareable, 64-byte aligned, computed once
 * per session) and a per-call context on the stack: they are thread-safe.
 *
 * The library's decrypt does NOT check the tag: it writes the plaintext and
 * computes the tag. shim_gcm_run compares tags in constant time and wipes the
 * plaintext on mismatch before returning, i.e. before any completion is
 * posted, so no unverified plaintext is ever released.
 *
 * Selection (once per process): ACCEL_SHIM_KERNEL = auto (default) | evp |
 * ipsecmb | ipsecmb-vaes_avx512 | ipsecmb-avx_gen4 | ipsecmb-sse. "auto" and
 * "ipsecmb" take the best arch the CPU supports (cpuid + XCR0):
 *   VAES + VPCLMULQDQ + AVX512F/BW/VL/DQ -> vaes_avx512
 *   AVX2 + AES-NI + PCLMULQDQ            -> avx_gen4
 *   SSE4.1 + AES-NI + PCLMULQDQ          -> sse
 *   otherwise, or no libIPSec_MB.so.1    -> libcrypto EVP (crypto_libcrypto.c)
 * ACCEL_SHIM_IPSECMB overrides the library name (tests model its absence).
 * Both are read with secure_getenv: a setuid or setcap process ignores them.
 *
 * SHA-2 stays on libcrypto's low-level SHA256()/SHA512() one-shots: measured
 * on Zen 4 they are 1.5-2x faster than EVP_Digest for small messages (no
 * provider lookup) and equal in bulk; SHA-256 runs on SHA-NI when the CPU has
 * it. RSA: see crypto_libcrypto.c (cached Montgomery contexts, the AVX-512
 * IFMA kernel of rsa_ifma.c for the CRT halves) and shim_kernels_describe.
 */
#define _GNU_SOURCE
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "rsa_ifma.h"

/* ---- prototypes (intel-ipsec-mb.h 1.3; never included) ---- */
struct gcm_key_data;		/* opaque to us: 1024 bytes, 64-byte aligned (see GCM_KD_SIZE) */
struct gcm_context_data {	/* layout from intel-ipsec-mb.h 1.3 .. 2.0 */
	uint8_t aad_hash[16];
	uint64_t aad_length;
	uint64_t in_length;
	uint8_t partial_block_enc_key[16];
	uint8_t orig_IV[16];
	uint8_t current_counter[16];
	uint64_t partial_block_length;
};
/* sizeof(struct gcm_key_data) is 16 * 15 + 16 * 48 = 1008, padded to 1024 by its alignment. */
#define GCM_KD_SIZE SHIM_GCM_KD_SIZE
#define GCM_KD_ALIGN SHIM_GCM_KD_ALIGN

typedef void (*gcm_pre_t)(const void *key, struct gcm_key_data *kd);
typedef void (*gcm_enc_dec_t)(const struct gcm_key_data *, struct gcm_context_data *, uint8_t *out,
			      const uint8_t *in, uint64_t len, const uint8_t *iv, const uint8_t *aad,
			      uint64_t aad_len, uint8_t *tag, uint64_t tag_len);
typedef void (*gcm_init_var_iv_t)(const struct gcm_key_data *, struct gcm_context_data *,
				  const uint8_t *iv, uint64_t iv_len, const uint8_t *aad,
				  uint64_t aad_len);
typedef void (*gcm_update_t)(const struct gcm_key_data *, struct gcm_context_data *, uint8_t *out,
			     const uint8_t *in, uint64_t len);
typedef void (*gcm_finalize_t)(const struct gcm_key_data *, struct gcm_context_data *,
			       uint8_t *tag, uint64_t tag_len);
typedef unsigned (*imb_get_version_t)(void);
typedef const char *(*imb_get_version_str_t)(void);

struct gcm_fns {		/* one key size */
	gcm_pre_t pre;
	gcm_enc_dec_t enc, dec;	/* one-shot, 12-byte IV */
	gcm_init_var_iv_t init_var_iv;
	gcm_update_t enc_update, dec_update;
	gcm_finalize_t enc_final, dec_final;
};

/* Written once under pthread_once, read-only afterwards. */
static pthread_once_t k_once = PTHREAD_ONCE_INIT;
static struct gcm_fns k_fns[3];	/* 128, 192, 256 */
static bool k_ipsecmb;		/* AES-GCM served by the library */
static char k_driver[64];	/* caps.driver text */
static char k_gcm_name[48];	/* e.g. "ipsec-mb 1.3.0 vaes_avx512" */
static char k_reason[96];	/* why the library is not used (empty if it is) */
static const char *k_arch = "";

/* ---- CPU features: cpuid + XCR0 (the OS must save the registers) ---- */
struct cpu_feat {
	bool sse41, aes, pclmul, avx, avx2, avx512, vaes, vpclmul, sha;
};

static struct cpu_feat cpu_features(void)
{
	struct cpu_feat f = { 0 };
#if !defined(__x86_64__) && !defined(__i386__)
	return f;	/* ipsec-mb's GCM kernels are x86 only (aarch64: EVP) */
#else
	unsigned a, b, c, d, xcr0 = 0;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return f;
	f.sse41 = c & bit_SSE4_1;
	f.aes = c & bit_AES;
	f.pclmul = c & bit_PCLMUL;
	if ((c & bit_OSXSAVE) && (c & bit_AVX)) {
		unsigned hi;

		__asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(hi) : "c"(0));
	}
	f.avx = (xcr0 & 0x6) == 0x6;	/* XMM + YMM state */
	if (__get_cpuid_max(0, NULL) >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		f.avx2 = f.avx && (b & bit_AVX2);
		f.sha = b & bit_SHA;
		/* opmask + ZMM_Hi256 + Hi16_ZMM state, and F/DQ/BW/VL */
		f.avx512 = f.avx && (xcr0 & 0xe0) == 0xe0 && (b & bit_AVX512F) &&
			   (b & bit_AVX512DQ) && (b & bit_AVX512BW) && (b & bit_AVX512VL);
		f.vaes = c & bit_VAES;
		f.vpclmul = c & bit_VPCLMULQDQ;
	}
	return f;
#endif
}

static void *k_sym(void *h, const char *fmt, unsigned bits, const char *arch)
{
	char name[96];

	snprintf(name, sizeof(name), fmt, bits, arch);
	return dlsym(h, name);
}

/* Binds every function for one arch; false if any is missing. */
static bool k_bind(void *h, const char *arch)
{
	static const unsigned bits[3] = { 128, 192, 256 };
	struct gcm_fns f[3];

	for (int i = 0; i < 3; i++) {
#define B(field, fmt)                                                                             \
	if (!(*(void **)&f[i].field = k_sym(h, fmt, bits[i], arch)))                              \
		return false;
		B(pre, "aes_gcm_pre_%u_%s")
		B(enc, "aes_gcm_enc_%u_%s")
		B(dec, "aes_gcm_dec_%u_%s")
		B(init_var_iv, "aes_gcm_init_var_iv_%u_%s")
		B(enc_update, "aes_gcm_enc_%u_update_%s")
		B(dec_update, "aes_gcm_dec_%u_update_%s")
		B(enc_final, "aes_gcm_enc_%u_finalize_%s")
		B(dec_final, "aes_gcm_dec_%u_finalize_%s")
#undef B
	}
	memcpy(k_fns, f, sizeof(f));
	return true;
}

static void k_load_ipsecmb(const char *want_arch)
{
	static const char *const arches[3] = { "vaes_avx512", "avx_gen4", "sse" };
	const char *env = secure_getenv("ACCEL_SHIM_IPSECMB");
	const char *names[2] = { env && *env ? env : "libIPSec_MB.so.1", env && *env ? NULL : "libIPSec_MB.so.2" };
	struct cpu_feat f = cpu_features();
	bool ok_arch[3] = { f.avx512 && f.vaes && f.vpclmul && f.aes && f.pclmul,
			    f.avx2 && f.aes && f.pclmul, f.sse41 && f.aes && f.pclmul };
	imb_get_version_str_t vstr;
	imb_get_version_t ver;
	void *h = NULL;
	int i;

	for (i = 0; i < 3; i++)
		if (ok_arch[i] && (!want_arch || !strcmp(want_arch, arches[i])))
			break;
	if (i == 3) {
		snprintf(k_reason, sizeof(k_reason), want_arch ? "CPU lacks %s" : "CPU lacks AES-NI",
			 want_arch);
		return;
	}
	for (int n = 0; n < 2 && !h; n++)
		if (names[n])
			h = dlopen(names[n], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(k_reason, sizeof(k_reason), "no %s", names[0]);
		return;
	}
	*(void **)&ver = dlsym(h, "imb_get_version");
	*(void **)&vstr = dlsym(h, "imb_get_version_str");
	/* 1.x and 2.0 export the same arch-specific GCM functions; later majors are unknown */
	if (!ver || !vstr || (ver() >> 16) < 1 || (ver() >> 16) > 2) {
		snprintf(k_reason, sizeof(k_reason), "ipsec-mb version unsupported");
		dlclose(h);
		return;
	}
	if (!k_bind(h, arches[i])) {
		snprintf(k_reason, sizeof(k_reason), "ipsec-mb lacks aes_gcm_*_%s", arches[i]);
		dlclose(h);
		return;
	}
	/* the handle stays open for the life of the process */
	k_arch = arches[i];
	snprintf(k_gcm_name, sizeof(k_gcm_name), "ipsec-mb %s %s", vstr(), k_arch);
	k_ipsecmb = true;
}

static void k_init(void)
{
	const char *env = secure_getenv("ACCEL_SHIM_KERNEL");
	const char *lc = shim_crypto_version();	/* "libcrypto 3.0.19" */
	const char *sha = cpu_features().sha ? "(SHA-NI)" : "";
	char gcm[128];

	if (env && !strcmp(env, "evp")) {
		snprintf(k_reason, sizeof(k_reason), "forced");
	} else if (env && !strncmp(env, "ipsecmb-", 8)) {
		k_load_ipsecmb(env + 8);
	} else {
		k_load_ipsecmb(NULL);	/* auto, ipsecmb, or anything unknown */
	}
	if (k_ipsecmb)
		snprintf(gcm, sizeof(gcm), "%s", k_gcm_name);
	else
		snprintf(gcm, sizeof(gcm), "EVP (%s)", k_reason);
	/* caps.driver holds 63 characters: drop the libcrypto version if it does not fit */
	if ((size_t)snprintf(k_driver, sizeof(k_driver), "gcm:%s; sha%s,rsa:%s", gcm, sha, lc) >=
	    sizeof(k_driver) &&
	    snprintf(k_driver, sizeof(k_driver), "gcm:%s; sha%s,rsa:libcrypto", gcm, sha) < 0)
		k_driver[0] = 0;	/* (cannot happen) a longer reason is cut at 63 characters */
}

/* Call after shim_crypto_load succeeded. */
const char *shim_kernel_driver(void)
{
	pthread_once(&k_once, k_init);
	return k_driver;
}

/*
 * One line per operation: which kernel computes it on the cpu engine (and the
 * emulated device, which computes with the same code) and why that one.
 */
void shim_kernels_describe(char *buf, size_t len)
{
	const struct cpu_feat f = cpu_features();

	const char *mb = shim_sha_mb_kernel();
	char gcm[160];

	pthread_once(&k_once, k_init);
	if (k_ipsecmb)
		snprintf(gcm, sizeof(gcm), "%s (Intel multi-buffer library found; best arch for this CPU)",
			 k_gcm_name);
	else
		snprintf(gcm, sizeof(gcm), "libcrypto EVP (%s)", k_reason[0] ? k_reason : "no ipsec-mb");
	snprintf(buf, len,
		 "aes-gcm       %s\n"
		 "sha-2         %s (one message per call)\n"
		 "sha-2 batch   %s\n"
		 "rsa private   %s; the cpu engine blinds and checks every CRT result\n"
		 "rsa public    %s\n",
		 gcm,
		 f.sha ? "libcrypto low-level calls: SHA-256 on SHA-NI, SHA-512 on AVX2"
		       : "libcrypto low-level calls (no SHA-NI)",
		 !strcmp(mb, "avx512") ? "AVX-512 multi-buffer: 16 lanes SHA-224/256, 8 lanes SHA-384/512"
		 : !strcmp(mb, "libcrypto") ? "libcrypto, one message at a time (no AVX-512 or SHA-NI)"
					    : mb,
		 shim_ifma_usable()
			 ? "AVX-512 IFMA kernel for 1024/1536/2048-bit primes (both halves interleaved), "
			   "libcrypto BN otherwise"
			 : "libcrypto (BN_mod_exp_mont_consttime_x2 for 1024-bit primes; no AVX-512 IFMA)",
		 shim_ifma_usable()
			 ? "AVX-512 IFMA square-and-multiply (public exponent, variable time) for "
			   "1024/1536/2048-bit moduli, libcrypto BN_mod_exp_mont otherwise"
			 : "libcrypto BN_mod_exp_mont with the session's cached Montgomery context");
}

int shim_gcm_prepare(const uint8_t *key, uint32_t key_len, void **kd)
{
	*kd = NULL;
	pthread_once(&k_once, k_init);
	if (!k_ipsecmb)
		return ACCEL_OK;	/* EVP expands the key per request */
	*kd = aligned_alloc(GCM_KD_ALIGN, GCM_KD_SIZE);
	if (!*kd)
		return ACCEL_ENOMEM;
	k_fns[(key_len - 16) / 8].pre(key, *kd);
	return ACCEL_OK;
}

int shim_gcm_prepare_at(const uint8_t *key, uint32_t key_len, void *kd, bool *used)
{
	*used = false;
	pthread_once(&k_once, k_init);
	if (!k_ipsecmb)
		return ACCEL_OK;	/* EVP expands the key per request */
	k_fns[(key_len - 16) / 8].pre(key, kd);
	*used = true;
	return ACCEL_OK;
}

void shim_gcm_release(void *kd)
{
	if (kd) {
		explicit_bzero(kd, GCM_KD_SIZE);	/* round keys and hash keys */
		free(kd);
	}
}

/* Constant-time: no branch or early exit depends on the tag bytes. */
static int tag_equal(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	volatile uint8_t acc = 0;

	for (uint32_t i = 0; i < n; i++)
		acc |= a[i] ^ b[i];
	return acc == 0;
}

int shim_gcm_run(bool seal, const uint8_t *key, uint32_t key_len, const void *key_data,
		 const uint8_t *iv, uint32_t iv_len, const uint8_t *aad, uint64_t aad_len,
		 const uint8_t *src, uint64_t len, uint8_t *dst, uint8_t *tag, uint32_t tag_len)
{
	static const uint8_t empty[16];
	const struct gcm_fns *f;
	struct gcm_context_data ctx __attribute__((aligned(64)));
	uint8_t calc[16] __attribute__((aligned(16)));
	const struct gcm_key_data *kd = key_data;

	if (!kd)
		return shim_gcm(seal, key, key_len, iv, iv_len, aad, aad_len, src, len, dst, tag,
				tag_len);
	f = &k_fns[(key_len - 16) / 8];
	/* the library rejects NULL even with a zero length */
	if (!aad)
		aad = empty;
	if (!len) {
		src = empty;
		dst = calc;	/* never written: len 0 */
	}
	if (iv_len == 12) {
		(seal ? f->enc : f->dec)(kd, &ctx, dst, src, len, iv, aad, aad_len,
					 seal ? tag : calc, tag_len);
	} else {
		f->init_var_iv(kd, &ctx, iv, iv_len, aad, aad_len);
		if (seal) {
			f->enc_update(kd, &ctx, dst, src, len);
			f->enc_final(kd, &ctx, tag, tag_len);
		} else {
			f->dec_update(kd, &ctx, dst, src, len);
			f->dec_final(kd, &ctx, calc, tag_len);
		}
	}
	explicit_bzero(&ctx, sizeof(ctx));	/* holds keystream-derived state */
	if (seal)
		return ACCEL_OK;
	if (!tag_equal(calc, tag, tag_len)) {
		if (len)
			explicit_bzero(dst, len);	/* release no unverified plaintext */
		explicit_bzero(calc, sizeof(calc));
		return ACCEL_EBADMSG;
	}
	return ACCEL_OK;
}

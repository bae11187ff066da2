// SPDX-License-Identifier: Apache-2.0
/*
 * bench_ifma.c - C timing of the AVX-512 IFMA modular exponentiation
 * (src/rsa_ifma.c, compiled in: the library exports only accel_*) against
 * libcrypto's BN_mod_exp_mont_consttime with a precomputed BN_MONT_CTX (what
 * an RSA CRT half costs in OpenSSL), for 1024/1536/2048-bit odd moduli and
 * exponents of the modulus' length. Also BN_mod_exp_mont_consttime_x2 (IFMA
 * in OpenSSL 3.0 for 1024-bit only). Single thread, microseconds per
 * operation. Built by `make bench-c`:
 *
 *   target/bench/bench_ifma [seconds-per-point]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsa_ifma.c"

typedef struct bignum_st BIGNUM;
typedef struct bignum_ctx BN_CTX;
typedef struct bn_mont_ctx_st BN_MONT_CTX;
#define BN_FLG_CONSTTIME 0x04 /* openssl/bn.h */

static struct {
	BIGNUM *(*BN_bin2bn)(const unsigned char *, int, BIGNUM *);
	BIGNUM *(*BN_new)(void);
	void (*BN_set_flags)(BIGNUM *, int);
	BN_CTX *(*BN_CTX_new)(void);
	BN_MONT_CTX *(*BN_MONT_CTX_new)(void);
	int (*BN_MONT_CTX_set)(BN_MONT_CTX *, const BIGNUM *, BN_CTX *);
	int (*BN_mod_exp_mont_consttime)(BIGNUM *, const BIGNUM *, const BIGNUM *, const BIGNUM *,
					 BN_CTX *, BN_MONT_CTX *);
	int (*BN_mod_exp_mont_consttime_x2)(BIGNUM *, const BIGNUM *, const BIGNUM *,
					    const BIGNUM *, BN_MONT_CTX *, BIGNUM *,
					    const BIGNUM *, const BIGNUM *, const BIGNUM *,
					    BN_MONT_CTX *, BN_CTX *);
} lc;

static double secs = 0.5;
static uint64_t rng = 42;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rng = rng * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
		p[i] = (uint8_t)(rng >> 56);
	}
}

struct half {
	uint8_t m[256], base[256], exp[256], out[256];
	struct shim_ifma_mont *mt;
	BIGNUM *bm, *bb, *be, *br;
	BN_MONT_CTX *mont;
};

enum { IFMA_X1, IFMA_X2, IFMA_2X1, BN_X1, BN_X2 };

static void op(int which, struct half *h, size_t len, BN_CTX *ctx)
{
	switch (which) {
	case IFMA_X1:
		shim_ifma_modexp(h[0].mt, h[0].out, h[0].base, h[0].exp, len);
		break;
	case IFMA_X2:
		shim_ifma_modexp_x2(h[0].mt, h[0].out, h[0].base, h[0].exp, len, h[1].mt, h[1].out,
				    h[1].base, h[1].exp, len);
		break;
	case IFMA_2X1:
		shim_ifma_modexp(h[0].mt, h[0].out, h[0].base, h[0].exp, len);
		shim_ifma_modexp(h[1].mt, h[1].out, h[1].base, h[1].exp, len);
		break;
	case BN_X1:
		lc.BN_mod_exp_mont_consttime(h[0].br, h[0].bb, h[0].be, h[0].bm, ctx, h[0].mont);
		break;
	default:
		lc.BN_mod_exp_mont_consttime_x2(h[0].br, h[0].bb, h[0].be, h[0].bm, h[0].mont,
						h[1].br, h[1].bb, h[1].be, h[1].bm, h[1].mont, ctx);
	}
}

/*
 * Mean over rounds of about secs/5 (best round) and the fastest single
 * operation: on a shared machine other processes only ever add time, and one
 * operation (< 2 ms) usually runs within one scheduler slice.
 */
static void time_op(const char *what, int which, struct half *h, size_t len, BN_CTX *ctx)
{
	double best = 0, fastest = 0;

	op(which, h, len, ctx);
	for (int round = 0; round < 5; round++) {
		uint64_t ops = 0, t0 = now_ns(), t = t0, prev;

		do {
			prev = t;
			op(which, h, len, ctx);
			ops++;
			t = now_ns();
			if (!fastest || (double)(t - prev) < fastest)
				fastest = (double)(t - prev);
		} while (t - t0 < (uint64_t)(secs * 1e9 / 5));
		if (!best || (double)(t - t0) / (double)ops < best)
			best = (double)(t - t0) / (double)ops;
	}
	printf("%-40s %4zu bit  %8.1f us/op (fastest single %8.1f us)\n", what, len * 8, best / 1e3,
	       fastest / 1e3);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 128, 192, 256 };
	void *dl = dlopen("libcrypto.so.3", RTLD_NOW);
	BN_CTX *ctx;

	if (argc > 1)
		secs = atof(argv[1]);
	if (!dl) {
		printf("# no libcrypto.so.3\n");
		return 1;
	}
#define LOAD(name) *(void **)&lc.name = dlsym(dl, #name)
	LOAD(BN_bin2bn);
	LOAD(BN_new);
	LOAD(BN_set_flags);
	LOAD(BN_CTX_new);
	LOAD(BN_MONT_CTX_new);
	LOAD(BN_MONT_CTX_set);
	LOAD(BN_mod_exp_mont_consttime);
	LOAD(BN_mod_exp_mont_consttime_x2);
#undef LOAD
	ctx = lc.BN_CTX_new();
	printf("# IFMA usable: %s; exponents as long as the modulus; single thread\n",
	       shim_ifma_usable() ? "yes" : "no");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t len = sizes[s];
		struct half h[2];

		for (int k = 0; k < 2; k++) {
			rnd_bytes(h[k].m, len);
			h[k].m[0] |= 0x80;
			h[k].m[len - 1] |= 1;
			rnd_bytes(h[k].base, len);
			h[k].base[0] &= 0x7f;
			rnd_bytes(h[k].exp, len);
			h[k].exp[0] |= 0x80;
			h[k].mt = shim_ifma_mont_new(h[k].m, len);
			h[k].bm = lc.BN_bin2bn(h[k].m, (int)len, NULL);
			h[k].bb = lc.BN_bin2bn(h[k].base, (int)len, NULL);
			h[k].be = lc.BN_bin2bn(h[k].exp, (int)len, NULL);
			h[k].br = lc.BN_new();
			lc.BN_set_flags(h[k].be, BN_FLG_CONSTTIME);
			h[k].mont = lc.BN_MONT_CTX_new();
			lc.BN_MONT_CTX_set(h[k].mont, h[k].bm, ctx);
		}
		time_op("BN_mod_exp_mont_consttime (BN_MONT_CTX)", BN_X1, h, len, ctx);
		if (len == 128)
			time_op("BN_mod_exp_mont_consttime_x2 (2 halves)", BN_X2, h, len, ctx);
		if (!h[0].mt || !h[1].mt) {
			printf("%-44s %4zu bit  unusable\n", "shim_ifma_modexp", len * 8);
			continue;
		}
		time_op("shim_ifma_modexp", IFMA_X1, h, len, ctx);
		time_op("shim_ifma_modexp x 2 calls (2 halves)", IFMA_2X1, h, len, ctx);
		time_op("shim_ifma_modexp_x2 (2 halves)", IFMA_X2, h, len, ctx);
	}
	return 0;
}

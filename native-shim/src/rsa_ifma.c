// SPDX-License-Identifier: Apache-2.0
/*
 * rsa_ifma.c - constant-time modular exponentiation for 1024/1536/2048-bit
 * odd moduli with AVX-512 IFMA (see rsa_ifma.h for the contract).
 *
 * Numbers are n limbs of 52 bits (n = 20, 30, 40), held in n/8 rounded up
 * 512-bit vectors with zero padding lanes. VPMADD52LUQ/VPMADD52HUQ multiply
 * the low 52 bits of each lane and add the low/high 52 bits of the 104-bit
 * product to a 64-bit accumulator (Intel SDM vol. 2, VPMADD52LUQ), so every
 * multiplication input must be normalised to 52-bit limbs.
 *
 * Multiplication is word-by-word almost Montgomery multiplication (AMM,
 * Gueron and Krasnov 2012) with R = 2^(52 n): for a, b < 2m it returns a value
 * < 2m congruent to a b R^-1, never a final subtraction, because 4m < R
 * (the moduli leave 16, 24 and 32 spare bits). Only the final result is
 * reduced to [0, m), with a masked subtraction.
 *
 * Exponentiation: fixed 5-bit windows over all exp_len * 8 bits, the window
 * value chosen from a 32-entry table by reading every entry and keeping one
 * with a lane mask (no secret-dependent address or branch). Public exponents
 * (shim_ifma_modexp_pub) take plain square-and-multiply instead.
 *
 * Every x86 function that uses AVX-512 carries a per-function target
 * attribute: the library is built without -mavx512* and must load on any
 * x86-64 CPU; shim_ifma_usable() gates every entry.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* explicit_bzero (glibc 2.25+) */
#endif
#include "rsa_ifma.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#include "cpu_x86.h"

#define IFMA_TARGET __attribute__((target("avx512f,avx512vl,avx512ifma,avx512bw")))
#define IFMA_INLINE static inline __attribute__((always_inline)) IFMA_TARGET

#define LIMB_MASK ((UINT64_C(1) << 52) - 1)
#define MAX_NV 5		   /* 2048 bits = 40 limbs = 5 vectors of 8 lanes */
#define MAX_LIMBS (MAX_NV * 8)
#define WIN_BITS 5
#define TAB_SIZE (1 << WIN_BITS)

struct shim_ifma_mont {
	_Alignas(64) uint64_t m[MAX_LIMBS];  /* the modulus, 52-bit limbs, zero padding */
	_Alignas(64) uint64_t rr[MAX_LIMBS]; /* R^2 mod m, R = 2^(52 n), almost reduced (< 2m) */
	uint64_t k0;			     /* -m^-1 mod 2^52 */
	size_t bytes;			     /* modulus bytes: 128, 192, 256 */
	unsigned n;			     /* limbs: 20, 30, 40 */
};

/* Scratch of one exponentiation; on the stack, wiped before return (it holds base powers). */
struct ifma_scratch {
	_Alignas(64) uint64_t tab[TAB_SIZE][MAX_LIMBS]; /* base^k R mod m, k = 0..31 */
	_Alignas(64) uint64_t acc[MAX_LIMBS];
	_Alignas(64) uint64_t sel[MAX_LIMBS];
	_Alignas(64) uint64_t x[MAX_LIMBS]; /* the base, then the result */
};

bool shim_ifma_usable(void)
{
	return shim_cpu_avx512_usable(SHIM_CPU_AVX512F | SHIM_CPU_AVX512IFMA | SHIM_CPU_AVX512BW |
				      SHIM_CPU_AVX512VL);
}

#define MAX_WORDS ((MAX_LIMBS * 52 + 63) / 64 + 1) /* 64-bit words of a MAX_LIMBS number, + 1 */

/*
 * Big-endian bytes (len * 8 <= 52 MAX_LIMBS) to little-endian 64-bit words:
 * eight bytes per load where they are whole, so a 256-byte number takes 32
 * loads rather than 256 shifts (the byte-at-a-time conversion was ~20 % of a
 * public operation's time in perf, 2026-11-26). The path depends on len only.
 */
static void bytes_to_words(uint64_t *w, const uint8_t *be, size_t len)
{
	size_t full = len / 8, rest = len % 8;

	memset(w, 0, MAX_WORDS * sizeof(*w));
	for (size_t k = 0; k < full; k++) {
		const uint8_t *p = be + len - 8 * (k + 1);

		w[k] = (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
		       (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
		       (uint64_t)p[6] << 8 | (uint64_t)p[7];
	}
	for (size_t i = 0; i < rest; i++)
		w[full] |= (uint64_t)be[rest - 1 - i] << (8 * i);
}

/* Big-endian bytes (len*8 <= 52 n) to 52-bit limbs, lanes n..MAX_LIMBS zero. */
static void bytes_to_limbs(uint64_t *l, const uint8_t *be, size_t len)
{
	uint64_t w[MAX_WORDS];
	size_t n = (len * 8 + 51) / 52;

	bytes_to_words(w, be, len);
	memset(l, 0, MAX_LIMBS * sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		size_t bit = 52 * i, wi = bit / 64, sh = bit % 64;
		uint64_t v = w[wi] >> sh;

		if (sh > 12) /* the limb's top bits are in the next word */
			v |= w[wi + 1] << (64 - sh);
		l[i] = v & LIMB_MASK;
	}
	explicit_bzero(w, sizeof(w));
}

/* 52-bit limbs (each < 2^52) to len big-endian bytes (the low len * 8 bits). */
static void limbs_to_bytes(uint8_t *be, size_t len, const uint64_t *l)
{
	uint64_t w[MAX_WORDS];
	size_t n = (len * 8 + 51) / 52;

	memset(w, 0, sizeof(w));
	for (size_t i = 0; i < n && i < MAX_LIMBS; i++) {
		size_t bit = 52 * i, wi = bit / 64, sh = bit % 64;

		w[wi] |= l[i] << sh;
		if (sh > 12)
			w[wi + 1] |= l[i] >> (64 - sh);
	}
	for (size_t i = 0; i < len; i++)
		be[len - 1 - i] = (uint8_t)(w[i / 8] >> (8 * (i % 8)));
	explicit_bzero(w, sizeof(w));
}

/* r = r - m if r >= m, for normalised r < 2m; no branch on the values. */
static void ct_reduce(uint64_t *r, const uint64_t *m, unsigned n)
{
	uint64_t d[MAX_LIMBS], borrow = 0, keep;

	for (unsigned i = 0; i < n; i++) {
		uint64_t t = r[i] - m[i] - borrow;

		d[i] = t & LIMB_MASK;
		borrow = t >> 63;
	}
	keep = 0 - borrow; /* all ones when r < m */
	for (unsigned i = 0; i < n; i++)
		r[i] = (r[i] & keep) | (d[i] & ~keep);
	explicit_bzero(d, sizeof(d));
}

/* 1 when normalised a < m, else 0, without a data-dependent branch. */
static uint64_t ct_less(const uint64_t *a, const uint64_t *m, unsigned n)
{
	uint64_t borrow = 0;

	for (unsigned i = 0; i < n; i++)
		borrow = (a[i] - m[i] - borrow) >> 63;
	return borrow;
}

/*
 * Turns accumulator lanes (< 2^64, unnormalised) into 52-bit limbs. One
 * vector pass moves each lane's bits above 52 into the next lane; then a lane
 * can exceed 2^52 - 1 by at most 2^12, so at most a carry of one remains,
 * which can ripple through lanes equal to 2^52 - 1. That ripple is resolved
 * for all lanes at once as a binary addition on lane bit masks: with G the
 * lanes > 2^52 - 1 and E the lanes == 2^52 - 1, the lanes that receive a carry
 * are ((G << 1) + E) ^ E (the technique of AWS-LC's rsaz-*-avx512 code).
 */
IFMA_INLINE void normalise(__m512i *R, unsigned n, unsigned nv)
{
	const __m512i vmask = _mm512_set1_epi64((long long)LIMB_MASK), zero = _mm512_setzero_si512();
	const __m512i one = _mm512_set1_epi64(1);
	__m512i C[MAX_NV];
	uint64_t g = 0, e = 0, cin;

#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++) {
		C[v] = _mm512_srli_epi64(R[v], 52);
		R[v] = _mm512_and_si512(R[v], vmask);
	}
#pragma GCC unroll 8
	for (unsigned v = nv - 1; v > 0; v--)
		R[v] = _mm512_add_epi64(R[v], _mm512_alignr_epi64(C[v], C[v - 1], 7));
	R[0] = _mm512_add_epi64(R[0], _mm512_alignr_epi64(C[0], zero, 7));
#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++) {
		g |= (uint64_t)_mm512_cmpgt_epu64_mask(R[v], vmask) << (8 * v);
		e |= (uint64_t)_mm512_cmpeq_epu64_mask(R[v], vmask) << (8 * v);
	}
	cin = ((g << 1) + e) ^ e;
	cin &= (n == 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1);
#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++) {
		__mmask8 lanes = (__mmask8)(cin >> (8 * v));
		__mmask8 valid = (__mmask8)(n >= 8 * v + 8 ? 0xff : (1u << (n - 8 * v)) - 1);

		R[v] = _mm512_mask_add_epi64(R[v], lanes, R[v], one);
		R[v] = _mm512_maskz_and_epi64(valid, R[v], vmask);
	}
}

/*
 * Word-by-word AMM, arranged for a short loop-carried dependency chain (the
 * single exponentiation is latency bound: VPMADD52 and VALIGNQ take about 4
 * cycles each, a GPR-vector round trip about 8, on Zen 4). Iteration i adds
 * a b_i + y m, y chosen so that lane 0 becomes 0 mod 2^52, then divides by
 * 2^52 with a one-lane shift; low product halves land in lane j, high halves
 * in lane j + 1 (lane j after the shift).
 *
 * - The products of a go to P, those of m to Q: two independent chains of
 *   madd, shift, madd instead of one of four madds and a shift.
 * - Lane 0 is tracked exactly in the scalar s, so y never waits for a vector
 *   extraction: the next lane 0 is old lane 1 (read from the vectors one
 *   iteration ahead) + lo52(a1 b_i) + lo52(m1 y) + the carry of lane 0 +
 *   hi52(a0 b_i) + hi52(m0 y), all in scalar registers. The vectors' lane 0 is
 *   left stale and discarded by the next shift.
 * Lanes stay below 2^61 (at most 4 n < 2^8 terms below 2^52 each), so nothing
 * overflows 64 bits before normalise().
 */
typedef unsigned __int128 u128;

struct amm_state {
	__m512i P[MAX_NV], Q[MAX_NV], A[MAX_NV], M[MAX_NV];
	uint64_t s, a0, a1, m0, m1, k0;
};

IFMA_INLINE void amm_begin(struct amm_state *st, const uint64_t *a, const uint64_t *m, uint64_t k0,
			   unsigned nv)
{
#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++) {
		st->P[v] = _mm512_setzero_si512();
		st->Q[v] = _mm512_setzero_si512();
		st->A[v] = _mm512_load_si512((const void *)(a + 8 * v));
		st->M[v] = _mm512_load_si512((const void *)(m + 8 * v));
	}
	st->s = 0;
	st->a0 = a[0];
	st->a1 = a[1];
	st->m0 = m[0];
	st->m1 = m[1];
	st->k0 = k0;
}

/*
 * merged = 0: products of a in P, of m in Q (the single AMM: latency bound).
 * merged = 1: all products in P (the interleaved x2: throughput bound, and one
 * shifted accumulator is nv VALIGNQ per iteration fewer).
 */
IFMA_INLINE void amm_step(struct amm_state *st, uint64_t b, unsigned nv, int merged)
{
	const __m512i vb = _mm512_set1_epi64((long long)b);
	uint64_t lane1 = (uint64_t)_mm_extract_epi64(
		_mm512_castsi512_si128(merged ? st->P[0] : _mm512_add_epi64(st->P[0], st->Q[0])), 1);
	u128 p = (u128)st->a0 * b, q;
	uint64_t u = st->s + ((uint64_t)p & LIMB_MASK), y;
	__m512i vy;

#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++)
		st->P[v] = _mm512_madd52lo_epu64(st->P[v], st->A[v], vb);
	y = (u * st->k0) & LIMB_MASK;
	vy = _mm512_set1_epi64((long long)y);
	q = (u128)st->m0 * y;
	st->s = lane1 + ((st->a1 * b) & LIMB_MASK) + ((st->m1 * y) & LIMB_MASK) +
		((u + ((uint64_t)q & LIMB_MASK)) >> 52) + (uint64_t)(p >> 52) + (uint64_t)(q >> 52);
	if (merged) {
#pragma GCC unroll 8
		for (unsigned v = 0; v < nv; v++)
			st->P[v] = _mm512_madd52lo_epu64(st->P[v], st->M[v], vy);
#pragma GCC unroll 8
		for (unsigned v = 0; v + 1 < nv; v++)
			st->P[v] = _mm512_alignr_epi64(st->P[v + 1], st->P[v], 1);
		st->P[nv - 1] = _mm512_alignr_epi64(_mm512_setzero_si512(), st->P[nv - 1], 1);
#pragma GCC unroll 8
		for (unsigned v = 0; v < nv; v++) {
			st->P[v] = _mm512_madd52hi_epu64(st->P[v], st->A[v], vb);
			st->P[v] = _mm512_madd52hi_epu64(st->P[v], st->M[v], vy);
		}
		return;
	}
#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++)
		st->Q[v] = _mm512_madd52lo_epu64(st->Q[v], st->M[v], vy);
#pragma GCC unroll 8
	for (unsigned v = 0; v + 1 < nv; v++) {
		st->P[v] = _mm512_alignr_epi64(st->P[v + 1], st->P[v], 1);
		st->Q[v] = _mm512_alignr_epi64(st->Q[v + 1], st->Q[v], 1);
	}
	st->P[nv - 1] = _mm512_alignr_epi64(_mm512_setzero_si512(), st->P[nv - 1], 1);
	st->Q[nv - 1] = _mm512_alignr_epi64(_mm512_setzero_si512(), st->Q[nv - 1], 1);
#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++) {
		st->P[v] = _mm512_madd52hi_epu64(st->P[v], st->A[v], vb);
		st->Q[v] = _mm512_madd52hi_epu64(st->Q[v], st->M[v], vy);
	}
}

/* Lane 0 from s, the others P + Q; normalised and stored to r. */
IFMA_INLINE void amm_end(uint64_t *r, struct amm_state *st, unsigned n, unsigned nv)
{
	__m512i R[MAX_NV];

#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++)
		R[v] = _mm512_add_epi64(st->P[v], st->Q[v]);
	R[0] = _mm512_mask_set1_epi64(R[0], 1, (long long)st->s);
	normalise(R, n, nv);
#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++)
		_mm512_store_si512((void *)(r + 8 * v), R[v]);
}

/* r = a b R^-1 mod m, almost reduced; a, b < 2m normalised; r may alias a or b. */
IFMA_INLINE void amm(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *m,
		     uint64_t k0, unsigned n, unsigned nv)
{
	struct amm_state st;

	amm_begin(&st, a, m, k0, nv);
	for (unsigned i = 0; i < n; i++)
		amm_step(&st, b[i], nv, 0);
	amm_end(r, &st, n, nv);
}

/*
 * Two independent AMMs in one loop: their dependency chains overlap in the
 * out-of-order core, so the pair is bound by vector throughput rather than
 * latency. Measured on the Zen 4 development machine (bench_ifma, fastest
 * single operation): two 1536-bit exponentiations 449 us interleaved against
 * 663 us as two calls, 2048-bit 802 us against 1177 us. With merged
 * accumulators (fewer VALIGNQ) for 1536/2048; for 1024 bits the split ones
 * measured slightly faster.
 */
IFMA_INLINE void amm_x2(uint64_t *r1, const uint64_t *a1, const uint64_t *b1, const uint64_t *m1,
			uint64_t k01, uint64_t *r2, const uint64_t *a2, const uint64_t *b2,
			const uint64_t *m2, uint64_t k02, unsigned n, unsigned nv)
{
	struct amm_state st1, st2;

	amm_begin(&st1, a1, m1, k01, nv);
	amm_begin(&st2, a2, m2, k02, nv);
	for (unsigned i = 0; i < n; i++) {
		amm_step(&st1, b1[i], nv, nv >= 4);
		amm_step(&st2, b2[i], nv, nv >= 4);
	}
	amm_end(r1, &st1, n, nv);
	amm_end(r2, &st2, n, nv);
}

/* out = tab[idx], reading all TAB_SIZE entries and keeping one under a lane mask. */
IFMA_INLINE void ct_select(uint64_t *out, const uint64_t (*tab)[MAX_LIMBS], uint64_t idx,
			   unsigned nv)
{
	__m512i S[MAX_NV];
	const __m512i vidx = _mm512_set1_epi64((long long)idx);

#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++)
		S[v] = _mm512_setzero_si512();
	for (unsigned k = 0; k < TAB_SIZE; k++) {
		__mmask8 hit = _mm512_cmpeq_epi64_mask(vidx, _mm512_set1_epi64((long long)k));

#pragma GCC unroll 8
		for (unsigned v = 0; v < nv; v++)
			S[v] = _mm512_mask_mov_epi64(
				S[v], hit, _mm512_load_si512((const void *)(tab[k] + 8 * v)));
	}
#pragma GCC unroll 8
	for (unsigned v = 0; v < nv; v++)
		_mm512_store_si512((void *)(out + 8 * v), S[v]);
}

/* Bits [pos, pos + w) of the big-endian exponent (bit 0 = least significant); 0 beyond it. */
static uint64_t exp_bits(const uint8_t *exp, size_t exp_len, size_t pos, unsigned w)
{
	uint64_t v = 0;

	for (unsigned j = 0; j < w; j++) {
		size_t bit = pos + j;

		if (bit < exp_len * 8) /* public: positions, not values */
			v |= (uint64_t)((exp[exp_len - 1 - bit / 8] >> (bit % 8)) & 1) << j;
	}
	return v;
}

static const _Alignas(64) uint64_t limbs_one[MAX_LIMBS] = { 1 };

/*
 * Exponentiation of 1 or 2 (ways) independent problems with the same limb
 * count. x[k] holds the base on entry and the result (reduced to [0, m)) on
 * return. bits: the number of exponent bits processed (the longer exponent;
 * the shorter reads as leading zeros, which changes no result).
 */
IFMA_INLINE void modexp_impl(const struct shim_ifma_mont *const *mt, struct ifma_scratch *const *s,
			     const uint8_t *const *exp, const size_t *exp_len, size_t bits,
			     unsigned ways, unsigned n, unsigned nv)
{
#define AMM_W(dst, a, b)                                                                          \
	do {                                                                                      \
		if (ways == 2)                                                                    \
			amm_x2(s[0]->dst, s[0]->a, s[0]->b, mt[0]->m, mt[0]->k0, s[1]->dst,      \
			       s[1]->a, s[1]->b, mt[1]->m, mt[1]->k0, n, nv);                     \
		else                                                                              \
			amm(s[0]->dst, s[0]->a, s[0]->b, mt[0]->m, mt[0]->k0, n, nv);              \
	} while (0)
	size_t pos;
	unsigned w0;

	/* tab[0] = R mod m (Montgomery 1), tab[1] = base R mod m, tab[k] = tab[k-1] tab[1]. */
	for (unsigned k = 0; k < ways; k++) {
		amm(s[k]->tab[0], mt[k]->rr, limbs_one, mt[k]->m, mt[k]->k0, n, nv);
		amm(s[k]->tab[1], s[k]->x, mt[k]->rr, mt[k]->m, mt[k]->k0, n, nv);
	}
	for (unsigned t = 2; t < TAB_SIZE; t++)
		AMM_W(tab[t], tab[t - 1], tab[1]);

	/* The top window holds bits % 5 bits (5 when that is 0); every later window 5. */
	w0 = (unsigned)(bits % WIN_BITS);
	if (w0 == 0)
		w0 = WIN_BITS;
	pos = bits - w0;
	for (unsigned k = 0; k < ways; k++)
		ct_select(s[k]->acc, (const uint64_t(*)[MAX_LIMBS])s[k]->tab,
			  exp_bits(exp[k], exp_len[k], pos, w0), nv);
	while (pos > 0) {
		pos -= WIN_BITS;
		for (unsigned q = 0; q < WIN_BITS; q++)
			AMM_W(acc, acc, acc);
		for (unsigned k = 0; k < ways; k++)
			ct_select(s[k]->sel, (const uint64_t(*)[MAX_LIMBS])s[k]->tab,
				  exp_bits(exp[k], exp_len[k], pos, WIN_BITS), nv);
		AMM_W(acc, acc, sel);
	}
	/* Out of Montgomery form: acc 1 R^-1 <= m (equal only for 0), then into [0, m). */
	for (unsigned k = 0; k < ways; k++) {
		amm(s[k]->x, s[k]->acc, limbs_one, mt[k]->m, mt[k]->k0, n, nv);
		ct_reduce(s[k]->x, mt[k]->m, n);
	}
#undef AMM_W
}

#define DEFINE_MODEXP(N, NV)                                                                      \
	IFMA_TARGET __attribute__((noinline)) static void modexp_##N(                             \
		const struct shim_ifma_mont *const *mt, struct ifma_scratch *const *s,            \
		const uint8_t *const *exp, const size_t *exp_len, size_t bits, unsigned ways)     \
	{                                                                                         \
		if (ways == 2)                                                                    \
			modexp_impl(mt, s, exp, exp_len, bits, 2, N, NV);                         \
		else                                                                              \
			modexp_impl(mt, s, exp, exp_len, bits, 1, N, NV);                         \
	}
DEFINE_MODEXP(20, 3)
DEFINE_MODEXP(30, 4)
DEFINE_MODEXP(40, 5)

/*
 * Public-exponent exponentiation: left-to-right binary square-and-multiply
 * over the exponent's significant bits, no table. Variable time in the
 * exponent only (which bits are set decides whether a multiplication
 * follows a squaring); the base and intermediate values take the same
 * data-independent AMM path as in modexp_impl. For e = 65537: 16 squarings,
 * 1 multiplication and 2 conversions, against 31 table products, 24
 * squarings and 5 table scans of the fixed window. x holds the base on entry
 * and the result, reduced to [0, m), on return; b and acc are scratch.
 */
IFMA_INLINE void modexp_pub_impl(const struct shim_ifma_mont *mt, uint64_t *x, uint64_t *b,
				 uint64_t *acc, const uint8_t *exp, size_t exp_len, size_t top,
				 unsigned n, unsigned nv)
{
	/* b = base R mod m (< 2m); acc starts at b for the top bit (set by definition of top). */
	amm(b, x, mt->rr, mt->m, mt->k0, n, nv);
	memcpy(acc, b, MAX_LIMBS * sizeof(*acc));
	for (size_t pos = top; pos-- > 0;) {
		amm(acc, acc, acc, mt->m, mt->k0, n, nv);
		if ((exp[exp_len - 1 - pos / 8] >> (pos % 8)) & 1) /* public exponent */
			amm(acc, acc, b, mt->m, mt->k0, n, nv);
	}
	/* Out of Montgomery form: acc 1 R^-1 <= m (equal only for base 0), then into [0, m). */
	amm(x, acc, limbs_one, mt->m, mt->k0, n, nv);
	ct_reduce(x, mt->m, n);
}

#define DEFINE_MODEXP_PUB(N, NV)                                                                  \
	IFMA_TARGET __attribute__((noinline)) static void modexp_pub_##N(                         \
		const struct shim_ifma_mont *mt, uint64_t *x, uint64_t *b, uint64_t *acc,         \
		const uint8_t *exp, size_t exp_len, size_t top)                                    \
	{                                                                                         \
		modexp_pub_impl(mt, x, b, acc, exp, exp_len, top, N, NV);                         \
	}
DEFINE_MODEXP_PUB(20, 3)
DEFINE_MODEXP_PUB(30, 4)
DEFINE_MODEXP_PUB(40, 5)

/*
 * R^2 mod m: x = 2^(bits-1) (< m, m has exactly `bits` bits) doubled with a
 * masked subtraction up to 2^(52n + d), then k AMM squarings, each mapping
 * 2^(52n + e) to 2^(52n + 2e), where d 2^k = 52n. No branch on m (a secret
 * prime for RSA).
 */
IFMA_TARGET __attribute__((noinline)) static void compute_rr(struct shim_ifma_mont *mt)
{
	_Alignas(64) uint64_t x[MAX_LIMBS];
	unsigned n = mt->n, bits = (unsigned)mt->bytes * 8, k = 0, d = 52 * n;

	while (!(d & 1)) {
		d >>= 1;
		k++;
	}
	memset(x, 0, sizeof(x));
	x[(bits - 1) / 52] = UINT64_C(1) << ((bits - 1) % 52);
	for (unsigned e = bits - 1; e < 52 * n + d; e++) {
		uint64_t c = 0;

		for (unsigned i = 0; i < n; i++) {
			uint64_t t = (x[i] << 1) | c;

			c = x[i] >> 51;
			x[i] = t & LIMB_MASK;
		}
		ct_reduce(x, mt->m, n);
	}
	for (unsigned i = 0; i < k; i++) {
		if (n == 20)
			amm(x, x, x, mt->m, mt->k0, 20, 3);
		else if (n == 30)
			amm(x, x, x, mt->m, mt->k0, 30, 4);
		else
			amm(x, x, x, mt->m, mt->k0, 40, 5);
	}
	memcpy(mt->rr, x, sizeof(x));
	explicit_bzero(x, sizeof(x));
}

struct shim_ifma_mont *shim_ifma_mont_new(const uint8_t *mod, size_t mod_len)
{
	struct shim_ifma_mont *mt;
	uint64_t m0, inv;

	if (!mod || (mod_len != 128 && mod_len != 192 && mod_len != 256))
		return NULL;
	/* Exactly 8 mod_len bits (top bit set) and odd; Montgomery needs gcd(m, 2^52) = 1. */
	if (!(mod[0] & 0x80) || !(mod[mod_len - 1] & 1))
		return NULL;
	if (!shim_ifma_usable())
		return NULL;
	mt = aligned_alloc(64, sizeof(*mt));
	if (!mt)
		return NULL;
	memset(mt, 0, sizeof(*mt));
	mt->bytes = mod_len;
	mt->n = (unsigned)(mod_len * 8 + 51) / 52; /* 20, 30, 40 */
	bytes_to_limbs(mt->m, mod, mod_len);
	/* Newton: inv = m0^-1 mod 2^k doubles k per step; m0 m0 = 1 mod 8 gives k = 3 first. */
	m0 = mt->m[0];
	inv = m0;
	for (int i = 0; i < 5; i++)
		inv *= 2 - m0 * inv;
	mt->k0 = (0 - inv) & LIMB_MASK;
	compute_rr(mt);
	return mt;
}

void shim_ifma_mont_free(struct shim_ifma_mont *m)
{
	if (!m)
		return;
	explicit_bzero(m, sizeof(*m));
	free(m);
}

size_t shim_ifma_mont_bytes(const struct shim_ifma_mont *m)
{
	return m ? m->bytes : 0;
}

/* Argument checks and base conversion; 0 or -1. */
static int load_base(const struct shim_ifma_mont *m, const uint8_t *out, const uint8_t *base,
		     const uint8_t *exp, size_t exp_len, uint64_t *x)
{
	if (!m || !out || !base || !exp || exp_len < 1 || exp_len > m->bytes)
		return -1;
	bytes_to_limbs(x, base, m->bytes);
	return ct_less(x, m->m, m->n) ? 0 : -1; /* the outcome (base < m or not) is public */
}

static void run(const struct shim_ifma_mont *const *mt, struct ifma_scratch *const *s,
		const uint8_t *const *exp, const size_t *exp_len, unsigned ways)
{
	size_t bits = exp_len[0] * 8;

	if (ways == 2 && exp_len[1] * 8 > bits)
		bits = exp_len[1] * 8;
	switch (mt[0]->n) {
	case 20:
		modexp_20(mt, s, exp, exp_len, bits, ways);
		break;
	case 30:
		modexp_30(mt, s, exp, exp_len, bits, ways);
		break;
	default:
		modexp_40(mt, s, exp, exp_len, bits, ways);
		break;
	}
}

int shim_ifma_modexp(const struct shim_ifma_mont *m, uint8_t *out, const uint8_t *base,
		     const uint8_t *exp, size_t exp_len)
{
	struct ifma_scratch s0;
	struct ifma_scratch *s[1] = { &s0 };
	const struct shim_ifma_mont *mt[1] = { m };
	const uint8_t *e[1] = { exp };
	size_t el[1] = { exp_len };

	if (load_base(m, out, base, exp, exp_len, s0.x)) {
		explicit_bzero(s0.x, sizeof(s0.x));
		return -1;
	}
	run(mt, s, e, el, 1);
	limbs_to_bytes(out, m->bytes, s0.x);
	explicit_bzero(&s0, sizeof(s0));
	return 0;
}

/* x = x^exp mod m for a public exponent, x < m in limbs; 1 <= exp_len (checked by callers). */
static void pub_limbs(const struct shim_ifma_mont *m, uint64_t *x, const uint8_t *exp, size_t exp_len)
{
	_Alignas(64) uint64_t b[MAX_LIMBS], acc[MAX_LIMBS];
	size_t i = 0, top;

	/* The most significant set bit (the exponent is public: scanning it is fine). */
	while (i < exp_len && !exp[i])
		i++;
	if (i == exp_len) {
		/* base^0 = 1, and 1 < m (m has 1024 or more bits) */
		memset(x, 0, MAX_LIMBS * sizeof(*x));
		x[0] = 1;
		return;
	}
	top = (exp_len - 1 - i) * 8 + 7;
	while (!((exp[i] >> (top % 8)) & 1))
		top--;
	switch (m->n) {
	case 20:
		modexp_pub_20(m, x, b, acc, exp, exp_len, top);
		break;
	case 30:
		modexp_pub_30(m, x, b, acc, exp, exp_len, top);
		break;
	default:
		modexp_pub_40(m, x, b, acc, exp, exp_len, top);
		break;
	}
	explicit_bzero(b, sizeof(b));
	explicit_bzero(acc, sizeof(acc));
}

int shim_ifma_modexp_pub(const struct shim_ifma_mont *m, uint8_t *out, const uint8_t *base,
			 const uint8_t *exp, size_t exp_len)
{
	_Alignas(64) uint64_t x[MAX_LIMBS];

	if (load_base(m, out, base, exp, exp_len, x)) {
		explicit_bzero(x, sizeof(x));
		return -1;
	}
	pub_limbs(m, x, exp, exp_len);
	limbs_to_bytes(out, m->bytes, x);
	explicit_bzero(x, sizeof(x));
	return 0;
}

/* ---- limb-level entries (rsa_ifma.h) ---- */

_Static_assert(SHIM_IFMA_LIMBS == MAX_LIMBS, "struct shim_ifma_num holds any modulus's limbs");

int shim_ifma_num_load(const struct shim_ifma_mont *m, struct shim_ifma_num *x, const uint8_t *be)
{
	bytes_to_limbs(x->l, be, m->bytes);
	if (ct_less(x->l, m->m, m->n))
		return 0;
	memset(x->l, 0, sizeof(x->l)); /* the outcome (be < m or not) is public */
	return -1;
}

void shim_ifma_num_store(const struct shim_ifma_mont *m, uint8_t *be, const struct shim_ifma_num *x)
{
	limbs_to_bytes(be, m->bytes, x->l);
}

#define DEFINE_NUM_MUL(N, NV)                                                                     \
	IFMA_TARGET __attribute__((noinline)) static void num_mul_##N(                            \
		const struct shim_ifma_mont *mt, uint64_t *r, const uint64_t *a, const uint64_t *b) \
	{                                                                                         \
		amm(r, a, b, mt->m, mt->k0, N, NV);                                               \
		ct_reduce(r, mt->m, N);                                                           \
	}
DEFINE_NUM_MUL(20, 3)
DEFINE_NUM_MUL(30, 4)
DEFINE_NUM_MUL(40, 5)

/* r = a b R^-1 mod m, fully reduced, for a, b < 2m (rr is almost reduced). */
static void num_mul(const struct shim_ifma_mont *m, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
	switch (m->n) {
	case 20:
		num_mul_20(m, r, a, b);
		break;
	case 30:
		num_mul_30(m, r, a, b);
		break;
	default:
		num_mul_40(m, r, a, b);
		break;
	}
}

void shim_ifma_num_mul(const struct shim_ifma_mont *m, struct shim_ifma_num *r,
		       const struct shim_ifma_num *a, const struct shim_ifma_num *b)
{
	num_mul(m, r->l, a->l, b->l);
}

void shim_ifma_num_to_mont(const struct shim_ifma_mont *m, struct shim_ifma_num *r,
			   const struct shim_ifma_num *x)
{
	num_mul(m, r->l, x->l, m->rr); /* x R^2 R^-1 */
}

int shim_ifma_num_pow_pub(const struct shim_ifma_mont *m, struct shim_ifma_num *r,
			  const struct shim_ifma_num *x, const uint8_t *exp, size_t exp_len)
{
	if (!exp || exp_len < 1 || exp_len > m->bytes)
		return -1;
	if (r != x)
		memcpy(r->l, x->l, sizeof(r->l));
	pub_limbs(m, r->l, exp, exp_len);
	return 0;
}

bool shim_ifma_num_equal(const struct shim_ifma_mont *m, const struct shim_ifma_num *a,
			 const struct shim_ifma_num *b)
{
	volatile uint64_t d = 0;

	for (unsigned i = 0; i < m->n; i++)
		d |= a->l[i] ^ b->l[i];
	return d == 0;
}
int shim_ifma_modexp_x2(const struct shim_ifma_mont *m1, uint8_t *out1, const uint8_t *base1,
			const uint8_t *exp1, size_t exp1_len,
			const struct shim_ifma_mont *m2, uint8_t *out2, const uint8_t *base2,
			const uint8_t *exp2, size_t exp2_len)
{
	struct ifma_scratch s0, s1;
	struct ifma_scratch *s[2] = { &s0, &s1 };
	const struct shim_ifma_mont *mt[2] = { m1, m2 };
	const uint8_t *e[2] = { exp1, exp2 };
	size_t el[2] = { exp1_len, exp2_len };
	int bad;

	bad = load_base(m1, out1, base1, exp1, exp1_len, s0.x);
	bad |= load_base(m2, out2, base2, exp2, exp2_len, s1.x);
	if (bad || m1->n != m2->n) {
		explicit_bzero(s0.x, sizeof(s0.x));
		explicit_bzero(s1.x, sizeof(s1.x));
		return -1;
	}
	run(mt, s, e, el, 2);
	limbs_to_bytes(out1, m1->bytes, s0.x);
	limbs_to_bytes(out2, m2->bytes, s1.x);
	explicit_bzero(&s0, sizeof(s0));
	explicit_bzero(&s1, sizeof(s1));
	return 0;
}

#else /* !__x86_64__: no IFMA; every entry reports that. */

struct shim_ifma_mont {
	size_t bytes;
};

bool shim_ifma_usable(void)
{
	return false;
}

struct shim_ifma_mont *shim_ifma_mont_new(const uint8_t *mod, size_t mod_len)
{
	(void)mod;
	(void)mod_len;
	return NULL;
}

void shim_ifma_mont_free(struct shim_ifma_mont *m)
{
	free(m);
}

size_t shim_ifma_mont_bytes(const struct shim_ifma_mont *m)
{
	return m ? m->bytes : 0;
}

int shim_ifma_modexp(const struct shim_ifma_mont *m, uint8_t *out, const uint8_t *base,
		     const uint8_t *exp, size_t exp_len)
{
	(void)m;
	(void)out;
	(void)base;
	(void)exp;
	(void)exp_len;
	return -1;
}

int shim_ifma_modexp_pub(const struct shim_ifma_mont *m, uint8_t *out, const uint8_t *base,
			 const uint8_t *exp, size_t exp_len)
{
	(void)m;
	(void)out;
	(void)base;
	(void)exp;
	(void)exp_len;
	return -1;
}

/* Limb-level entries: never reached (no modulus is ever made here); they answer failure or zero. */
int shim_ifma_num_load(const struct shim_ifma_mont *m, struct shim_ifma_num *x, const uint8_t *be)
{
	(void)m;
	(void)be;
	memset(x, 0, sizeof(*x));
	return -1;
}

void shim_ifma_num_store(const struct shim_ifma_mont *m, uint8_t *be, const struct shim_ifma_num *x)
{
	(void)m;
	(void)be;
	(void)x;
}

void shim_ifma_num_mul(const struct shim_ifma_mont *m, struct shim_ifma_num *r,
		       const struct shim_ifma_num *a, const struct shim_ifma_num *b)
{
	(void)m;
	(void)a;
	(void)b;
	memset(r, 0, sizeof(*r));
}

void shim_ifma_num_to_mont(const struct shim_ifma_mont *m, struct shim_ifma_num *r,
			   const struct shim_ifma_num *x)
{
	(void)m;
	(void)x;
	memset(r, 0, sizeof(*r));
}

int shim_ifma_num_pow_pub(const struct shim_ifma_mont *m, struct shim_ifma_num *r,
			  const struct shim_ifma_num *x, const uint8_t *exp, size_t exp_len)
{
	(void)m;
	(void)x;
	(void)exp;
	(void)exp_len;
	memset(r, 0, sizeof(*r));
	return -1;
}

bool shim_ifma_num_equal(const struct shim_ifma_mont *m, const struct shim_ifma_num *a,
			 const struct shim_ifma_num *b)
{
	(void)m;
	(void)a;
	(void)b;
	return false;
}

int shim_ifma_modexp_x2(const struct shim_ifma_mont *m1, uint8_t *out1, const uint8_t *base1,
			const uint8_t *exp1, size_t exp1_len,
			const struct shim_ifma_mont *m2, uint8_t *out2, const uint8_t *base2,
			const uint8_t *exp2, size_t exp2_len)
{
	(void)m1;
	(void)out1;
	(void)base1;
	(void)exp1;
	(void)exp1_len;
	(void)m2;
	(void)out2;
	(void)base2;
	(void)exp2;
	(void)exp2_len;
	return -1;
}

#endif

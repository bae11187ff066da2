// SPDX-License-Identifier: Apache-2.0
/*
 * sha_mb.c - multi-buffer SHA-2 for accel_execute_digest_batch.
 *
 * Why: a 64-byte message costs SHA-256 two compressions (FIPS 180-4 5.1.1
 * padding adds a block), and one message at a time, even on SHA-NI, leaves
 * most of the vector unit idle. Here every state word is one zmm holding the
 * same word of 16 (SHA-256, 32-bit lanes) or 8 (SHA-512, 64-bit lanes)
 * independent messages, so one pass of the round function advances 16 or 8
 * messages by one block (Intel's multi-buffer layout, as in intel-ipsec-mb's
 * AVX-512 SHA code, which we cannot call without its per-job overhead).
 *
 * The driver keeps every lane busy: when a lane's message ends, its digest
 * is written and the next message of the batch starts in that lane (state
 * reset to the IV), so messages of any mix of lengths share the passes.
 * Each lane reads its blocks straight from the caller's buffer; the last
 * one or two (the remainder, 0x80, zeros, the bit length; FIPS 180-4 5.1)
 * are masked loads of the remainder with the padding inserted in registers
 * (struct mb_blk), so no read ever leaves the message. Idle lanes hash a
 * zero block and their state is not updated (masked add). SHA-224/384 are
 * SHA-256/512 with their IVs (FIPS 180-4 5.3.2, 5.3.4) and truncated output.
 *
 * SHA-224/256 without AVX-512 but with SHA-NI: four interleaved SHA-NI
 * streams, whose tails go through a per-lane buffer (struct mb_lane).
 *
 * No secret-dependent branches or addresses beyond what the message lengths
 * (public) decide; the inputs are digests' messages, not keys.
 *
 * Otherwise (and for SHA-384/512 without AVX-512F/BW/VL, and on aarch64):
 * libcrypto per message (shim_digest, ARMv8 SHA where present).
 */
#define _GNU_SOURCE
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

#include "cpu_x86.h"
#endif
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

static uint32_t len_at(const uint8_t *lens, uint32_t i)
{
	uint32_t v;

	memcpy(&v, lens + (size_t)i * 4, 4);	/* a Java int[] at any byte offset */
	return v;
}

/* ---- portable path: libcrypto, one message at a time ---- */
static int mb_libcrypto(uint32_t op, const uint8_t *data, const uint8_t *lens, uint32_t n,
			uint8_t *out)
{
	uint32_t dlen = shim_digest_len(op), got;
	uint64_t off = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = len_at(lens, i);
		int ret = shim_digest(op, len ? data + off : NULL, len, out + (size_t)i * dlen, &got);

		if (ret)
			return ret;
		off += len;
	}
	return ACCEL_OK;
}

#if defined(__x86_64__)
/* ---- constants, FIPS 180-4 4.2.2, 4.2.3, 5.3.2 - 5.3.5 ---- */
static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static const uint64_t K512[80] = {
	0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
	0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
	0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
	0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
	0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
	0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
	0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
	0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
	0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
	0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
	0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
	0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
	0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
	0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
	0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
	0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
	0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
	0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
	0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
	0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};

static const uint32_t IV224[8] = { 0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939,
				   0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4 };
static const uint32_t IV256[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
static const uint64_t IV384[8] = { 0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17,
				   0x152fecd8f70e5939, 0x67332667ffc00b31, 0x8eb44a8768581511,
				   0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4 };
static const uint64_t IV512[8] = { 0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
				   0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
				   0x1f83d9abfb41bd6b, 0x5be0cd19137e2179 };

#define MB_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))

static bool avx512_usable(void)
{
	return shim_cpu_avx512_usable(SHIM_CPU_AVX512F | SHIM_CPU_AVX512BW | SHIM_CPU_AVX512VL);
}

/* A lane's message: whole blocks from the caller's buffer, then the padded tail. */
struct mb_lane {
	const uint8_t *p;	/* next whole block of the message */
	uint64_t whole;		/* whole blocks left */
	uint32_t tail_blocks;	/* padded tail blocks: 1 or 2 */
	uint32_t tail_next;	/* next tail block */
	uint32_t msg;		/* message index */
	_Alignas(64) uint8_t tail[256];	/* two SHA-512 blocks */
};

/*
 * Starts message `msg` (len bytes at p) in a lane: the remainder after the
 * whole blocks, 0x80, zeros and the big-endian bit length in the last
 * len_bytes (8 for SHA-256, 16 for SHA-512) of one or two blocks
 * (FIPS 180-4 5.1.1, 5.1.2).
 */
static void lane_start(struct mb_lane *l, uint32_t msg, const uint8_t *p, uint32_t len,
		       uint32_t block, uint32_t len_bytes)
{
	uint32_t rem = len % block, end;
	uint64_t bits = (uint64_t)len * 8;

	l->msg = msg;
	l->whole = len / block;
	l->p = p;
	l->tail_next = 0;
	l->tail_blocks = rem + 1 + len_bytes <= block ? 1 : 2;
	end = l->tail_blocks * block;
	if (rem)
		memcpy(l->tail, p + (size_t)l->whole * block, rem);
	l->tail[rem] = 0x80;
	memset(l->tail + rem + 1, 0, end - rem - 1 - 8);
	for (int i = 0; i < 8; i++)
		l->tail[end - 1 - i] = (uint8_t)(bits >> (8 * i));
}

static const uint8_t *lane_block(const struct mb_lane *l, uint32_t block)
{
	return l->whole ? l->p : l->tail + (size_t)l->tail_next * block;
}

/* Advances past the block just hashed; true when the message is done. */
static bool lane_advance(struct mb_lane *l, uint32_t block)
{
	if (l->whole) {
		l->whole--;
		l->p += block;
		return false;
	}
	return ++l->tail_next == l->tail_blocks;
}

static _Alignas(64) const uint8_t zero_block[128];

/*
 * The batch as the drivers consume it, in order. A lane hashes one message
 * at a time, so a batch takes at least as many passes as its longest
 * message has blocks; a message much longer than the batch's mean (say one
 * 10 KiB message among 64-byte ones) would run alone in an otherwise idle
 * vector for most of them. Such messages go to libcrypto one by one.
 */
struct mb_feed {
	uint32_t op, n, next, dlen;
	const uint8_t *data, *lens;
	uint8_t *out;
	uint64_t off;		/* where message `next` starts */
	uint64_t long_len;	/* longer messages: libcrypto */
	int err;
};

/* long_len: above 16 blocks and above 4x the mean message (plus padding block). */
static void feed_init(struct mb_feed *f, uint32_t op, const uint8_t *data, const uint8_t *lens,
		      uint32_t n, uint8_t *out, uint32_t block)
{
	uint64_t total = 0;

	for (uint32_t i = 0; i < n; i++)
		total += len_at(lens, i);
	*f = (struct mb_feed){ .op = op, .n = n, .dlen = shim_digest_len(op), .data = data,
			       .lens = lens, .out = out };
	f->long_len = 4 * (total / (n ? n : 1) + block);
	if (f->long_len < 16 * (uint64_t)block)
		f->long_len = 16 * (uint64_t)block;
}

/* The next message for a lane; false when the batch is done. */
static bool feed_next(struct mb_feed *f, uint32_t *msg, const uint8_t **p, uint32_t *len)
{
	while (f->next < f->n) {
		uint32_t i = f->next++, l = len_at(f->lens, i), got;
		const uint8_t *src = l ? f->data + f->off : zero_block;

		f->off += l;
		if (l <= f->long_len) {
			*msg = i;
			*p = src;
			*len = l;
			return true;
		}
		if (shim_digest(f->op, src, l, f->out + (size_t)i * f->dlen, &got) && !f->err)
			f->err = ACCEL_EIO;
	}
	return false;
}


/*
 * AVX-512 kernels pad in registers: a lane's next block is described by a
 * pointer, byte masks for the masked loads (AVX-512BW; masked-out bytes are
 * never accessed and cannot fault), the byte that gets 0x80 and whether
 * the last 64-bit word gets the bit length. No tail is copied to memory, so
 * no vector load waits for fresh scalar stores (failed store forwarding).
 */
struct mb_msg {
	const uint8_t *p;	/* next byte of the message */
	uint64_t left;		/* bytes not yet fed */
	uint64_t bits;		/* message length in bits (FIPS 180-4 5.1) */
	uint32_t msg;		/* message index */
	bool extra;		/* only the length block is left */
};

struct mb_blk {
	const uint8_t *p;
	uint64_t ld[2];		/* bytes loaded from p, p + 64 */
	uint64_t pad[2];	/* the byte set to 0x80 (FIPS 180-4 5.1.1, 5.1.2) */
	uint64_t len_be;	/* the bit length, big-endian in memory order */
	uint8_t lenk;		/* 0x80: the last 64-bit word of the block is len_be */
};

static const struct mb_blk idle_blk = { .p = zero_block };

static void msg_start(struct mb_msg *m, uint32_t msg, const uint8_t *p, uint32_t len)
{
	m->p = p;
	m->left = len;
	m->bits = (uint64_t)len * 8;
	m->msg = msg;
	m->extra = false;
}

/* Describes the lane's next block of `block` bytes (len_bytes of length field); true if last. */
static bool next_block(struct mb_msg *m, struct mb_blk *b, uint32_t block, uint32_t len_bytes)
{
	uint32_t rem;

	b->p = m->p;
	b->pad[0] = b->pad[1] = 0;
	b->lenk = 0;
	b->len_be = __builtin_bswap64(m->bits);
	if (m->extra) {
		b->p = zero_block;
		b->ld[0] = b->ld[1] = 0;
		b->lenk = 0x80;
		return true;
	}
	if (m->left >= block) {
		b->ld[0] = b->ld[1] = ~0ull;
		m->p += block;
		m->left -= block;
		return false;
	}
	rem = (uint32_t)m->left;	/* < block <= 128 */
	if (!rem)
		b->p = zero_block;	/* nothing to load; p may be one past the end */
	b->ld[0] = rem >= 64 ? ~0ull : (1ull << rem) - 1;
	b->ld[1] = rem <= 64 ? 0 : (1ull << (rem - 64)) - 1;
	b->pad[rem >= 64] = 1ull << (rem & 63);
	if (rem + 1 + len_bytes <= block) {
		b->lenk = 0x80;
		return true;
	}
	m->extra = true;
	return false;
}

/* One 64-byte row of a block: masked load and 0x80 (the caller adds the length). */
MB_TARGET static inline __m512i blk_row(const struct mb_blk *b, int half)
{
	/* p + 64 may lie past the message when nothing is loaded from it: not even formed then */
	const uint8_t *src = b->ld[half] ? b->p + 64 * half : zero_block;
	__m512i r = _mm512_maskz_loadu_epi8(b->ld[half], src);

	return _mm512_mask_mov_epi8(r, b->pad[half], _mm512_set1_epi8((char)0x80));
}

/* ---- SHA-256, 16 lanes: FIPS 180-4 6.2.2 ---- */
#define R32(x, n) _mm512_ror_epi32(x, n)
#define XOR3(x, y, z) _mm512_ternarylogic_epi32(x, y, z, 0x96)
#define CH(e, f, g) _mm512_ternarylogic_epi32(e, f, g, 0xCA)	/* e ? f : g */
#define MAJ(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0xE8)
#define BSIG0_256(x) XOR3(R32(x, 2), R32(x, 13), R32(x, 22))
#define BSIG1_256(x) XOR3(R32(x, 6), R32(x, 11), R32(x, 25))
#define SSIG0_256(x) XOR3(R32(x, 7), R32(x, 18), _mm512_srli_epi32(x, 3))
#define SSIG1_256(x) XOR3(R32(x, 17), R32(x, 19), _mm512_srli_epi32(x, 10))

/*
 * One round (FIPS 180-4 6.2.2 step 3), its additions ordered for a short
 * dependency chain: d + (h + K + W) does not wait for e, so the new e is
 * three additions after Ch/Sigma1 instead of five, and the new a adds
 * Sigma0(a) last. One more addition per round, ~10% faster on Zen 4 (the
 * rounds were latency-bound).
 */
#define RND256(a, b, c, d, e, f, g, h, kw)                                                        \
	do {                                                                                      \
		__m512i u_ = _mm512_add_epi32(h, kw), ch_ = CH(e, f, g), s1_ = BSIG1_256(e);      \
		__m512i t1_ = _mm512_add_epi32(_mm512_add_epi32(u_, ch_), s1_);                  \
		d = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(d, u_), ch_), s1_);       \
		h = _mm512_add_epi32(_mm512_add_epi32(t1_, MAJ(a, b, c)), BSIG0_256(a));          \
	} while (0)

/*
 * 4x4 transposes of 128-bit chunks: from A, B, C, D (chunk k of each holds
 * one element of four lanes) to o0..o3 with o_k = [A_k, B_k, C_k, D_k].
 */
MB_TARGET static inline void chunk_transpose(__m512i A, __m512i B, __m512i C, __m512i D,
					     __m512i *o0, __m512i *o1, __m512i *o2, __m512i *o3)
{
	__m512i v0 = _mm512_shuffle_i64x2(A, B, 0x88), v1 = _mm512_shuffle_i64x2(A, B, 0xDD);
	__m512i v2 = _mm512_shuffle_i64x2(C, D, 0x88), v3 = _mm512_shuffle_i64x2(C, D, 0xDD);

	*o0 = _mm512_shuffle_i64x2(v0, v2, 0x88);
	*o2 = _mm512_shuffle_i64x2(v0, v2, 0xDD);
	*o1 = _mm512_shuffle_i64x2(v1, v3, 0x88);
	*o3 = _mm512_shuffle_i64x2(v1, v3, 0xDD);
}

/* w[t] = big-endian word t of the 16 lanes' blocks (a 16x16 transpose of 32-bit words). */
MB_TARGET static inline void load16x16(const struct mb_blk b[16], __m512i w[16])
{
	const __m512i bswap = _mm512_broadcast_i32x4(
		_mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
	__m512i r[16], t[16], u[16];

	for (int i = 0; i < 16; i++) {
		r[i] = _mm512_mask_mov_epi64(blk_row(&b[i], 0), b[i].lenk,
					     _mm512_set1_epi64((long long)b[i].len_be));
		r[i] = _mm512_shuffle_epi8(r[i], bswap);
	}
	for (int i = 0; i < 16; i += 2) {
		t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
		t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
	}
	/* u[4g + j]: element 4k + j of rows 4g..4g+3 in chunk k */
	for (int g = 0; g < 4; g++) {
		u[4 * g + 0] = _mm512_unpacklo_epi64(t[4 * g], t[4 * g + 2]);
		u[4 * g + 1] = _mm512_unpackhi_epi64(t[4 * g], t[4 * g + 2]);
		u[4 * g + 2] = _mm512_unpacklo_epi64(t[4 * g + 1], t[4 * g + 3]);
		u[4 * g + 3] = _mm512_unpackhi_epi64(t[4 * g + 1], t[4 * g + 3]);
	}
	for (int j = 0; j < 4; j++)
		chunk_transpose(u[j], u[4 + j], u[8 + j], u[12 + j], &w[j], &w[4 + j], &w[8 + j],
				&w[12 + j]);
}

/* One block for each of the 16 lanes; lanes outside `live` keep their state. */
MB_TARGET static void compress256x16(uint32_t st[8][16], const struct mb_blk blk[16], __mmask16 live)
{
	__m512i w[16], s[8], a, b, c, d, e, f, g, h;

	load16x16(blk, w);
	for (int i = 0; i < 8; i++)
		s[i] = _mm512_load_si512(st[i]);
	a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
#define KW256(t) _mm512_add_epi32(w[(t) & 15], _mm512_set1_epi32((int)K256[t]))
#define SCHED256(t)                                                                               \
	(w[(t) & 15] = _mm512_add_epi32(                                                          \
		 _mm512_add_epi32(w[(t) & 15], SSIG0_256(w[((t) + 1) & 15])),                     \
		 _mm512_add_epi32(w[((t) + 9) & 15], SSIG1_256(w[((t) + 14) & 15]))))
#pragma GCC unroll 8
	for (int t = 0; t < 64; t += 8) {
		if (t >= 16) {
			SCHED256(t); SCHED256(t + 1); SCHED256(t + 2); SCHED256(t + 3);
			SCHED256(t + 4); SCHED256(t + 5); SCHED256(t + 6); SCHED256(t + 7);
		}
		RND256(a, b, c, d, e, f, g, h, KW256(t));
		RND256(h, a, b, c, d, e, f, g, KW256(t + 1));
		RND256(g, h, a, b, c, d, e, f, KW256(t + 2));
		RND256(f, g, h, a, b, c, d, e, KW256(t + 3));
		RND256(e, f, g, h, a, b, c, d, KW256(t + 4));
		RND256(d, e, f, g, h, a, b, c, KW256(t + 5));
		RND256(c, d, e, f, g, h, a, b, KW256(t + 6));
		RND256(b, c, d, e, f, g, h, a, KW256(t + 7));
	}
#undef KW256
#undef SCHED256
	_mm512_store_si512(st[0], _mm512_mask_add_epi32(s[0], live, s[0], a));
	_mm512_store_si512(st[1], _mm512_mask_add_epi32(s[1], live, s[1], b));
	_mm512_store_si512(st[2], _mm512_mask_add_epi32(s[2], live, s[2], c));
	_mm512_store_si512(st[3], _mm512_mask_add_epi32(s[3], live, s[3], d));
	_mm512_store_si512(st[4], _mm512_mask_add_epi32(s[4], live, s[4], e));
	_mm512_store_si512(st[5], _mm512_mask_add_epi32(s[5], live, s[5], f));
	_mm512_store_si512(st[6], _mm512_mask_add_epi32(s[6], live, s[6], g));
	_mm512_store_si512(st[7], _mm512_mask_add_epi32(s[7], live, s[7], h));
}

/* ---- SHA-512, 8 lanes: FIPS 180-4 6.4.2 ---- */
#define R64(x, n) _mm512_ror_epi64(x, n)
#define XOR3_64(x, y, z) _mm512_ternarylogic_epi64(x, y, z, 0x96)
#define CH64(e, f, g) _mm512_ternarylogic_epi64(e, f, g, 0xCA)
#define MAJ64(a, b, c) _mm512_ternarylogic_epi64(a, b, c, 0xE8)
#define BSIG0_512(x) XOR3_64(R64(x, 28), R64(x, 34), R64(x, 39))
#define BSIG1_512(x) XOR3_64(R64(x, 14), R64(x, 18), R64(x, 41))
#define SSIG0_512(x) XOR3_64(R64(x, 1), R64(x, 8), _mm512_srli_epi64(x, 7))
#define SSIG1_512(x) XOR3_64(R64(x, 19), R64(x, 61), _mm512_srli_epi64(x, 6))

/* As RND256 (FIPS 180-4 6.4.2 step 3). */
#define RND512(a, b, c, d, e, f, g, h, kw)                                                        \
	do {                                                                                      \
		__m512i u_ = _mm512_add_epi64(h, kw), ch_ = CH64(e, f, g), s1_ = BSIG1_512(e);   \
		__m512i t1_ = _mm512_add_epi64(_mm512_add_epi64(u_, ch_), s1_);                  \
		d = _mm512_add_epi64(_mm512_add_epi64(_mm512_add_epi64(d, u_), ch_), s1_);       \
		h = _mm512_add_epi64(_mm512_add_epi64(t1_, MAJ64(a, b, c)), BSIG0_512(a));        \
	} while (0)

/* w[t] = big-endian word t of the 8 lanes' blocks (two 8x8 transposes of 64-bit words). */
MB_TARGET static inline void load8x16(const struct mb_blk b[8], __m512i w[16])
{
	const __m512i bswap = _mm512_broadcast_i32x4(
		_mm_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8));

	for (int half = 0; half < 2; half++) {
		__m512i r[8], t[8];

		for (int i = 0; i < 8; i++) {
			r[i] = blk_row(&b[i], half);
			if (half)	/* bit length < 2^64: the upper length word stays zero */
				r[i] = _mm512_mask_mov_epi64(r[i], b[i].lenk,
							     _mm512_set1_epi64((long long)b[i].len_be));
			r[i] = _mm512_shuffle_epi8(r[i], bswap);
		}
		/* t[2m]: chunk k = [row 2m, row 2m+1] of element 2k; t[2m+1]: of element 2k+1 */
		for (int i = 0; i < 8; i += 2) {
			t[i] = _mm512_unpacklo_epi64(r[i], r[i + 1]);
			t[i + 1] = _mm512_unpackhi_epi64(r[i], r[i + 1]);
		}
		__m512i *o = w + 8 * half;
		chunk_transpose(t[0], t[2], t[4], t[6], &o[0], &o[2], &o[4], &o[6]);
		chunk_transpose(t[1], t[3], t[5], t[7], &o[1], &o[3], &o[5], &o[7]);
	}
}

MB_TARGET static void compress512x8(uint64_t st[8][8], const struct mb_blk blk[8], __mmask8 live)
{
	__m512i w[16], s[8], a, b, c, d, e, f, g, h;

	load8x16(blk, w);
	for (int i = 0; i < 8; i++)
		s[i] = _mm512_load_si512(st[i]);
	a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
#define KW512(t) _mm512_add_epi64(w[(t) & 15], _mm512_set1_epi64((long long)K512[t]))
#define SCHED512(t)                                                                               \
	(w[(t) & 15] = _mm512_add_epi64(                                                          \
		 _mm512_add_epi64(w[(t) & 15], SSIG0_512(w[((t) + 1) & 15])),                     \
		 _mm512_add_epi64(w[((t) + 9) & 15], SSIG1_512(w[((t) + 14) & 15]))))
#pragma GCC unroll 10
	for (int t = 0; t < 80; t += 8) {
		if (t >= 16) {
			SCHED512(t); SCHED512(t + 1); SCHED512(t + 2); SCHED512(t + 3);
			SCHED512(t + 4); SCHED512(t + 5); SCHED512(t + 6); SCHED512(t + 7);
		}
		RND512(a, b, c, d, e, f, g, h, KW512(t));
		RND512(h, a, b, c, d, e, f, g, KW512(t + 1));
		RND512(g, h, a, b, c, d, e, f, KW512(t + 2));
		RND512(f, g, h, a, b, c, d, e, KW512(t + 3));
		RND512(e, f, g, h, a, b, c, d, KW512(t + 4));
		RND512(d, e, f, g, h, a, b, c, KW512(t + 5));
		RND512(c, d, e, f, g, h, a, b, KW512(t + 6));
		RND512(b, c, d, e, f, g, h, a, KW512(t + 7));
	}
#undef KW512
#undef SCHED512
	_mm512_store_si512(st[0], _mm512_mask_add_epi64(s[0], live, s[0], a));
	_mm512_store_si512(st[1], _mm512_mask_add_epi64(s[1], live, s[1], b));
	_mm512_store_si512(st[2], _mm512_mask_add_epi64(s[2], live, s[2], c));
	_mm512_store_si512(st[3], _mm512_mask_add_epi64(s[3], live, s[3], d));
	_mm512_store_si512(st[4], _mm512_mask_add_epi64(s[4], live, s[4], e));
	_mm512_store_si512(st[5], _mm512_mask_add_epi64(s[5], live, s[5], f));
	_mm512_store_si512(st[6], _mm512_mask_add_epi64(s[6], live, s[6], g));
	_mm512_store_si512(st[7], _mm512_mask_add_epi64(s[7], live, s[7], h));
}

/* ---- drivers: keep every lane on a message until the batch runs out ---- */
static int mb256(uint32_t op, const uint8_t *data, const uint8_t *lens, uint32_t n, uint8_t *out)
{
	const uint32_t *iv = op == ACCEL_OP_SHA224 ? IV224 : IV256;
	uint32_t dwords = op == ACCEL_OP_SHA224 ? 7 : 8, live = 0, last = 0, msg = 0, len = 0;
	_Alignas(64) uint32_t st[8][16];
	struct mb_blk b[16];
	struct mb_msg m[16];
	struct mb_feed f;
	const uint8_t *p = zero_block;

	feed_init(&f, op, data, lens, n, out, 64);

	memset(st, 0, sizeof(st));
	for (uint32_t l = 0; l < 16; l++) {
		b[l] = idle_blk;
		if (feed_next(&f, &msg, &p, &len)) {
			msg_start(&m[l], msg, p, len);
			for (int i = 0; i < 8; i++)
				st[i][l] = iv[i];
			live |= 1u << l;
		}
	}
	while (live) {
		last = 0;
		for (uint32_t k = live; k; k &= k - 1) {
			uint32_t l = (uint32_t)__builtin_ctz(k);

			last |= (uint32_t)next_block(&m[l], &b[l], 64, 8) << l;
		}
		compress256x16(st, b, (__mmask16)live);
		for (uint32_t k = last; k; k &= k - 1) {
			uint32_t l = (uint32_t)__builtin_ctz(k);
			uint8_t *o = out + (size_t)m[l].msg * dwords * 4;

			for (uint32_t i = 0; i < dwords; i++) {
				uint32_t v = __builtin_bswap32(st[i][l]);

				memcpy(o + 4 * i, &v, 4);
			}
			if (feed_next(&f, &msg, &p, &len)) {
				msg_start(&m[l], msg, p, len);
				for (int i = 0; i < 8; i++)
					st[i][l] = iv[i];
			} else {
				live &= ~(1u << l);
				b[l] = idle_blk;
			}
		}
	}
	return f.err;
}

static int mb512(uint32_t op, const uint8_t *data, const uint8_t *lens, uint32_t n, uint8_t *out)
{
	const uint64_t *iv = op == ACCEL_OP_SHA384 ? IV384 : IV512;
	uint32_t qwords = op == ACCEL_OP_SHA384 ? 6 : 8, live = 0, last = 0, msg = 0, len = 0;
	_Alignas(64) uint64_t st[8][8];
	struct mb_blk b[8];
	struct mb_msg m[8];
	struct mb_feed f;
	const uint8_t *p = zero_block;

	feed_init(&f, op, data, lens, n, out, 128);

	memset(st, 0, sizeof(st));
	for (uint32_t l = 0; l < 8; l++) {
		b[l] = idle_blk;
		if (feed_next(&f, &msg, &p, &len)) {
			msg_start(&m[l], msg, p, len);
			for (int i = 0; i < 8; i++)
				st[i][l] = iv[i];
			live |= 1u << l;
		}
	}
	while (live) {
		last = 0;
		for (uint32_t k = live; k; k &= k - 1) {
			uint32_t l = (uint32_t)__builtin_ctz(k);

			last |= (uint32_t)next_block(&m[l], &b[l], 128, 16) << l;
		}
		compress512x8(st, b, (__mmask8)live);
		for (uint32_t k = last; k; k &= k - 1) {
			uint32_t l = (uint32_t)__builtin_ctz(k);
			uint8_t *o = out + (size_t)m[l].msg * qwords * 8;

			for (uint32_t i = 0; i < qwords; i++) {
				uint64_t v = __builtin_bswap64(st[i][l]);

				memcpy(o + 8 * i, &v, 8);
			}
			if (feed_next(&f, &msg, &p, &len)) {
				msg_start(&m[l], msg, p, len);
				for (int i = 0; i < 8; i++)
					st[i][l] = iv[i];
			} else {
				live &= ~(1u << l);
				b[l] = idle_blk;
			}
		}
	}
	return f.err;
}

/*
 * ---- SHA-256 on SHA-NI, NI_WAYS independent messages interleaved ----
 * Intel SHA extensions (Gulley et al., "Intel SHA Extensions", Intel white
 * paper, 2013): SHA256RNDS2 does two rounds on the state held as ABEF
 * and CDGH. One message is a serial chain of 32 SHA256RNDS2 per block, so
 * single-stream code waits on their latency; interleaving independent
 * messages fills that wait (on Zen 4 this beats the 16-lane AVX-512 kernel,
 * whose rotates contend for two pipes; measured in bench_kernels).
 */
#ifndef NI_WAYS
#define NI_WAYS 4
#endif
#define NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* CPUID.(7,0):EBX.SHA[29]; SSE4.1 (CPUID.1:ECX[19]) and SSSE3 (ECX[9]) for blend/shuffle. */
static bool sha_ni_usable(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9)))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return b & (1u << 29);
}

/* state[0..7] (A..H) to the ABEF / CDGH pair and back. */
NI_TARGET static void ni_to_abef(const uint32_t s[8], __m128i *abef, __m128i *cdgh)
{
	__m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)s), 0xB1);	 /* CDAB */
	__m128i u = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(s + 4)), 0x1B); /* EFGH */

	*abef = _mm_alignr_epi8(t, u, 8);
	*cdgh = _mm_blend_epi16(u, t, 0xF0);
}

NI_TARGET static void ni_from_abef(__m128i abef, __m128i cdgh, uint32_t s[8])
{
	__m128i t = _mm_shuffle_epi32(abef, 0x1B);	/* FEBA */
	__m128i u = _mm_shuffle_epi32(cdgh, 0xB1);	/* DCHG */

	_mm_storeu_si128((__m128i *)s, _mm_blend_epi16(t, u, 0xF0));		/* DCBA */
	_mm_storeu_si128((__m128i *)(s + 4), _mm_alignr_epi8(u, t, 8));	/* HGFE */
}

/*
 * One block for each of NI_WAYS messages. Rounds 4i..4i+3 use the message
 * words m[i % 4]; SHA256MSG1/MSG2 extend the schedule (FIPS 180-4 6.2.2
 * step 1) four words at a time, as in Intel's reference code.
 */
NI_TARGET static void compress256_ni(__m128i abef[NI_WAYS], __m128i cdgh[NI_WAYS],
				      const uint8_t *const p[NI_WAYS])
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i s0[NI_WAYS], s1[NI_WAYS], m[NI_WAYS][4];

	for (int k = 0; k < NI_WAYS; k++) {
		s0[k] = abef[k];
		s1[k] = cdgh[k];
	}
#pragma GCC unroll 16
	for (int i = 0; i < 16; i++) {
		__m128i kv = _mm_loadu_si128((const __m128i *)(K256 + 4 * i));

#pragma GCC unroll 4
		for (int k = 0; k < NI_WAYS; k++) {
			__m128i msg;

			if (i < 4)
				m[k][i] = _mm_shuffle_epi8(
					_mm_loadu_si128((const __m128i *)(p[k] + 16 * i)), bswap);
			msg = _mm_add_epi32(m[k][i & 3], kv);
			s1[k] = _mm_sha256rnds2_epu32(s1[k], s0[k], msg);
			if (i >= 3 && i <= 14) {
				__m128i t = _mm_alignr_epi8(m[k][i & 3], m[k][(i - 1) & 3], 4);

				m[k][(i + 1) & 3] = _mm_sha256msg2_epu32(
					_mm_add_epi32(m[k][(i + 1) & 3], t), m[k][i & 3]);
			}
			s0[k] = _mm_sha256rnds2_epu32(s0[k], s1[k], _mm_shuffle_epi32(msg, 0x0E));
			if (i >= 1 && i <= 12)
				m[k][(i + 3) & 3] = _mm_sha256msg1_epu32(m[k][(i + 3) & 3], m[k][i & 3]);
		}
	}
	for (int k = 0; k < NI_WAYS; k++) {
		abef[k] = _mm_add_epi32(abef[k], s0[k]);
		cdgh[k] = _mm_add_epi32(cdgh[k], s1[k]);
	}
}

static int mb256_ni(uint32_t op, const uint8_t *data, const uint8_t *lens, uint32_t n,
		    uint8_t *out)
{
	const uint32_t *iv = op == ACCEL_OP_SHA224 ? IV224 : IV256;
	uint32_t dwords = op == ACCEL_OP_SHA224 ? 7 : 8, live = 0, msg = 0, len = 0;
	__m128i abef[NI_WAYS], cdgh[NI_WAYS], iv_abef, iv_cdgh;
	const uint8_t *p[NI_WAYS], *src = zero_block;
	struct mb_lane lane[NI_WAYS];
	struct mb_feed f;

	feed_init(&f, op, data, lens, n, out, 64);
	ni_to_abef(iv, &iv_abef, &iv_cdgh);
	for (uint32_t l = 0; l < NI_WAYS; l++) {
		p[l] = zero_block;
		abef[l] = iv_abef;
		cdgh[l] = iv_cdgh;
		if (feed_next(&f, &msg, &src, &len)) {
			lane_start(&lane[l], msg, src, len, 64, 8);
			live |= 1u << l;
		}
	}
	while (live) {
		for (uint32_t m = live; m; m &= m - 1) {
			uint32_t l = (uint32_t)__builtin_ctz(m);

			p[l] = lane_block(&lane[l], 64);
		}
		compress256_ni(abef, cdgh, p);	/* idle lanes hash zeros into a discarded state */
		for (uint32_t m = live; m; m &= m - 1) {
			uint32_t l = (uint32_t)__builtin_ctz(m);
			uint32_t s[8];
			uint8_t *o;

			if (!lane_advance(&lane[l], 64))
				continue;
			ni_from_abef(abef[l], cdgh[l], s);
			o = out + (size_t)lane[l].msg * dwords * 4;
			for (uint32_t i = 0; i < dwords; i++) {
				uint32_t v = __builtin_bswap32(s[i]);

				memcpy(o + 4 * i, &v, 4);
			}
			abef[l] = iv_abef;
			cdgh[l] = iv_cdgh;
			if (feed_next(&f, &msg, &src, &len)) {
				lane_start(&lane[l], msg, src, len, 64, 8);
			} else {
				live &= ~(1u << l);
				p[l] = zero_block;
			}
		}
	}
	return f.err;
}
#endif /* __x86_64__ */

/* ---- kernel choice, once per process ---- */
static pthread_once_t mb_once = PTHREAD_ONCE_INIT;
static bool mb_avx512, mb_sha_ni;

/*
 * ACCEL_SHIM_SHA_MB: unset or "auto" = the best the CPU has; "sha-ni" = as
 * if it lacked AVX-512; "avx512" = as if it lacked SHA-NI; "libcrypto" =
 * neither (tests and benchmarks compare the kernels).
 */
static void mb_choose(void)
{
#if defined(__x86_64__)
	const char *force = secure_getenv("ACCEL_SHIM_SHA_MB");
	bool portable = force && !strcmp(force, "libcrypto");

	mb_avx512 = !portable && !(force && !strcmp(force, "sha-ni")) && avx512_usable();
	mb_sha_ni = !portable && !(force && !strcmp(force, "avx512")) && sha_ni_usable();
#endif
}

const char *shim_sha_mb_kernel(void)
{
	pthread_once(&mb_once, mb_choose);
	if (mb_avx512)
		return "avx512";
	return mb_sha_ni ? "sha-ni (SHA-384/512: libcrypto)" : "libcrypto";
}

/*
 * Small batches leave most lanes idle: a 16-lane SHA-256 pass costs about
 * 12 SHA-NI blocks and an 8-lane SHA-512 pass about 3 libcrypto blocks on
 * Zen 4 (bench_kernels), hence the batch sizes below which the narrower
 * path is used. Full batches: 16 AVX-512 lanes beat 4 SHA-NI streams there
 * (about 20 against 25 ns per block and message).
 */
int shim_sha_mb(uint32_t op, const uint8_t *data, const uint8_t *lens, uint32_t n, uint8_t *out)
{
	pthread_once(&mb_once, mb_choose);
#if defined(__x86_64__)
	if (n == 1)
		return mb_libcrypto(op, data, lens, n, out);	/* nothing to interleave */
	if (op == ACCEL_OP_SHA224 || op == ACCEL_OP_SHA256) {
		if (mb_sha_ni && (n <= 12 || !mb_avx512))
			return mb256_ni(op, data, lens, n, out);
		if (mb_avx512)
			return mb256(op, data, lens, n, out);
	} else if (mb_avx512 && n >= 4) {
		return mb512(op, data, lens, n, out);
	}
#endif
	return mb_libcrypto(op, data, lens, n, out);
}

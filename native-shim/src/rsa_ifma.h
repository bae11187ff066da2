/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rsa_ifma.h - constant-time Montgomery modular exponentiation with AVX-512
 * IFMA (VPMADD52LUQ/VPMADD52HUQ, 52-bit limbs), for the CRT halves of
 * RSA-3072/4096 (1536- and 2048-bit primes) where Debian's OpenSSL 3.0 has
 * no IFMA code (it has one only for 1024-bit halves,
 * BN_mod_exp_mont_consttime_x2). Technique: Gueron and Krasnov, "Software
 * implementation of modular exponentiation, using advanced vector
 * instructions architectures" (WAIFI 2012), and Drucker and Gueron, "Fast
 * modular squaring with AVX512IFMA" (2018).
 *
 * All integers are big-endian byte strings. Nothing here allocates after
 * shim_ifma_mont_new, and nothing branches or indexes memory on secret data
 * (base, exponent, intermediate values, the modulus); the window table is
 * read with a full constant-time scan. An exponentiation keeps its window
 * table on the stack: about 11 KiB, 22 KiB for the x2 form; it is wiped
 * before return. Tests and timings: tests/test_rsa_ifma.c (against
 * libcrypto's BN_mod_exp), bench/bench_ifma.c (make bench-c).
 */
#ifndef ACCEL_RSA_IFMA_H
#define ACCEL_RSA_IFMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct shim_ifma_mont; /* a precomputed odd modulus: limbs, R^2 mod m, -m^-1 mod 2^52 */

/* True when this CPU and OS run the kernel (AVX512F, AVX512VL, AVX512IFMA, ZMM state enabled). */
bool shim_ifma_usable(void);

/*
 * Precomputes modulus mod[0..mod_len) (big-endian, odd, bit length exactly
 * 1024, 1536 or 2048). NULL when the size is not supported, the modulus is
 * even, the CPU cannot run the kernel, or allocation failed. The result is
 * read-only and may be shared by threads.
 */
struct shim_ifma_mont *shim_ifma_mont_new(const uint8_t *mod, size_t mod_len);

/* Wipes and frees (NULL is fine). */
void shim_ifma_mont_free(struct shim_ifma_mont *m);

/* Modulus size in bytes (bit length / 8). */
size_t shim_ifma_mont_bytes(const struct shim_ifma_mont *m);

/*
 * out = base^exp mod m, constant time in base and exp: the exponent is
 * processed as exp_len * 8 bits whatever its value (fixed window). base has
 * shim_ifma_mont_bytes(m) bytes and must be < m; out has the same length
 * (may alias base). exp_len in [1, shim_ifma_mont_bytes(m)].
 * Returns 0, or -1 on a bad argument (nothing written then).
 */
int shim_ifma_modexp(const struct shim_ifma_mont *m, uint8_t *out, const uint8_t *base,
		     const uint8_t *exp, size_t exp_len);

/*
 * out = base^exp mod m for a PUBLIC exponent only (RSA's e): VARIABLE TIME
 * in the exponent, whose significant bits it walks left to right by square
 * and multiply (no window table; for e = 65537 about 20 multiplications
 * instead of about 60 for shim_ifma_modexp). Never pass a secret exponent.
 * The base and intermediate values still take a data-independent path.
 * Same arguments as shim_ifma_modexp: base < m, shim_ifma_mont_bytes(m)
 * bytes, big-endian; out may alias base; exp_len in [1,
 * shim_ifma_mont_bytes(m)] (leading zero bytes allowed; exp = 0 gives 1).
 * Returns 0, or -1 on a bad argument (nothing written then).
 */
int shim_ifma_modexp_pub(const struct shim_ifma_mont *m, uint8_t *out, const uint8_t *base,
			 const uint8_t *exp, size_t exp_len);

/*
 * Two independent exponentiations interleaved (the CRT halves of one RSA
 * private-key operation), each with the contract of shim_ifma_modexp. The
 * two moduli must have the same size (else -1); m1 == m2 is fine. Both
 * exponents are processed as max(exp1_len, exp2_len) * 8 bits. About 1.5x
 * the throughput of two shim_ifma_modexp calls on Zen 4 (bench_ifma). On -1
 * neither output is written.
 */
int shim_ifma_modexp_x2(const struct shim_ifma_mont *m1, uint8_t *out1, const uint8_t *base1,
			const uint8_t *exp1, size_t exp1_len,
			const struct shim_ifma_mont *m2, uint8_t *out2, const uint8_t *base2,
			const uint8_t *exp2, size_t exp2_len);


/*
 * Limb-level entries for the host's half of a device RSA operation
 * (accel_rsa_host: blinding, the CRT check, unblinding): the numbers stay in
 * the kernel's 52-bit limbs between products instead of a BIGNUM round trip
 * per product. Montgomery form here is x R mod m with R = 2^(52 n) (n = 20,
 * 30, 40 limbs), not BN's R. Every entry needs a modulus from
 * shim_ifma_mont_new (so only where shim_ifma_usable) and numbers < m unless
 * said otherwise; paths depend on no number's value.
 */
#define SHIM_IFMA_LIMBS 40
struct shim_ifma_num {
	_Alignas(64) uint64_t l[SHIM_IFMA_LIMBS];
};

/* x = be (shim_ifma_mont_bytes(m) bytes, big-endian); 0, or -1 (x zeroed) when be >= m. */
int shim_ifma_num_load(const struct shim_ifma_mont *m, struct shim_ifma_num *x, const uint8_t *be);
/* be = x, shim_ifma_mont_bytes(m) bytes, big-endian. */
void shim_ifma_num_store(const struct shim_ifma_mont *m, uint8_t *be, const struct shim_ifma_num *x);
/* r = a b R^-1 mod m (a Montgomery product), fully reduced; r may alias a or b. */
void shim_ifma_num_mul(const struct shim_ifma_mont *m, struct shim_ifma_num *r,
		       const struct shim_ifma_num *a, const struct shim_ifma_num *b);
/* r = x R mod m (into Montgomery form); r may alias x. */
void shim_ifma_num_to_mont(const struct shim_ifma_mont *m, struct shim_ifma_num *r,
			   const struct shim_ifma_num *x);
/* r = x^exp mod m for a PUBLIC exponent, as shim_ifma_modexp_pub; r may alias x. -1 on bad exp_len. */
int shim_ifma_num_pow_pub(const struct shim_ifma_mont *m, struct shim_ifma_num *r,
			  const struct shim_ifma_num *x, const uint8_t *exp, size_t exp_len);
/* a == b, in constant time. */
bool shim_ifma_num_equal(const struct shim_ifma_mont *m, const struct shim_ifma_num *a,
			 const struct shim_ifma_num *b);

#endif

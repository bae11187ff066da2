// SPDX-License-Identifier: Apache-2.0
/*
 * test_rsa_ifma.c - the AVX-512 IFMA modular exponentiation (src/rsa_ifma.c)
 * against libcrypto's BN_mod_exp as the reference, for 1024/1536/2048-bit odd
 * moduli: edge values, rejected arguments, aliasing, thousands of random
 * cases per size, the interleaved x2 entry point, and the variable-time
 * public-exponent entry (shim_ifma_modexp_pub).
 *
 * The kernel is internal to the library (only accel_* is exported), so it is
 * compiled into this program from its source. On a CPU without AVX-512 IFMA
 * (or a non-x86 build) it checks that every entry reports unusable, then
 * SKIPs. ACCEL_TEST_IFMA_SEED=<n> repeats a run; ACCEL_TEST_IFMA_CASES=<n>
 * sets the random cases per size (default 2000).
 */
#include "test_common.h"

#include <dlfcn.h>

#include "rsa_ifma.c"

typedef struct bignum_st BIGNUM;
typedef struct bignum_ctx BN_CTX;

static struct {
	BIGNUM *(*BN_new)(void);
	void (*BN_free)(BIGNUM *);
	BN_CTX *(*BN_CTX_new)(void);
	void (*BN_CTX_free)(BN_CTX *);
	BIGNUM *(*BN_bin2bn)(const unsigned char *, int, BIGNUM *);
	int (*BN_bn2binpad)(const BIGNUM *, unsigned char *, int);
	int (*BN_mod_exp)(BIGNUM *, const BIGNUM *, const BIGNUM *, const BIGNUM *, BN_CTX *);
} lc;
static BN_CTX *bn_ctx;

static uint64_t rng_state;

/* splitmix64: reproducible from the printed seed. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

static int load_libcrypto(void)
{
	void *h = dlopen("libcrypto.so.3", RTLD_NOW);

	if (!h)
		return -1;
#define LOAD(name)                                                                                \
	do {                                                                                      \
		*(void **)&lc.name = dlsym(h, #name);                                             \
		if (!lc.name)                                                                     \
			return -1;                                                                \
	} while (0)
	LOAD(BN_new);
	LOAD(BN_free);
	LOAD(BN_CTX_new);
	LOAD(BN_CTX_free);
	LOAD(BN_bin2bn);
	LOAD(BN_bn2binpad);
	LOAD(BN_mod_exp);
#undef LOAD
	bn_ctx = lc.BN_CTX_new();
	return bn_ctx ? 0 : -1;
}

/* out (len bytes) = base^exp mod m by libcrypto. */
static void ref_modexp(uint8_t *out, const uint8_t *m, const uint8_t *base, size_t len,
		       const uint8_t *exp, size_t exp_len)
{
	BIGNUM *bm = lc.BN_bin2bn(m, (int)len, NULL), *bb = lc.BN_bin2bn(base, (int)len, NULL);
	BIGNUM *be = lc.BN_bin2bn(exp, (int)exp_len, NULL), *br = lc.BN_new();

	REQUIRE(bm && bb && be && br, "BN allocation");
	REQUIRE(lc.BN_mod_exp(br, bb, be, bm, bn_ctx) == 1, "BN_mod_exp");
	REQUIRE(lc.BN_bn2binpad(br, out, (int)len) == (int)len, "BN_bn2binpad");
	lc.BN_free(bm);
	lc.BN_free(bb);
	lc.BN_free(be);
	lc.BN_free(br);
}

static void rnd_modulus(uint8_t *m, size_t len)
{
	rnd_bytes(m, len);
	m[0] |= 0x80;
	m[len - 1] |= 1;
}

/* A random base < m (m has its top bit set, so clearing base's top bit suffices). */
static void rnd_base(uint8_t *b, const uint8_t *m, size_t len)
{
	rnd_bytes(b, len);
	if (memcmp(b, m, len) >= 0)
		b[0] &= 0x7f;
}

static size_t rnd_exp(uint8_t *e, size_t len)
{
	size_t el = (rnd() & 1) ? len : 1 + rnd() % len;

	rnd_bytes(e, el);
	if (rnd() % 8 == 0)
		e[0] = 0; /* a leading zero byte: still exp_len * 8 bits processed */
	return el;
}

static int check_one(const struct shim_ifma_mont *mt, const uint8_t *m, const uint8_t *base,
		     size_t len, const uint8_t *exp, size_t exp_len, const char *what)
{
	uint8_t got[256], want[256];
	int rc = shim_ifma_modexp(mt, got, base, exp, exp_len);

	ref_modexp(want, m, base, len, exp, exp_len);
	CHECK(rc == 0, "%s: %zu-bit modexp returned %d", what, len * 8, rc);
	CHECK(memcmp(got, want, len) == 0, "%s: %zu-bit result differs from BN_mod_exp (exp_len %zu)",
	      what, len * 8, exp_len);
	return rc == 0 && memcmp(got, want, len) == 0 ? 0 : -1;
}

static void test_rejects(size_t len)
{
	uint8_t m[257], base[256], exp[257], out[256], out2[256], ff[256], sentinel[256];
	struct shim_ifma_mont *mt, *other;
	size_t other_len = len == 128 ? 192 : 128;

	rnd_modulus(m, len);
	mt = shim_ifma_mont_new(m, len);
	REQUIRE(mt, "mont_new(%zu-bit) failed", len * 8);
	CHECK(shim_ifma_mont_bytes(mt) == len, "mont_bytes %zu", shim_ifma_mont_bytes(mt));

	m[len - 1] &= 0xfe; /* even */
	CHECK(shim_ifma_mont_new(m, len) == NULL, "even %zu-bit modulus accepted", len * 8);
	m[len - 1] |= 1;
	m[0] &= 0x7f; /* one bit short */
	CHECK(shim_ifma_mont_new(m, len) == NULL, "%zu-bit modulus accepted as %zu", len * 8 - 1,
	      len * 8);
	m[0] |= 0x80;
	CHECK(shim_ifma_mont_new(m, len - 1) == NULL, "%zu-byte modulus accepted", len - 1);
	CHECK(shim_ifma_mont_new(m, len + 1) == NULL, "%zu-byte modulus accepted", len + 1);
	CHECK(shim_ifma_mont_new(m, 64) == NULL, "512-bit modulus accepted");
	CHECK(shim_ifma_mont_new(m, 384) == NULL, "3072-bit modulus accepted");
	CHECK(shim_ifma_mont_new(NULL, len) == NULL, "NULL modulus accepted");

	memset(sentinel, 0xA5, sizeof(sentinel));
	rnd_bytes(exp, len);
	/* base = m and base = 2^(8 len) - 1 are >= m. */
	memcpy(base, m, len);
	memcpy(out, sentinel, len);
	CHECK_RC(shim_ifma_modexp(mt, out, base, exp, len), -1);
	CHECK(memcmp(out, sentinel, len) == 0, "output written on base == m");
	memset(base, 0xff, len);
	CHECK_RC(shim_ifma_modexp(mt, out, base, exp, len), -1);
	CHECK(memcmp(out, sentinel, len) == 0, "output written on base > m");
	rnd_base(base, m, len);
	CHECK_RC(shim_ifma_modexp(mt, out, base, exp, 0), -1);
	CHECK_RC(shim_ifma_modexp(mt, out, base, exp, len + 1), -1);
	CHECK_RC(shim_ifma_modexp(NULL, out, base, exp, len), -1);
	CHECK_RC(shim_ifma_modexp(mt, NULL, base, exp, len), -1);
	CHECK_RC(shim_ifma_modexp(mt, out, NULL, exp, len), -1);
	CHECK_RC(shim_ifma_modexp(mt, out, base, NULL, len), -1);
	CHECK(memcmp(out, sentinel, len) == 0, "output written on a rejected call");

	/* x2: sizes must match; one bad half rejects both, writing neither. */
	rnd_modulus(m, other_len);
	other = shim_ifma_mont_new(m, other_len);
	REQUIRE(other, "mont_new(%zu-bit) failed", other_len * 8);
	memcpy(out2, sentinel, len);
	CHECK_RC(shim_ifma_modexp_x2(mt, out, base, exp, len, other, out2, base, exp, 1), -1);
	memset(ff, 0xff, len);
	CHECK_RC(shim_ifma_modexp_x2(mt, out, base, exp, len, mt, out2, ff, exp, len), -1);
	CHECK_RC(shim_ifma_modexp_x2(mt, out, base, exp, len, mt, out2, base, exp, 0), -1);
	CHECK_RC(shim_ifma_modexp_x2(mt, out, base, exp, len, NULL, out2, base, exp, len), -1);
	CHECK(memcmp(out, sentinel, len) == 0, "x2 wrote out1 on a rejected call");
	CHECK(memcmp(out2, sentinel, len) == 0, "x2 wrote out2 on a rejected call");
	shim_ifma_mont_free(other);
	shim_ifma_mont_free(mt);
	shim_ifma_mont_free(NULL);
}

static void test_edges(size_t len)
{
	uint8_t m[256], base[256], exp[256], got[256], want[256];
	struct shim_ifma_mont *mt;

	rnd_modulus(m, len);
	mt = shim_ifma_mont_new(m, len);
	REQUIRE(mt, "mont_new");
	for (int b = 0; b < 4; b++) {
		switch (b) {
		case 0: /* 0 */
			memset(base, 0, len);
			break;
		case 1: /* 1 */
			memset(base, 0, len);
			base[len - 1] = 1;
			break;
		case 2: /* m - 1 (m odd: clear the last bit) */
			memcpy(base, m, len);
			base[len - 1] &= 0xfe;
			break;
		default:
			rnd_base(base, m, len);
		}
		/* exponent 0, as 1 byte and as len zero bytes */
		memset(exp, 0, len);
		check_one(mt, m, base, len, exp, 1, "exp 0 (1 byte)");
		check_one(mt, m, base, len, exp, len, "exp 0 (full length)");
		/* exponent 1 */
		exp[0] = 1;
		check_one(mt, m, base, len, exp, 1, "exp 1 (1 byte)");
		exp[0] = 0;
		exp[len - 1] = 1;
		check_one(mt, m, base, len, exp, len, "exp 1 (full length)");
		/* exp = 2, 3, 31, 32, 33 (window boundaries), leading zero bytes */
		for (unsigned v = 2; v < 70; v += (v < 40 ? 1 : 29)) {
			exp[len - 1] = (uint8_t)v;
			check_one(mt, m, base, len, exp, len, "small exp, leading zeros");
			check_one(mt, m, base, len, exp + len - 1, 1, "small exp, 1 byte");
		}
		/* all ones, full and short */
		memset(exp, 0xff, len);
		check_one(mt, m, base, len, exp, len, "exp all ones");
		check_one(mt, m, base, len, exp, len / 2 + 1, "exp all ones, short");
		/* the exponent's length in bits mod 5 = 0..4: 5 consecutive lengths */
		rnd_bytes(exp, len);
		for (size_t el = 5; el < 10; el++)
			check_one(mt, m, base, len, exp, el, "exp lengths mod 5");
	}
	/* aliasing: out == base */
	rnd_base(base, m, len);
	rnd_bytes(exp, len);
	ref_modexp(want, m, base, len, exp, len);
	memcpy(got, base, len);
	CHECK_RC(shim_ifma_modexp(mt, got, got, exp, len), 0);
	CHECK(memcmp(got, want, len) == 0, "out == base: wrong result");
	/* modulus 2^(8 len) - 1 (odd, all limbs full) and 2^(8 len - 1) + 1 */
	shim_ifma_mont_free(mt);
	for (int k = 0; k < 2; k++) {
		memset(m, k ? 0 : 0xff, len);
		m[0] |= 0x80;
		m[len - 1] |= 1;
		mt = shim_ifma_mont_new(m, len);
		REQUIRE(mt, "mont_new special modulus");
		rnd_base(base, m, len);
		rnd_bytes(exp, len);
		check_one(mt, m, base, len, exp, len, "special modulus");
		memcpy(base, m, len);
		base[len - 1] &= 0xfe;
		check_one(mt, m, base, len, exp, len, "special modulus, base m - 1");
		shim_ifma_mont_free(mt);
	}
}

static void test_random(size_t len, unsigned cases)
{
	uint8_t m[256], base[256], exp[256];
	struct shim_ifma_mont *mt = NULL;
	unsigned bad = 0;

	for (unsigned i = 0; i < cases && bad < 5; i++) {
		if (i % 16 == 0) {
			shim_ifma_mont_free(mt);
			rnd_modulus(m, len);
			mt = shim_ifma_mont_new(m, len);
			REQUIRE(mt, "mont_new");
		}
		rnd_base(base, m, len);
		bad += check_one(mt, m, base, len, exp, rnd_exp(exp, len), "random") != 0;
	}
	shim_ifma_mont_free(mt);
}

static void test_x2(size_t len, unsigned cases)
{
	uint8_t m1[256], m2[256], b1[256], b2[256], e1[256], e2[256];
	uint8_t g1[256], g2[256], w1[256], w2[256];
	struct shim_ifma_mont *mt1 = NULL, *mt2 = NULL;
	unsigned bad = 0;

	for (unsigned i = 0; i < cases && bad < 5; i++) {
		size_t el1, el2;
		int rc;

		if (i % 16 == 0) {
			shim_ifma_mont_free(mt1);
			shim_ifma_mont_free(mt2);
			rnd_modulus(m1, len);
			rnd_modulus(m2, len);
			mt1 = shim_ifma_mont_new(m1, len);
			mt2 = shim_ifma_mont_new(m2, len);
			REQUIRE(mt1 && mt2, "mont_new");
		}
		rnd_base(b1, m1, len);
		rnd_base(b2, m2, len);
		el1 = rnd_exp(e1, len);
		el2 = rnd_exp(e2, len);
		if (i % 4 == 3) { /* the same modulus twice, out2 aliasing base2 */
			memcpy(g2, b1, len);
			rc = shim_ifma_modexp_x2(mt1, g1, b1, e1, el1, mt1, g2, g2, e2, el2);
			ref_modexp(w2, m1, b1, len, e2, el2);
		} else {
			rc = shim_ifma_modexp_x2(mt1, g1, b1, e1, el1, mt2, g2, b2, e2, el2);
			ref_modexp(w2, m2, b2, len, e2, el2);
		}
		ref_modexp(w1, m1, b1, len, e1, el1);
		CHECK(rc == 0, "x2 returned %d", rc);
		CHECK(memcmp(g1, w1, len) == 0, "x2 first result differs (%zu-bit, exp_len %zu/%zu)",
		      len * 8, el1, el2);
		CHECK(memcmp(g2, w2, len) == 0, "x2 second result differs (%zu-bit, exp_len %zu/%zu)",
		      len * 8, el1, el2);
		bad += rc != 0 || memcmp(g1, w1, len) != 0 || memcmp(g2, w2, len) != 0;
	}
	shim_ifma_mont_free(mt1);
	shim_ifma_mont_free(mt2);
}

static int check_pub(const struct shim_ifma_mont *mt, const uint8_t *m, const uint8_t *base,
		     size_t len, const uint8_t *exp, size_t exp_len, const char *what)
{
	uint8_t got[256], want[256];
	int rc = shim_ifma_modexp_pub(mt, got, base, exp, exp_len);

	ref_modexp(want, m, base, len, exp, exp_len);
	CHECK(rc == 0, "pub %s: %zu-bit modexp returned %d", what, len * 8, rc);
	CHECK(memcmp(got, want, len) == 0,
	      "pub %s: %zu-bit result differs from BN_mod_exp (exp_len %zu)", what, len * 8,
	      exp_len);
	return rc == 0 && memcmp(got, want, len) == 0 ? 0 : -1;
}

/*
 * shim_ifma_modexp_pub (square-and-multiply over the exponent's significant
 * bits): RSA's usual public exponents, a random odd 32-bit one, full-length
 * ones, edge bases and exponents, aliasing and argument rejection.
 */
static void test_pub(size_t len, unsigned cases)
{
	static const uint8_t e3[] = { 3 }, e17[] = { 17 }, e65537[] = { 0x01, 0x00, 0x01 };
	uint8_t m[256], base[256], exp[256], got[256], want[256], out[256], sentinel[256];
	struct shim_ifma_mont *mt = NULL;
	unsigned bad = 0;

	for (unsigned i = 0; i < cases && bad < 5; i++) {
		if (i % 16 == 0) {
			shim_ifma_mont_free(mt);
			rnd_modulus(m, len);
			mt = shim_ifma_mont_new(m, len);
			REQUIRE(mt, "mont_new");
		}
		rnd_base(base, m, len);
		bad += check_pub(mt, m, base, len, e3, sizeof(e3), "e = 3") != 0;
		bad += check_pub(mt, m, base, len, e17, sizeof(e17), "e = 17") != 0;
		bad += check_pub(mt, m, base, len, e65537, sizeof(e65537), "e = 65537") != 0;
		rnd_bytes(exp, 4); /* a random odd 32-bit exponent, top bit set */
		exp[0] |= 0x80;
		exp[3] |= 1;
		bad += check_pub(mt, m, base, len, exp, 4, "random 32-bit odd e") != 0;
		if (i % 8 == 0) { /* full length (as long as m): 8 len squarings, slower */
			rnd_bytes(exp, len);
			bad += check_pub(mt, m, base, len, exp, len, "full-length e") != 0;
		}
		if (i % 8 == 1) { /* random length with leading zero bytes */
			size_t el = rnd_exp(exp, len);

			bad += check_pub(mt, m, base, len, exp, el, "random e") != 0;
		}
	}

	/* Edge bases (0, 1, m - 1) and exponents (0, 1, 2, 65537 with leading zero bytes). */
	for (int b = 0; b < 3; b++) {
		memset(base, 0, len);
		if (b == 1)
			base[len - 1] = 1;
		if (b == 2) {
			memcpy(base, m, len);
			base[len - 1] &= 0xfe;
		}
		memset(exp, 0, len);
		check_pub(mt, m, base, len, exp, 1, "exp 0 (1 byte)");
		check_pub(mt, m, base, len, exp, len, "exp 0 (full length)");
		exp[len - 1] = 1;
		check_pub(mt, m, base, len, exp, len, "exp 1, leading zeros");
		check_pub(mt, m, base, len, exp + len - 1, 1, "exp 1");
		exp[len - 1] = 2;
		check_pub(mt, m, base, len, exp + len - 1, 1, "exp 2");
		exp[len - 3] = 1;
		exp[len - 1] = 1;
		check_pub(mt, m, base, len, exp, len, "e = 65537, leading zeros");
		memset(exp, 0xff, len);
		check_pub(mt, m, base, len, exp, len, "exp all ones");
	}

	/* Aliasing: out == base. */
	rnd_base(base, m, len);
	ref_modexp(want, m, base, len, e65537, sizeof(e65537));
	memcpy(got, base, len);
	CHECK_RC(shim_ifma_modexp_pub(mt, got, got, e65537, sizeof(e65537)), 0);
	CHECK(memcmp(got, want, len) == 0, "pub out == base: wrong result");

	/* Rejected arguments write nothing. */
	memset(sentinel, 0xA5, sizeof(sentinel));
	memcpy(out, sentinel, len);
	memcpy(base, m, len); /* base == m */
	CHECK_RC(shim_ifma_modexp_pub(mt, out, base, e65537, sizeof(e65537)), -1);
	memset(base, 0xff, len); /* base > m */
	CHECK_RC(shim_ifma_modexp_pub(mt, out, base, e65537, sizeof(e65537)), -1);
	rnd_base(base, m, len);
	memset(exp, 0, len);
	exp[len - 1] = 3;
	CHECK_RC(shim_ifma_modexp_pub(mt, out, base, exp, 0), -1);
	CHECK_RC(shim_ifma_modexp_pub(mt, out, base, exp, len + 1), -1);
	CHECK_RC(shim_ifma_modexp_pub(NULL, out, base, e3, 1), -1);
	CHECK_RC(shim_ifma_modexp_pub(mt, NULL, base, e3, 1), -1);
	CHECK_RC(shim_ifma_modexp_pub(mt, out, NULL, e3, 1), -1);
	CHECK_RC(shim_ifma_modexp_pub(mt, out, base, NULL, 1), -1);
	CHECK(memcmp(out, sentinel, len) == 0, "pub wrote its output on a rejected call");
	shim_ifma_mont_free(mt);

	/* Moduli with all limbs full and with a sparse top. */
	for (int k = 0; k < 2; k++) {
		memset(m, k ? 0 : 0xff, len);
		m[0] |= 0x80;
		m[len - 1] |= 1;
		mt = shim_ifma_mont_new(m, len);
		REQUIRE(mt, "mont_new special modulus");
		rnd_base(base, m, len);
		check_pub(mt, m, base, len, e65537, sizeof(e65537), "special modulus");
		memcpy(base, m, len);
		base[len - 1] &= 0xfe;
		check_pub(mt, m, base, len, e65537, sizeof(e65537), "special modulus, base m - 1");
		shim_ifma_mont_free(mt);
	}
}

int main(void)
{
	static const size_t sizes[] = { 128, 192, 256 };
	const char *env = getenv("ACCEL_TEST_IFMA_SEED");
	unsigned cases = getenv("ACCEL_TEST_IFMA_CASES") ?
				 (unsigned)strtoul(getenv("ACCEL_TEST_IFMA_CASES"), NULL, 0) :
				 2000;
	uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	uint8_t m[256], b[256] = { 0 }, e[1] = { 3 }, out[256];

	t_name = "rsa_ifma";
	rng_state = seed;
#if defined(__x86_64__)
	/* A CPU that has IFMA must run the tests, not skip them (CPUID cross-check). */
	__builtin_cpu_init();
	CHECK(shim_ifma_usable() == (__builtin_cpu_supports("avx512ifma") &&
				     __builtin_cpu_supports("avx512vl") &&
				     __builtin_cpu_supports("avx512bw")),
	      "shim_ifma_usable() %d disagrees with the compiler's CPU model", shim_ifma_usable());
#endif
	if (!shim_ifma_usable()) {
		/* Every entry must say so rather than compute. */
		rnd_modulus(m, 256);
		CHECK(shim_ifma_mont_new(m, 256) == NULL, "mont_new succeeded without IFMA");
		CHECK_RC(shim_ifma_modexp(NULL, out, b, e, 1), -1);
		CHECK_RC(shim_ifma_modexp_x2(NULL, out, b, e, 1, NULL, out, b, e, 1), -1);
		CHECK_RC(shim_ifma_modexp_pub(NULL, out, b, e, 1), -1);
		CHECK(shim_ifma_mont_bytes(NULL) == 0, "mont_bytes(NULL)");
		if (t_failures)
			return t_done();
		printf("SKIP %s: this CPU (or architecture) lacks AVX-512 IFMA; the entries report "
		       "unusable as they must\n",
		       t_name);
		return 77;
	}
	REQUIRE(load_libcrypto() == 0, "libcrypto.so.3 (the reference) cannot be loaded: %s",
		dlerror() ? dlerror() : "missing symbol");
	printf("# seed %llu (ACCEL_TEST_IFMA_SEED), %u random cases per size\n",
	       (unsigned long long)seed, cases);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		test_rejects(sizes[i]);
		test_edges(sizes[i]);
		test_random(sizes[i], cases);
		test_x2(sizes[i], cases / 4);
		test_pub(sizes[i], cases / 4);
	}
	lc.BN_CTX_free(bn_ctx);
	return t_done();
}

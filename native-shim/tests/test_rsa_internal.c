// SPDX-License-Identifier: Apache-2.0
/*
 * White-box test of the RSA kernel: this program compiles
 * src/crypto_libcrypto.c into itself with SHIM_RSA_TEST_HOOKS (the shipped
 * library has no hooks) and checks what the public API cannot show:
 *   - a protecting session (cpu) blinds every private operation and draws a
 *     fresh blinding pair every RSA_BLIND_REFRESH uses, RSA_BLIND_STOCK
 *     fresh pairs per inversion, and stays right across stock refills; an
 *     unprotected one (emu) does neither;
 *   - a fault injected into the CRT result before the check gives ACCEL_EIO
 *     and writes nothing when protecting, and a wrong result otherwise;
 *   - the kernel each key size gets (IFMA for 1024/1536/2048-bit primes
 *     where the CPU runs it, else x2 for 1024-bit primes when libcrypto
 *     exports BN_mod_exp_mont_consttime_x2, else BN), and that every kernel
 *     forced with ACCEL_SHIM_RSA_KERNEL gives the reference's results.
 */
#define SHIM_RSA_TEST_HOOKS 1
#include "crypto_libcrypto.c"
#include "rsa_ifma.c"

#include "test_rsa_common.h"

void shim_copy_reason(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

static struct shim_rsa *new_rsa(const struct t_rsa_key_bytes *k, bool protect)
{
	struct accel_rsa_key key = t_rsa_key(k, true);
	struct shim_rsa *rsa = NULL;
	uint32_t bits = 0;

	REQUIRE(shim_rsa_new(&key, protect, &rsa, &bits) == ACCEL_OK && rsa && bits == k->bits,
		"shim_rsa_new(rsa%u)", k->bits);
	return rsa;
}

/* n private operations on random inputs; returns how many matched the reference. */
static int run_ops(struct shim_rsa *rsa, const struct t_rsa_key_bytes *k, int n, unsigned *seed)
{
	uint8_t in[512], out[512], want[512];
	int good = 0;

	for (int i = 0; i < n; i++) {
		t_rsa_random_input(k, in, seed);
		t_bn_modexp(k, in, true, want);
		if (shim_rsa_op(rsa, true, in, out, k->n_len) == ACCEL_OK &&
		    !memcmp(out, want, k->n_len))
			good++;
	}
	return good;
}

static void blinding(const struct t_rsa_key_bytes *k, unsigned *seed)
{
	struct shim_rsa *rsa = new_rsa(k, true);
	unsigned b0 = atomic_load(&shim_rsa_test_blinded), f0 = atomic_load(&shim_rsa_test_fresh);
	unsigned i0 = atomic_load(&shim_rsa_test_inversions);
	int good = run_ops(rsa, k, 100, seed);

	CHECK(good == 100, "rsa%u protected: %d of 100 right", k->bits, good);
	CHECK(atomic_load(&shim_rsa_test_blinded) - b0 == 100, "rsa%u: %u of 100 blinded", k->bits,
	      atomic_load(&shim_rsa_test_blinded) - b0);
	/* fresh pairs at uses 1, 33, 65, 97, all four from the first batch */
	CHECK(atomic_load(&shim_rsa_test_fresh) - f0 == 4, "rsa%u: %u fresh pairs, want 4", k->bits,
	      atomic_load(&shim_rsa_test_fresh) - f0);
	CHECK(atomic_load(&shim_rsa_test_inversions) - i0 == 1, "rsa%u: %u inversions, want 1",
	      k->bits, atomic_load(&shim_rsa_test_inversions) - i0);
	if (k->bits == 1024) {
		/*
		 * Past one whole stock: every pair of the first batch (pairs 2..16 came
		 * out of the stock, each with its own inverse from the walk back) and
		 * the first of a second batch. A wrong inverse gives a wrong result.
		 */
		int more = (int)(RSA_BLIND_STOCK * RSA_BLIND_REFRESH) + 1 - 100;

		good = run_ops(rsa, k, more, seed);
		CHECK(good == more, "rsa%u across a stock refill: %d of %d right", k->bits, good, more);
		CHECK(atomic_load(&shim_rsa_test_fresh) - f0 == RSA_BLIND_STOCK + 1,
		      "rsa%u: %u fresh pairs, want %u", k->bits, atomic_load(&shim_rsa_test_fresh) - f0,
		      RSA_BLIND_STOCK + 1);
		CHECK(atomic_load(&shim_rsa_test_inversions) - i0 == 2, "rsa%u: %u inversions, want 2",
		      k->bits, atomic_load(&shim_rsa_test_inversions) - i0);
	}
	shim_rsa_free(rsa);

	rsa = new_rsa(k, false);
	b0 = atomic_load(&shim_rsa_test_blinded);
	f0 = atomic_load(&shim_rsa_test_fresh);
	good = run_ops(rsa, k, 10, seed);
	CHECK(good == 10, "rsa%u unprotected: %d of 10 right", k->bits, good);
	CHECK(atomic_load(&shim_rsa_test_blinded) == b0 && atomic_load(&shim_rsa_test_fresh) == f0,
	      "rsa%u: an unprotected session blinded", k->bits);
	shim_rsa_free(rsa);
}

static void fault(const struct t_rsa_key_bytes *k, bool protect, unsigned *seed)
{
	struct shim_rsa *rsa = new_rsa(k, protect);
	uint8_t in[512], out[512], want[512];
	int rc;

	t_rsa_random_input(k, in, seed);
	t_bn_modexp(k, in, true, want);
	memset(out, 0x5c, sizeof(out));
	atomic_store(&shim_rsa_test_corrupt, 1);
	rc = shim_rsa_op(rsa, true, in, out, k->n_len);
	CHECK(atomic_load(&shim_rsa_test_corrupt) == 0, "the fault was not injected");
	if (protect) {
		CHECK(rc == ACCEL_EIO, "rsa%u: faulty CRT result not refused: %d", k->bits, rc);
		for (uint32_t i = 0; i < k->n_len; i++)
			if (out[i] != 0x5c) {
				CHECK(0, "rsa%u: bytes released on a refused result", k->bits);
				break;
			}
	} else {
		CHECK(rc == ACCEL_OK && memcmp(out, want, k->n_len),
		      "rsa%u unprotected: want an unchecked wrong result, rc %d", k->bits, rc);
	}
	CHECK(run_ops(rsa, k, 2, seed) == 2, "rsa%u: operations after the fault", k->bits);
	shim_rsa_free(rsa);
}

int main(void)
{
	unsigned seed = (unsigned)time(NULL);
	char reason[160];

	t_name = "rsa_internal";
	if (shim_crypto_load(reason, sizeof(reason))) {
		printf("SKIP %s: %s\n", t_name, reason);
		return 77;
	}
	REQUIRE(t_bn_load(), "libcrypto present for the shim but not for the reference");
	printf("  rsa_internal: seed %u, BN_mod_exp_mont_consttime_x2 %s\n", seed,
	       lc_opt.BN_mod_exp_mont_consttime_x2 ? "present" : "absent");
	blinding(&t_rsa_keys[0], &seed);
	blinding(&t_rsa_keys[1], &seed);
	for (size_t i = 0; i < T_NKEYS; i++) {
		fault(&t_rsa_keys[i], true, &seed);
		fault(&t_rsa_keys[i], false, &seed);
	}
	for (size_t i = 0; i < T_NKEYS; i++) {
		const struct t_rsa_key_bytes *k = &t_rsa_keys[i];
		struct shim_rsa *rsa = new_rsa(k, true);
		enum rsa_kernel want = RSA_K_BN;

		if (k->bits == 2048 && lc_opt.BN_mod_exp_mont_consttime_x2)
			want = RSA_K_X2;
		if ((k->bits == 3072 || k->bits == 4096 || (k->bits == 2048 && RSA_IFMA_1024)) &&
		    shim_ifma_usable())
			want = RSA_K_IFMA;
		CHECK(rsa->kernel == want, "rsa%u: kernel %d, want %d", k->bits, rsa->kernel, want);
		shim_rsa_free(rsa);
	}
	/* every kernel, forced, protected and not */
	static const char *const forced[] = { "bn", "x2", "ifma" };
	for (size_t f = 0; f < 3; f++) {
		setenv("ACCEL_SHIM_RSA_KERNEL", forced[f], 1);
		for (size_t i = 1; i < T_NKEYS; i++) {
			const struct t_rsa_key_bytes *k = &t_rsa_keys[i];

			for (int protect = 0; protect < 2; protect++) {
				struct shim_rsa *rsa = new_rsa(k, protect);
				int good = run_ops(rsa, k, 2, &seed);

				CHECK(good == 2, "rsa%u kernel %d (forced %s), protect %d: %d of 2 right",
				      k->bits, rsa->kernel, forced[f], protect, good);
				if (f == 2 && shim_ifma_usable() && k->bits != 2056)
					CHECK(rsa->kernel == RSA_K_IFMA, "rsa%u: forced ifma: %d",
					      k->bits, rsa->kernel);
				shim_rsa_free(rsa);
			}
		}
	}
	unsetenv("ACCEL_SHIM_RSA_KERNEL");
	printf("  rsa_internal: IFMA kernel %s\n", shim_ifma_usable() ? "usable" : "not usable");
	return t_done();
}

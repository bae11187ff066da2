// SPDX-License-Identifier: Apache-2.0
/*
 * RSA at every kernel's size: 1024, 2048 (1024-bit primes: the x2 / IFMA
 * path), 2056 (1028-bit primes: the plain BN path), 3072 and 4096 (1536- and
 * 2048-bit primes), on the cpu and emu backends. Private (CRT) and public
 * results of random inputs equal libcrypto's plain BN_mod_exp with d and e.
 * The cpu device advertises ACCEL_RSA_BLINDS_AND_VERIFIES and answers
 * ACCEL_EIO for a key whose dp is wrong (the CRT check, Bellcore); emu does
 * neither: it returns the wrong value and leaves the check to the caller.
 * More than 2 x 32 private operations on one cpu session cross the blinding
 * pair's refresh from fresh randomness twice, every result still right.
 */
#include "test_rsa_common.h"

static void one_key(accel_queue *q, uint32_t backend, const struct t_rsa_key_bytes *k, int n,
		    unsigned *seed)
{
	struct accel_rsa_key key = t_rsa_key(k, true), pub = t_rsa_key(k, false);
	uint8_t in[512], out[512], want[512];
	uint64_t s = 0, sp = 0;
	uint32_t len = 0;

	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s), ACCEL_OK);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &pub, sizeof(pub), &sp), ACCEL_OK);
	for (int i = 0; i < n; i++) {
		struct accel_desc d = { .session = s, .op = ACCEL_OP_RSA_PRIV_CRT, .src = in,
					.src_len = k->n_len, .dst = out, .dst_len = k->n_len };
		struct accel_cqe c;

		t_rsa_random_input(k, in, seed);
		if (i == 0)
			memset(in, 0, k->n_len);	/* 0 and 1 are fixed points */
		if (i == 1) {
			memset(in, 0, k->n_len);
			in[k->n_len - 1] = 1;
		}
		t_bn_modexp(k, in, true, want);
		memset(out, 0xaa, sizeof(out));
		REQUIRE(t_run(q, &d, 1, &c) == 0, "rsa%u private %d", k->bits, i);
		CHECK(c.status == 0 && c.out_len == k->n_len && !memcmp(out, want, k->n_len),
		      "%s rsa%u private %d: status %d", t_backend_name(backend), k->bits, i, c.status);
		t_bn_modexp(k, in, false, want);
		d.op = ACCEL_OP_RSA_PUB;
		d.session = (i & 1) ? sp : s;
		REQUIRE(t_run(q, &d, 1, &c) == 0, "rsa%u public %d", k->bits, i);
		CHECK(c.status == 0 && c.out_len == k->n_len && !memcmp(out, want, k->n_len),
		      "%s rsa%u public %d: status %d", t_backend_name(backend), k->bits, i, c.status);
	}
	if (backend == ACCEL_BACKEND_CPU) {	/* the synchronous path gives the same answers */
		struct accel_desc d = { .session = s, .op = ACCEL_OP_RSA_PRIV_CRT, .src = in,
					.src_len = k->n_len, .dst = out, .dst_len = k->n_len };

		t_rsa_random_input(k, in, seed);
		t_bn_modexp(k, in, true, want);
		CHECK_RC(accel_execute(q, &d, &len), ACCEL_OK);
		CHECK(len == k->n_len && !memcmp(out, want, k->n_len), "rsa%u execute", k->bits);
	}
	CHECK_RC(accel_session_destroy(q, s), ACCEL_OK);
	CHECK_RC(accel_session_destroy(q, sp), ACCEL_OK);
}

/* dp with its lowest bit flipped: p q == n still holds, so only the result can tell. */
static void bad_dp(accel_queue *q, uint32_t backend, const struct t_rsa_key_bytes *k,
		   unsigned *seed)
{
	struct accel_rsa_key key = t_rsa_key(k, true);
	uint8_t dp[512], in[512], out[512], want[512];
	struct accel_desc d = { .op = ACCEL_OP_RSA_PRIV_CRT, .src = in, .src_len = k->n_len,
				.dst = out, .dst_len = k->n_len };
	struct accel_cqe c;
	uint64_t s = 0;

	memcpy(dp, k->dp, k->dp_len);
	dp[k->dp_len - 1] ^= 1;
	key.dp.data = dp;
	REQUIRE(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s) == 0,
		"session with a wrong dp");
	d.session = s;
	t_rsa_random_input(k, in, seed);
	t_bn_modexp(k, in, true, want);
	memset(out, 0x5c, sizeof(out));
	REQUIRE(t_run(q, &d, 1, &c) == 0, "bad dp");
	if (backend == ACCEL_BACKEND_CPU) {
		CHECK(c.status == ACCEL_EIO, "cpu: a faulty CRT result was not refused: %d", c.status);
		for (uint32_t i = 0; i < k->n_len; i++)
			if (out[i] != 0x5c) {
				CHECK(0, "cpu: bytes written to dst on a refused result");
				break;
			}
	} else {
		CHECK(c.status == ACCEL_OK && memcmp(out, want, k->n_len),
		      "emu: expected an unchecked wrong result, status %d", c.status);
	}
	CHECK_RC(accel_session_destroy(q, s), ACCEL_OK);
}

static void run(uint32_t backend, unsigned seed)
{
	accel_dev *dev = t_open(backend, ACCEL_PROFILE_FAST, 0);
	accel_queue *q = t_queue(dev, 8);
	struct accel_caps caps;

	REQUIRE(t_bn_load(), "libcrypto present for the shim but not for the reference");
	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_OK);
	if (backend == ACCEL_BACKEND_CPU)
		CHECK(caps.rsa_flags & ACCEL_RSA_BLINDS_AND_VERIFIES, "cpu: flag missing");
	else
		CHECK(!(caps.rsa_flags & ACCEL_RSA_BLINDS_AND_VERIFIES), "emu: flag set");
	for (size_t i = 0; i < T_NKEYS; i++) {
		const struct t_rsa_key_bytes *k = &t_rsa_keys[i];

		/* fewer of the slow sizes: qemu (check-aarch64) and ASan multiply the cost */
		one_key(q, backend, k, k->bits <= 2048 ? 6 : 3, &seed);
		if (k->bits == 1024 || k->bits == 2056 || k->bits == 3072)
			bad_dp(q, backend, k, &seed);
	}
	if (backend == ACCEL_BACKEND_CPU)	/* > 2 x RSA_BLIND_REFRESH on one session */
		one_key(q, backend, &t_rsa_keys[0], 70, &seed);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

int main(void)
{
	unsigned seed = (unsigned)time(NULL);

	t_name = "rsa_sizes";
	printf("  rsa_sizes: seed %u\n", seed);
	run(ACCEL_BACKEND_CPU, seed);
	run(ACCEL_BACKEND_EMU, seed + 1);
	return t_done();
}

// SPDX-License-Identifier: Apache-2.0
/*
 * accel_rsa_host (cpu backend): the host's half of a private-key operation
 * that a device computes unprotected. Blinding, the device's exponentiation
 * of the blinded value, then the checked unblinding give the known answer,
 * across the 32-use refresh of the blinding chain; every blind draws a new
 * pair; a faulty device result (one bit flipped, or >= n) is refused with
 * EIO and releases nothing; bad arguments are EINVAL and write nothing; other
 * backends answer ENOTSUP. All of it twice: on the IFMA kernel's limbs where
 * the CPU runs it, and forced onto libcrypto BN (ACCEL_SHIM_RSA_KERNEL=bn).
 */
#define _DEFAULT_SOURCE /* setenv, unsetenv under -std=c11 */
#include <stdbool.h>

#include "rsa_key_1024.h"
#include "test_common.h"

#define K 128

static bool untouched(const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (b[i] != 0xa5)
			return false;
	return true;
}

/* The cpu backend's accel_rsa_host on sessions made with ACCEL_SHIM_RSA_KERNEL = kernel (or unset). */
static void cpu_host(const char *kernel)
{
	accel_dev *dev;
	accel_queue *q;
	struct accel_rsa_key key = t_rsa1024();
	uint8_t bl[2 * K + 5], first[K], in[3 * K], out[K + 3], big[K];
	uint64_t s = 0;

	if (kernel)
		setenv("ACCEL_SHIM_RSA_KERNEL", kernel, 1);
	else
		unsetenv("ACCEL_SHIM_RSA_KERNEL");
	printf("  rsa_host: kernel %s\n", kernel ? kernel : "default (IFMA where usable)");
	dev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	q = t_queue(dev, 8);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s), ACCEL_OK);
	for (int round = 0; round < 70; round++) {	/* crosses two fresh-randomness refreshes */
		CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_BLIND, rsa_m, 0, K, bl, 5, 2 * K),
			 ACCEL_OK);
		CHECK(memcmp(bl + 5, rsa_m, K) != 0, "round %d: blinded input equals the input", round);
		if (round == 0)
			memcpy(first, bl + 5, K);
		else
			CHECK(memcmp(first, bl + 5, K) != 0, "round %d reused the first pair", round);
		/* the "device": c'^d mod n (the cpu engine's own CRT path) */
		CHECK_RC(accel_execute_rsa(q, s, ACCEL_OP_RSA_PRIV_CRT, bl, 5, K, in, 0, K), ACCEL_OK);
		memcpy(in + K, bl + 5, 2 * K);
		memset(out, 0xa5, sizeof(out));
		CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_UNBLIND, in, 0, 3 * K, out, 3, K),
			 ACCEL_OK);
		CHECK(!memcmp(out + 3, rsa_m_priv, K), "round %d: unblinded result is m^d", round);
		CHECK(untouched(out, 3), "round %d: wrote before dst", round);
	}

	/* a faulty device result: one bit off, or not below n */
	in[K - 1] ^= 1;
	memset(out, 0xa5, sizeof(out));
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_UNBLIND, in, 0, 3 * K, out, 0, K), ACCEL_EIO);
	in[K - 1] ^= 1;
	memcpy(big, in, K);
	memset(in, 0xff, K);
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_UNBLIND, in, 0, 3 * K, out, 0, K), ACCEL_EIO);
	memcpy(in, big, K);
	/* the check compares with c': a result for another input is refused too */
	in[K + K - 1] ^= 1;
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_UNBLIND, in, 0, 3 * K, out, 0, K), ACCEL_EIO);
	in[K + K - 1] ^= 1;
	CHECK(untouched(out, sizeof(out)), "a refused unblind wrote dst");

	/* bad arguments: EINVAL, nothing written */
	memset(big, 0xff, K);
	memset(bl, 0xa5, sizeof(bl));
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_BLIND, big, 0, K, bl, 0, 2 * K), ACCEL_EINVAL);
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_BLIND, rsa_m, 0, K - 1, bl, 0, 2 * K), ACCEL_EINVAL);
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_BLIND, rsa_m, 0, K, bl, 0, 2 * K - 1), ACCEL_EINVAL);
	CHECK_RC(accel_rsa_host(q, s, 3, rsa_m, 0, K, bl, 0, 2 * K), ACCEL_EINVAL);
	CHECK_RC(accel_rsa_host(q, s + 1000, ACCEL_RSA_HOST_BLIND, rsa_m, 0, K, bl, 0, 2 * K), ACCEL_EINVAL);
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_BLIND, NULL, 0, K, bl, 0, 2 * K), ACCEL_EINVAL);
	CHECK(untouched(bl, sizeof(bl)), "a rejected blind wrote dst");
	memcpy(big, in + 2 * K, K);
	memset(in + 2 * K, 0xff, K);	/* opaque part >= n */
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_UNBLIND, in, 0, 3 * K, out, 0, K), ACCEL_EINVAL);
	memcpy(in + 2 * K, big, K);
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_UNBLIND, in, 0, 3 * K - 1, out, 0, K), ACCEL_EINVAL);
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_UNBLIND, in, 0, 3 * K, out, 0, K - 1), ACCEL_EINVAL);
	CHECK(untouched(out, sizeof(out)), "a rejected unblind wrote dst");
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_UNBLIND, in, 0, 3 * K, out, 0, K), ACCEL_OK);
	CHECK(!memcmp(out, rsa_m_priv, K), "the restored input unblinds again");
	t_close_all(dev, q, s);
	unsetenv("ACCEL_SHIM_RSA_KERNEL");
}

int main(void)
{
	accel_dev *dev;
	accel_queue *q;
	struct accel_rsa_key key = t_rsa1024();
	uint8_t bl[2 * K];
	uint64_t s = 0;

	t_name = "rsa_host";
	cpu_host(NULL);
	cpu_host("bn");

	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 0);
	q = t_queue(dev, 8);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s), ACCEL_OK);
	CHECK_RC(accel_rsa_host(q, s, ACCEL_RSA_HOST_BLIND, rsa_m, 0, K, bl, 0, 2 * K), ACCEL_ENOTSUP);
	t_close_all(dev, q, s);
	return t_done();
}

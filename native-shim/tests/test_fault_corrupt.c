// SPDX-License-Identifier: Apache-2.0
/*
 * CORRUPT: the next `count` results get exactly one bit flipped (RSA: the
 * Bellcore fault model, which the Java side must catch by verifying before
 * releasing a signature; GCM seal: a tag bit); later results are correct.
 */
#include "rsa_key_1024.h"
#include "test_common.h"


static int bit_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	int bits = 0;

	for (size_t i = 0; i < n; i++)
		bits += __builtin_popcount(a[i] ^ b[i]);
	return bits;
}

int main(void)
{
	accel_dev *dev;
	accel_queue *q;
	struct accel_rsa_key key = t_rsa1024();
	uint8_t out[128], aes[16] = { 0 }, iv[12] = { 0 }, pt[16] = { 0 }, ct[16], tag[16];
	uint8_t want_tag[16];
	uint64_t s, sa;
	struct accel_desc d;
	struct accel_cqe c;

	t_name = "fault_corrupt";
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 0);
	q = t_queue(dev, 8);
	REQUIRE(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s) == 0, "rsa session");
	sa = t_aead_session(q, aes, 16);
	t_hex("ab6e47d42cec13bdf53a67b21257bddf", want_tag, 16);	/* GCM test case 2 */

	d = (struct accel_desc){ .session = s, .op = ACCEL_OP_RSA_PRIV_CRT, .src = rsa_m,
				 .src_len = 128, .dst = out, .dst_len = 128 };
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_CORRUPT, 1, 0), ACCEL_OK);
	REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0, "rsa");
	CHECK(bit_diff(out, rsa_m_priv, 128) == 1, "rsa: %d bits differ", bit_diff(out, rsa_m_priv, 128));
	REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0, "rsa");
	CHECK(!memcmp(out, rsa_m_priv, 128), "second rsa result corrupted");

	d = (struct accel_desc){ .session = sa, .op = ACCEL_OP_GCM_SEAL, .src = pt, .src_len = 16,
				 .dst = ct, .dst_len = 16, .iv = iv, .iv_len = 12, .tag_len = 16,
				 .tag = tag };
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_CORRUPT, 1, 0), ACCEL_OK);
	REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0, "seal");
	CHECK(bit_diff(tag, want_tag, 16) == 1, "tag: %d bits differ", bit_diff(tag, want_tag, 16));
	REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0, "seal");
	CHECK(!memcmp(tag, want_tag, 16), "second tag corrupted");
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

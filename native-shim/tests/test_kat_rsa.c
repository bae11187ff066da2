// SPDX-License-Identifier: Apache-2.0
/*
 * RSA raw modexp known answers on every backend (RFC 8017 RSAEP / RSADP with
 * the CRT representation): public and private known answers for a fixed
 * 1024-bit key, both round trips, input >= n, public-only keys, bad keys.
 */
#include "rsa_key_1024.h"
#include "test_common.h"

#define BN(x) { .data = x, .len = sizeof(x) }

static void run(uint32_t backend, uint32_t profile)
{
	accel_dev *dev = t_open(backend, profile, 0);
	accel_queue *q = t_queue(dev, 32);
	struct accel_rsa_key key = t_rsa1024();
	struct accel_rsa_key pub = { .n_bits = 1024, .n = BN(rsa_n), .e = BN(rsa_e) };
	uint8_t o_pub[128], o_priv[128], big[128], o_big[128], o_pp[128], o_cant[128];
	uint64_t s = 0, sp = 0, bad = 0;
	struct accel_desc d[4];
	struct accel_cqe c[4];

	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s), ACCEL_OK);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &pub, sizeof(pub), &sp), ACCEL_OK);
	d[0] = (struct accel_desc){ .user_tag = 0, .session = s, .op = ACCEL_OP_RSA_PUB,
				    .src = rsa_m, .src_len = 128, .dst = o_pub, .dst_len = 128 };
	d[1] = d[0];
	d[1].user_tag = 1;
	d[1].op = ACCEL_OP_RSA_PRIV_CRT;
	d[1].dst = o_priv;
	memset(big, 0xff, sizeof(big));	/* > n: "message representative out of range" */
	d[2] = d[1];
	d[2].user_tag = 2;
	d[2].src = big;
	d[2].dst = o_big;
	d[3] = d[1];	/* a public-only session cannot do CRT */
	d[3].user_tag = 3;
	d[3].session = sp;
	d[3].dst = o_cant;
	REQUIRE(t_run(q, d, 4, c) == 0, "not all completed");
	CHECK(t_status(c, 4, 0) == 0 && !memcmp(o_pub, rsa_m_pub, 128), "public known answer");
	CHECK(t_status(c, 4, 1) == 0 && !memcmp(o_priv, rsa_m_priv, 128), "private known answer");
	CHECK(t_status(c, 4, 2) == ACCEL_EINVAL, "input >= n: %d", t_status(c, 4, 2));
	CHECK(t_status(c, 4, 3) == ACCEL_EINVAL, "CRT on public key: %d", t_status(c, 4, 3));
	for (int i = 0; i < 4; i++)
		if (c[i].status == 0)
			CHECK(c[i].out_len == 128, "out_len %u", c[i].out_len);

	/* round trips: priv(pub(m)) == m through the public-only session, pub(priv(m)) == m */
	d[0] = (struct accel_desc){ .user_tag = 10, .session = s, .op = ACCEL_OP_RSA_PRIV_CRT,
				    .src = o_pub, .src_len = 128, .dst = o_pp, .dst_len = 128 };
	REQUIRE(t_run(q, d, 1, c) == 0, "round trip 1");
	CHECK(c[0].status == 0 && !memcmp(o_pp, rsa_m, 128), "priv(pub(m)) != m");
	d[0] = (struct accel_desc){ .user_tag = 11, .session = sp, .op = ACCEL_OP_RSA_PUB,
				    .src = o_priv, .src_len = 128, .dst = o_pp, .dst_len = 256 };
	REQUIRE(t_run(q, d, 1, c) == 0, "round trip 2");
	CHECK(c[0].status == 0 && !memcmp(o_pp, rsa_m, 128), "pub(priv(m)) != m");

	/* bad keys are refused at session creation */
	struct accel_rsa_key k2 = key;

	k2.n_bits = 1032;
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &k2, sizeof(k2), &bad), ACCEL_EINVAL);
	k2 = key;
	k2.p = k2.q;	/* p * q != n */
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &k2, sizeof(k2), &bad), ACCEL_EINVAL);
	k2 = key;
	k2.dp.len = 0;
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &k2, sizeof(k2), &bad), ACCEL_EINVAL);
	k2 = key;
	k2.n_bits = 256;	/* below caps.rsa_min_bits */
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &k2, sizeof(k2), &bad), ACCEL_ENOTSUP);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key) - 8, &bad), ACCEL_EINVAL);
	CHECK(bad == 0, "handle set on failure");

	CHECK_RC(accel_session_destroy(q, s), ACCEL_OK);
	CHECK_RC(accel_session_destroy(q, s), ACCEL_EINVAL);	/* stale handle */
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);	/* frees sp */
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	printf("  %s (profile %u): ok\n", t_backend_name(backend), profile);
}

int main(void)
{
	t_name = "kat_rsa";
	run(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST);
	run(ACCEL_BACKEND_EMU, ACCEL_PROFILE_HPRE_920);
	run(ACCEL_BACKEND_CPU, 0);
	return t_done();
}

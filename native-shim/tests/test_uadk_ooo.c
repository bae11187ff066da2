// SPDX-License-Identifier: Apache-2.0
/*
 * uadk backend, out-of-order completion: the double completes newest-first
 * (and from the middle), and calls back with either UADK's copy of the
 * request or only cb_param; every completion is matched by its tag to the
 * right result, across the three families on one queue.
 */
#include "test_uadk_common.h"

#include "rsa_key_1024.h"

#define BN(x) { .data = x, .len = sizeof(x) }
#define N 24

static void round_trip(accel_queue *q, uint64_t aead, uint64_t rsa, int mode, int style)
{
	static uint8_t src[N][256], out[N][256], tag[N][16], want[N][64];
	static const uint8_t iv[12] = { 1, 2, 3 };
	struct accel_desc d[N];
	struct accel_cqe c[N];
	uint32_t acc = 0, have = 0;
	int inversions = 0;

	dbl_control(DBL_REORDER, mode, 0);
	dbl_control(DBL_CB_STYLE, style, 0);
	for (int i = 0; i < N; i++) {
		memset(src[i], 0x40 + i, sizeof(src[i]));
		src[i][0] = 0;	/* < n for RSA */
		switch (i % 3) {
		case 0:
			d[i] = t_sha256_desc((uint64_t)i, src[i], 10 + (uint64_t)i, out[i]);
			break;
		case 1:
			d[i] = (struct accel_desc){ .user_tag = (uint64_t)i, .session = aead,
						    .op = ACCEL_OP_GCM_SEAL, .src = src[i],
						    .src_len = 16 + (uint64_t)i, .dst = out[i],
						    .dst_len = 256, .iv = iv, .iv_len = 12,
						    .tag_len = 16, .tag = tag[i] };
			break;
		default:
			d[i] = (struct accel_desc){ .user_tag = (uint64_t)i, .session = rsa,
						    .op = ACCEL_OP_RSA_PUB, .src = src[i],
						    .src_len = 128, .dst = out[i], .dst_len = 256 };
			break;
		}
	}
	CHECK_RC(accel_submit(q, d, N, &acc), ACCEL_OK);
	t_reap(q, c, &have, N, 5000);
	REQUIRE(have == N, "reaped %u", have);
	for (int i = 1; i < N; i++)
		inversions += c[i].user_tag < c[i - 1].user_tag;
	CHECK(inversions > 0, "mode %d: completions arrived in order", mode);
	for (int i = 0; i < N; i++)
		CHECK(c[i].status == 0, "tag %" PRIu64 ": %d", c[i].user_tag, c[i].status);
	/* results by tag: recompute in order (FIFO) and compare */
	memcpy(want, out, 0);
	{
		static uint8_t out2[N][256], tag2[N][16];

		dbl_control(DBL_REORDER, 0, 0);
		for (int i = 0; i < N; i++) {
			d[i].dst = out2[i];
			if (d[i].tag)
				d[i].tag = tag2[i];
		}
		REQUIRE(t_run(q, d, N, c) == 0, "fifo run");
		for (int i = 0; i < N; i++) {
			size_t n = i % 3 == 0 ? 32 : i % 3 == 1 ? 16 + (size_t)i : 128;

			CHECK(!memcmp(out[i], out2[i], n), "mode %d style %d: result %d differs", mode,
			      style, i);
			if (i % 3 == 1)
				CHECK(!memcmp(tag[i], tag2[i], 16), "tag %d differs", i);
			d[i].dst = out[i];
			if (d[i].tag)
				d[i].tag = tag[i];
		}
	}
}

int main(void)
{
	struct accel_rsa_key pub = { .n_bits = 1024, .n = BN(rsa_n), .e = BN(rsa_e) };
	uint8_t key[16] = { 9 };
	accel_dev *dev;
	accel_queue *q;
	uint64_t aead, rsa = 0;

	t_name = "uadk_ooo";
	t_uadk_setup("ok");
	dev = t_uadk_open(0);
	q = t_queue(dev, 64);
	aead = t_aead_session(q, key, 16);
	REQUIRE(accel_session_create(q, ACCEL_FAMILY_RSA, &pub, sizeof(pub), &rsa) == 0, "rsa");
	round_trip(q, aead, rsa, 1, 0);
	round_trip(q, aead, rsa, 2, 0);
	round_trip(q, aead, rsa, 1, 1);
	CHECK_RC(accel_queue_destroy(q, 100), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

// SPDX-License-Identifier: Apache-2.0
/*
 * Bad input from Java never crashes: bogus sessions, bad opcodes, short dst,
 * IV/tag lengths outside caps, NULL pointers, wrong-family sessions and bad
 * arguments to every entry point give EINVAL/ENOTSUP completions or return
 * codes.
 */
#include "test_common.h"

static void run(uint32_t backend)
{
	accel_dev *dev = t_open(backend, ACCEL_PROFILE_FAST, 0);
	accel_queue *q = t_queue(dev, 64), *q2 = t_queue(dev, 8);
	uint8_t key[16] = { 0 }, iv[12] = { 0 }, tag[16] = { 0 }, src[64] = { 0 }, dst[64];
	uint8_t bigiv[256] = { 0 }, tags[32][16] = { { 0 } }, dsts[32][64];
	uint64_t s = t_aead_session(q, key, 16), s_other = t_aead_session(q2, key, 16);
	struct accel_desc ok = { .session = s, .op = ACCEL_OP_GCM_SEAL, .src = src, .src_len = 64,
				 .dst = dst, .dst_len = 64, .iv = iv, .iv_len = 12, .tag_len = 16,
				 .tag = tag };
	struct accel_desc d[32];
	struct accel_cqe c[32];
	struct accel_caps caps;
	uint32_t n = 0, acc, got;
	int want[32];
	uint64_t sess = 0;

	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_OK);
#define ADD(expect, ...)                                                                  \
	do {                                                                              \
		d[n] = ok;                                                                \
		d[n].tag = tags[n]; /* own outputs: engines run in parallel */           \
		d[n].dst = dsts[n];                                                       \
		__VA_ARGS__;                                                              \
		d[n].user_tag = n;                                                        \
		want[n++] = (expect);                                                     \
	} while (0)
	ADD(ACCEL_OK);
	ADD(ACCEL_EINVAL, d[n].session = 0);
	ADD(ACCEL_EINVAL, d[n].session = 0xdeadbeefcafef00dull);
	ADD(ACCEL_EINVAL, d[n].session = s + (1ull << 32));	/* wrong generation */
	ADD(ACCEL_EINVAL, d[n].session = s + 1);			/* empty slot */
	ADD(ACCEL_EINVAL, d[n].session = s_other);		/* another queue's handle */
	ADD(ACCEL_EINVAL, d[n].op = 0);
	ADD(ACCEL_EINVAL, d[n].op = 9);
	ADD(ACCEL_EINVAL, d[n].op = 0xffffffffu);
	ADD(ACCEL_EINVAL, d[n].flags = 1);
	ADD(ACCEL_EINVAL, d[n].dst_len = 63);
	ADD(ACCEL_EINVAL, d[n].dst = NULL);
	ADD(ACCEL_EINVAL, d[n].src = NULL);
	ADD(ACCEL_EINVAL, d[n].iv_len = 0);
	ADD(ACCEL_EINVAL, d[n].iv = NULL);
	ADD(ACCEL_EINVAL, d[n].iv = bigiv, d[n].iv_len = caps.gcm_iv_max + 1);
	ADD(ACCEL_EINVAL, d[n].tag_len = 11);
	ADD(ACCEL_EINVAL, d[n].tag_len = 17);
	ADD(ACCEL_EINVAL, d[n].tag = NULL);
	ADD(ACCEL_EINVAL, d[n].aad = NULL, d[n].aad_len = 5);
	ADD(ACCEL_EINVAL, d[n].aad_len = caps.gcm_aad_max + 1, d[n].aad = src);
	ADD(ACCEL_EINVAL, d[n].op = ACCEL_OP_RSA_PUB, d[n].src_len = 128, d[n].dst_len = 128);
	ADD(ACCEL_EINVAL, d[n].op = ACCEL_OP_SHA512, d[n].dst_len = 63);
	ADD(ACCEL_EINVAL, d[n].op = ACCEL_OP_SHA256, d[n].dst = NULL);
	ADD(ACCEL_EINVAL, d[n].op = ACCEL_OP_SHA224, d[n].src = NULL);
	ADD(ACCEL_OK, d[n].op = ACCEL_OP_SHA224, d[n].src = NULL, d[n].src_len = 0);
	ADD(ACCEL_OK, d[n].src = NULL, d[n].src_len = 0);	/* empty GCM payload: caps say OK */
	ADD(ACCEL_OK, d[n].iv = bigiv, d[n].iv_len = caps.gcm_iv_max);
	ADD(ACCEL_OK, d[n].iv_len = 1);
	ADD(ACCEL_OK, d[n].op = ACCEL_OP_GCM_OPEN, d[n].tag_len = 12);	/* EBADMSG or OK, not a crash */
	REQUIRE(t_run(q, d, n, c) == 0, "not all completed");
	for (uint32_t j = 0; j < n; j++) {
		uint32_t i = (uint32_t)c[j].user_tag;

		if (i == n - 1)
			CHECK(c[j].status == ACCEL_EBADMSG, "open garbage %d", c[j].status);
		else
			CHECK(c[j].status == want[i], "%s desc %u: status %d, want %d",
			      t_backend_name(backend), i, c[j].status, want[i]);
	}

	/* entry points */
	CHECK_RC(accel_submit(q, d, 1, NULL), ACCEL_EINVAL);
	CHECK_RC(accel_submit(q, NULL, 1, &acc), ACCEL_EINVAL);
	CHECK_RC(accel_submit(NULL, d, 1, &acc), ACCEL_EINVAL);
	CHECK_RC(accel_reap(q, NULL, 1, &got), ACCEL_EINVAL);
	CHECK_RC(accel_reap(q, c, 1, NULL), ACCEL_EINVAL);
	CHECK_RC(accel_reap(NULL, c, 1, &got), ACCEL_EINVAL);
	CHECK_RC(accel_reap(q, c, 0, &got), ACCEL_OK);
	CHECK_RC(accel_wait(NULL, 1), ACCEL_EINVAL);
	CHECK(accel_queue_inflight(NULL) == 0, "inflight(NULL)");
	CHECK(accel_queue_eventfd(NULL) == -1, "eventfd(NULL)");
	CHECK_RC(accel_session_create(q, 3, key, 16, &sess), ACCEL_EINVAL);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_AEAD, key, 15, &sess), ACCEL_EINVAL);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_AEAD, NULL, 16, &sess), ACCEL_EINVAL);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_AEAD, key, 16, NULL), ACCEL_EINVAL);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, key, 16, &sess), ACCEL_EINVAL);
	CHECK_RC(accel_session_destroy(q, 0), ACCEL_EINVAL);
	CHECK_RC(accel_session_destroy(q, ~0ull), ACCEL_EINVAL);
	accel_queue *qx = NULL;

	CHECK_RC(accel_queue_create(dev, 0, &qx), ACCEL_EINVAL);
	CHECK_RC(accel_queue_create(dev, 8, NULL), ACCEL_EINVAL);
	CHECK_RC(accel_queue_create(dev, 6, &qx), ACCEL_EINVAL);
	CHECK_RC(accel_queue_create(dev, 1, &qx), ACCEL_EINVAL);
	CHECK_RC(accel_queue_create(dev, caps.queue_depth_max * 2, &qx), ACCEL_EINVAL);
	CHECK(qx == NULL, "queue set on failure");
	CHECK_RC(accel_queue_destroy(NULL, 0), ACCEL_EINVAL);
	CHECK_RC(accel_dev_close(dev), ACCEL_EBUSY);	/* queues still open */
	CHECK_RC(accel_queue_destroy(q2, 0), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

int main(void)
{
	t_name = "bad_input";
	run(ACCEL_BACKEND_EMU);
	run(ACCEL_BACKEND_CPU);
	return t_done();
}

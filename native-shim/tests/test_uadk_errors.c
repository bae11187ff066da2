// SPDX-License-Identifier: Apache-2.0
/*
 * uadk backend, injected UADK errors: a send error (-EIO) and a device
 * completion error (state 5) complete the request with EIO and the raw
 * code in cqe.detail; -EINVAL from UADK completes with EINVAL; a GCM open
 * whose engine reports WD_IN_EPARA (SEC2's ICV mismatch) is EBADMSG with dst
 * zeroed; a poll error (-WD_HW_EACCESS) kills the queue (EQUEUE) while a
 * new queue works; the health counters count the errors.
 */
#include "test_uadk_common.h"

int main(void)
{
	static uint8_t src[64], out[8][64], tag[16];
	static const uint8_t iv[12] = { 7 }, key[16] = { 1 };
	struct accel_desc d[4];
	struct accel_cqe c[4];
	struct accel_health h;
	accel_dev *dev;
	accel_queue *q;
	uint64_t s;
	uint32_t acc, got;

	t_name = "uadk_errors";
	t_uadk_setup("ok");
	dev = t_uadk_open(0);
	q = t_queue(dev, 32);
	memset(src, 0x5a, sizeof(src));

	/* send error on the second request: first OK, second EIO detail 5 */
	dbl_control(DBL_SEND_ERR, -EIO, 0);
	d[0] = t_sha256_desc(1, src, 64, out[0]);
	d[1] = t_sha256_desc(2, src, 64, out[1]);
	dbl_control(DBL_SEND_ERR, -EIO, 1);
	REQUIRE(t_run(q, d, 1, c) == 0, "1");
	CHECK(c[0].status == ACCEL_EIO && c[0].detail == EIO, "send error: %d/%u", c[0].status,
	      c[0].detail);
	REQUIRE(t_run(q, d + 1, 1, c) == 0, "2");
	CHECK(c[0].status == 0, "after the send error: %d", c[0].status);

	/* UADK -EINVAL -> EINVAL */
	dbl_control(DBL_SEND_ERR, -EINVAL, 1);
	REQUIRE(t_run(q, d, 1, c) == 0, "einval");
	CHECK(c[0].status == ACCEL_EINVAL, "einval: %d", c[0].status);

	/* completion error */
	dbl_control(DBL_RESULT_ERR, 5, 1);
	REQUIRE(t_run(q, d, 2, c) == 0, "result");
	CHECK(t_status(c, 2, 1) == ACCEL_EIO, "result error: %d", t_status(c, 2, 1));
	CHECK(t_status(c, 2, 2) == 0, "next: %d", t_status(c, 2, 2));
	for (int i = 0; i < 2; i++)
		if (c[i].user_tag == 1)
			CHECK(c[i].detail == 5 && c[i].out_len == 0, "detail %u", c[i].detail);

	/* GCM open: engine says WD_IN_EPARA -> EBADMSG, plaintext zeroed */
	s = t_aead_session(q, key, 16);
	d[0] = (struct accel_desc){ .user_tag = 9, .session = s, .op = ACCEL_OP_GCM_SEAL, .src = src,
				    .src_len = 64, .dst = out[2], .dst_len = 64, .iv = iv,
				    .iv_len = 12, .tag_len = 16, .tag = tag };
	REQUIRE(t_run(q, d, 1, c) == 0 && c[0].status == 0, "seal");
	d[0].op = ACCEL_OP_GCM_OPEN;
	d[0].src = out[2];
	d[0].dst = out[3];
	memset(out[3], 0xee, 64);
	dbl_control(DBL_RESULT_ERR, 67, 1);
	REQUIRE(t_run(q, d, 1, c) == 0, "open");
	CHECK(c[0].status == ACCEL_EBADMSG && c[0].out_len == 0, "open: %d", c[0].status);
	for (int i = 0; i < 64; i++)
		CHECK(out[3][i] == 0, "dst not zeroed at %d", i);
	dbl_control(DBL_RESULT_ERR, 5, 1);	/* another code on open: EIO */
	REQUIRE(t_run(q, d, 1, c) == 0, "open2");
	CHECK(c[0].status == ACCEL_EIO && c[0].detail == 5, "open other error: %d", c[0].status);
	REQUIRE(t_run(q, d, 1, c) == 0, "open3");
	CHECK(c[0].status == 0 && !memcmp(out[3], src, 64), "open after errors: %d", c[0].status);
	CHECK_RC(accel_session_destroy(q, s), ACCEL_OK);

	/* a poll error kills the queue; its requests never complete; a new queue works */
	d[0] = t_sha256_desc(20, src, 64, out[4]);
	CHECK_RC(accel_submit(q, d, 1, &acc), ACCEL_OK);
	dbl_control(DBL_POLL_ERR, -62, 1);
	CHECK_RC(accel_reap(q, c, 4, &got), ACCEL_EQUEUE);
	CHECK_RC(accel_submit(q, d, 1, &acc), ACCEL_EQUEUE);
	CHECK_RC(accel_wait(q, 10), ACCEL_EQUEUE);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == ACCEL_HEALTH_QUEUE_ERROR && h.errors >= 3, "health %d errors %" PRIu64,
	      h.state, h.errors);
	printf("  health: %d (%s), errors %" PRIu64 "\n", h.state, h.reason, h.errors);
	{
		accel_queue *q2 = t_queue(dev, 8);

		REQUIRE(t_run(q2, d, 1, c) == 0 && c[0].status == 0, "new queue");
		CHECK_RC(accel_queue_destroy(q2, 100), ACCEL_OK);
	}
	CHECK_RC(accel_queue_destroy(q, 0), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

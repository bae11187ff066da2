// SPDX-License-Identifier: Apache-2.0
/*
 * The cpu backend runs to completion inside accel_submit on the caller's
 * thread: right after submit returns, every accepted request is already in
 * the CQ (reap without waiting), and accel_wait returns at once.
 */
#include "test_common.h"

int main(void)
{
	accel_dev *dev;
	accel_queue *q;
	uint8_t out[16][32];
	struct accel_desc d[16];
	struct accel_cqe c[16];
	uint32_t acc = 0, got = 0;

	t_name = "cpu_sync";
	dev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	q = t_queue(dev, 32);
	for (int i = 0; i < 16; i++)
		d[i] = t_sha256_desc(i, "abc", 3, out[i]);
	CHECK_RC(accel_submit(q, d, 16, &acc), ACCEL_OK);
	CHECK(acc == 16, "accepted %u", acc);
	CHECK(accel_queue_inflight(q) == 16, "inflight %u", accel_queue_inflight(q));
	/* results are already written: no wait, no other thread */
	CHECK(out[15][0] == 0xba && out[15][31] == 0xad, "digest not written during submit");
	CHECK_RC(accel_wait(q, 0), ACCEL_OK);
	CHECK_RC(accel_reap(q, c, 16, &got), ACCEL_OK);
	CHECK(got == 16, "got %u", got);
	for (uint32_t i = 0; i < got; i++)
		CHECK(c[i].user_tag == i && c[i].status == 0 && c[i].out_len == 32, "cqe %u", i);
	CHECK(accel_queue_inflight(q) == 0, "inflight %u", accel_queue_inflight(q));
	CHECK_RC(accel_wait(q, 10), ACCEL_ETIMEDOUT);
	CHECK_RC(accel_queue_destroy(q, 0), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

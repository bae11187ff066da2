// SPDX-License-Identifier: Apache-2.0
/*
 * Backpressure: submitting 10 into a depth-8 queue accepts a prefix of 7
 * (usable depth = depth - 1) and returns EAGAIN; nothing is dropped; after
 * reaping, the remaining 3 go in and everything completes exactly once.
 */
#include "test_common.h"

static void run(uint32_t backend)
{
	accel_dev *dev = t_open(backend, ACCEL_PROFILE_FAST, 0);
	accel_queue *q = t_queue(dev, 8);
	uint8_t out[10][32];
	struct accel_desc d[10];
	struct accel_cqe c[10];
	uint32_t acc = 99, have = 0;
	int seen[10] = { 0 };

	for (int i = 0; i < 10; i++)
		d[i] = t_sha256_desc(i, "abc", 3, out[i]);
	CHECK_RC(accel_submit(q, d, 10, &acc), ACCEL_EAGAIN);
	CHECK(acc == 7, "accepted %u, want 7", acc);
	CHECK(accel_queue_inflight(q) == 7, "inflight %u", accel_queue_inflight(q));
	/* still full until something is reaped, whatever the engines did meanwhile */
	CHECK_RC(accel_submit(q, d + 7, 3, &acc), ACCEL_EAGAIN);
	CHECK(acc == 0, "accepted %u while full", acc);
	t_reap(q, c, &have, 7, 5000);
	CHECK(have == 7, "reaped %u", have);
	CHECK_RC(accel_submit(q, d + 7, 3, &acc), ACCEL_OK);
	CHECK(acc == 3, "accepted %u", acc);
	t_reap(q, c, &have, 10, 5000);
	CHECK(have == 10, "reaped %u", have);
	for (uint32_t j = 0; j < have; j++) {
		seen[c[j].user_tag]++;
		CHECK(c[j].status == 0, "status %d", c[j].status);
	}
	for (int i = 0; i < 10; i++)
		CHECK(seen[i] == 1, "tag %d seen %d", i, seen[i]);
	CHECK_RC(accel_submit(q, d, 0, &acc), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

int main(void)
{
	t_name = "eagain";
	run(ACCEL_BACKEND_EMU);
	run(ACCEL_BACKEND_CPU);
	return t_done();
}

// SPDX-License-Identifier: Apache-2.0
/*
 * LOST_COMPLETION: the next completion is dropped (the caller's deadline must
 * catch it); the inflight count still drops, so the queue does not leak room
 * and destroy does not wait for it.
 */
#include "test_common.h"

int main(void)
{
	accel_dev *dev;
	accel_queue *q;
	uint8_t out[3][32];
	struct accel_desc d[3];
	struct accel_cqe c[3];
	uint32_t acc, have = 0;

	t_name = "fault_lost";
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 0);
	q = t_queue(dev, 4);
	for (int i = 0; i < 3; i++)
		d[i] = t_sha256_desc(i, "abc", 3, out[i]);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_LOST_COMPLETION, 1, 0), ACCEL_OK);
	CHECK_RC(accel_submit(q, d, 3, &acc), ACCEL_OK);
	t_reap(q, c, &have, 3, 300);
	CHECK(have == 2, "reaped %u, want 2", have);
	CHECK(accel_queue_inflight(q) == 0, "inflight %u", accel_queue_inflight(q));
	/* full room again: 3 more fit in a depth-4 queue */
	have = 0;
	CHECK_RC(accel_submit(q, d, 3, &acc), ACCEL_OK);
	t_reap(q, c, &have, 3, 5000);
	CHECK(have == 3, "reaped %u after the loss", have);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

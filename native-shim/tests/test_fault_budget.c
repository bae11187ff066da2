// SPDX-License-Identifier: Apache-2.0
/*
 * Queue budget: a device has finitely many queues (a PF has 256); creating one
 * too many fails with EBUSY. Set by accel_dev_config.max_queues or the
 * QUEUE_BUDGET fault; destroying a queue gives its place back; CLEAR restores.
 */
#include "test_common.h"

int main(void)
{
	struct accel_dev_config cfg = { .max_queues = 3 };
	accel_dev *dev;
	accel_queue *q[4] = { 0 }, *x = NULL;
	struct accel_caps caps;
	struct accel_health h;

	t_name = "fault_budget";
	t_require_backend(ACCEL_BACKEND_EMU);
	REQUIRE(accel_dev_open(ACCEL_BACKEND_EMU, &cfg, &dev) == ACCEL_OK, "open");
	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_OK);
	CHECK(caps.queues_max == 3, "queues_max %u", caps.queues_max);
	for (int i = 0; i < 3; i++)
		q[i] = t_queue(dev, 4);
	CHECK_RC(accel_queue_create(dev, 4, &x), ACCEL_EBUSY);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.queues_open == 3, "queues_open %u", h.queues_open);

	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_QUEUE_BUDGET, 1, 1), ACCEL_OK);
	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_OK);
	CHECK(caps.queues_max == 1, "queues_max %u", caps.queues_max);
	CHECK_RC(accel_queue_destroy(q[2], 0), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q[1], 0), ACCEL_OK);
	CHECK_RC(accel_queue_create(dev, 4, &x), ACCEL_EBUSY);	/* 1 open, budget 1 */
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_CLEAR, 0, 0), ACCEL_OK);
	q[1] = t_queue(dev, 4);
	q[2] = t_queue(dev, 4);
	CHECK_RC(accel_queue_create(dev, 4, &x), ACCEL_EBUSY);
	for (int i = 0; i < 3; i++)
		CHECK_RC(accel_queue_destroy(q[i], 0), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);

	/* the default budget is the PF's 256 */
	dev = t_open(ACCEL_BACKEND_EMU, 0, 1);
	static accel_queue *all[257];
	int n = 0;

	while (n < 257 && accel_queue_create(dev, 2, &all[n]) == ACCEL_OK)
		n++;
	CHECK(n == 256, "opened %d queues", n);
	while (n)
		CHECK_RC(accel_queue_destroy(all[--n], 0), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

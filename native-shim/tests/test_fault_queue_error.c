// SPDX-License-Identifier: Apache-2.0
/*
 * QUEUE_ERROR: the status word of every open queue flips; later submit, reap
 * and wait report EQUEUE; in-flight requests never complete; health says
 * QUEUE_ERROR; a newly created queue works; destroy does not wait for the dead.
 */
#include "test_common.h"

int main(void)
{
	accel_dev *dev;
	accel_queue *q, *q2;
	uint8_t out[2][32];
	struct accel_desc d[2];
	struct accel_cqe c[2];
	struct accel_health h;
	uint32_t acc = 9, got = 9;
	uint64_t t0;

	t_name = "fault_queue_error";
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 2);
	q = t_queue(dev, 8);
	d[0] = t_sha256_desc(1, "abc", 3, out[0]);
	d[1] = t_sha256_desc(2, "abc", 3, out[1]);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_DELAY, 1, 100000), ACCEL_OK);
	CHECK_RC(accel_submit(q, d, 1, &acc), ACCEL_OK);	/* in flight for 100 ms */
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_QUEUE_ERROR, 1, 0), ACCEL_OK);
	CHECK_RC(accel_submit(q, d + 1, 1, &acc), ACCEL_EQUEUE);
	CHECK(acc == 0, "accepted %u", acc);
	CHECK_RC(accel_reap(q, c, 2, &got), ACCEL_EQUEUE);
	CHECK(got == 0, "got %u", got);
	CHECK_RC(accel_wait(q, 10), ACCEL_EQUEUE);
	usleep(250000);	/* the delayed request would have completed by now */
	CHECK(accel_queue_inflight(q) == 1, "inflight %u", accel_queue_inflight(q));
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == ACCEL_HEALTH_QUEUE_ERROR && h.reason[0], "state %d", h.state);

	q2 = t_queue(dev, 8);	/* a new queue works */
	REQUIRE(t_run(q2, d + 1, 1, c) == 0 && c[0].status == 0, "new queue");
	CHECK(out[1][0] == 0xba, "digest");

	t0 = t_now_ms();
	CHECK_RC(accel_queue_destroy(q, 5000), ACCEL_OK);
	CHECK(t_now_ms() - t0 < 1000, "destroy waited for a dead queue");
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == ACCEL_HEALTH_OK, "state after destroy %d", h.state);
	CHECK_RC(accel_queue_destroy(q2, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

// SPDX-License-Identifier: Apache-2.0
/*
 * RESET: for `param` ms submit answers EAGAIN, in-flight requests complete
 * ECANCELED and health says RESETTING; then the device is back by itself.
 */
#include "test_common.h"

int main(void)
{
	accel_dev *dev;
	accel_queue *q;
	uint8_t out[2][32];
	struct accel_desc d[2];
	struct accel_cqe c[2];
	struct accel_health h;
	uint32_t acc = 9, have = 0;

	t_name = "fault_reset";
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 2);
	q = t_queue(dev, 8);
	d[0] = t_sha256_desc(1, "abc", 3, out[0]);
	d[1] = t_sha256_desc(2, "abc", 3, out[1]);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_DELAY, 1, 100000), ACCEL_OK);
	CHECK_RC(accel_submit(q, d, 1, &acc), ACCEL_OK);	/* in flight across the reset */
	usleep(10000);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_RESET, 1, 300), ACCEL_OK);
	CHECK_RC(accel_submit(q, d + 1, 1, &acc), ACCEL_EAGAIN);
	CHECK(acc == 0, "accepted %u while resetting", acc);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == ACCEL_HEALTH_RESETTING && h.reason[0], "state %d", h.state);
	t_reap(q, c, &have, 1, 2000);
	CHECK(have == 1 && c[0].status == ACCEL_ECANCELED && c[0].user_tag == 1, "in-flight: %d",
	      have ? c[0].status : 0);
	usleep(400000);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == ACCEL_HEALTH_OK && !h.reason[0], "state after reset %d", h.state);
	REQUIRE(t_run(q, d + 1, 1, c) == 0, "after reset");
	CHECK(c[0].status == 0 && out[1][0] == 0xba, "status %d", c[0].status);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

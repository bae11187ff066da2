// SPDX-License-Identifier: Apache-2.0
/* DELAY: the next `count` requests take `param` microseconds longer (stall model). */
#include "test_common.h"

int main(void)
{
	accel_dev *dev;
	accel_queue *q;
	uint8_t out[32];
	struct accel_desc d = t_sha256_desc(1, "abc", 3, out);
	struct accel_cqe c;
	uint64_t t0, ms;

	t_name = "fault_delay";
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 0);
	q = t_queue(dev, 8);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_DELAY, 2, 150000), ACCEL_OK);
	for (int i = 0; i < 3; i++) {
		t0 = t_now_ms();
		REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0, "request %d", i);
		ms = t_now_ms() - t0;
		if (i < 2)
			CHECK(ms >= 145, "request %d took %" PRIu64 " ms, want >= 150", i, ms);
		else
			CHECK(ms < 100, "request %d took %" PRIu64 " ms after the delays", i, ms);
	}
	CHECK(out[0] == 0xba, "digest");
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

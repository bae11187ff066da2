// SPDX-License-Identifier: Apache-2.0
/* REQ_ERROR: the next `count` requests complete with EIO and the raw code in detail. */
#include "test_common.h"

int main(void)
{
	accel_dev *dev;
	accel_queue *q;
	uint8_t out[4][32];
	struct accel_desc d[4];
	struct accel_cqe c[4];
	struct accel_health h;
	int eio = 0, ok = 0;

	t_name = "fault_req_error";
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 1);	/* one engine: FIFO pick order */
	q = t_queue(dev, 8);
	for (int i = 0; i < 4; i++)
		d[i] = t_sha256_desc(i, "abc", 3, out[i]);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_REQ_ERROR, 2, 0x1234), ACCEL_OK);
	REQUIRE(t_run(q, d, 4, c) == 0, "completions");
	for (int i = 0; i < 4; i++) {
		if (c[i].status == ACCEL_EIO) {
			eio++;
			CHECK(c[i].detail == 0x1234 && c[i].user_tag < 2, "detail %x tag %" PRIu64,
			      c[i].detail, c[i].user_tag);
		} else {
			ok += c[i].status == 0;
			CHECK(c[i].detail == 0, "detail on success");
		}
	}
	CHECK(eio == 2 && ok == 2, "eio %d ok %d", eio, ok);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.errors == 2 && h.faults_injected == 1 && h.submitted == 4 && h.completed == 4,
	      "health errors %" PRIu64 " faults %" PRIu64, h.errors, h.faults_injected);

	/* count 0: until cleared */
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_REQ_ERROR, 0, 7), ACCEL_OK);
	REQUIRE(t_run(q, d, 4, c) == 0, "completions");
	for (int i = 0; i < 4; i++)
		CHECK(c[i].status == ACCEL_EIO && c[i].detail == 7, "sticky %d", c[i].status);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_CLEAR, 0, 0), ACCEL_OK);
	REQUIRE(t_run(q, d, 4, c) == 0, "completions");
	for (int i = 0; i < 4; i++)
		CHECK(c[i].status == 0, "after clear %d", c[i].status);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_MAX + 1, 0, 0), ACCEL_EINVAL);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

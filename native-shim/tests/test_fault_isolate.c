// SPDX-License-Identifier: Apache-2.0
/*
 * ISOLATE (too many hardware errors): like removal, every call on the device
 * and its queues answers ENODEV (queue_create included), in-flight requests
 * never complete, health says ISOLATED; probe and
 * other device instances keep working; destroy/close still free; CLEAR
 * restores the device.
 */
#include "test_common.h"

static void down(uint32_t fault, int want_state)
{
	accel_dev *dev, *other;
	accel_queue *q, *q2 = NULL;
	uint8_t out[32], key[16] = { 0 };
	struct accel_desc d = t_sha256_desc(1, "abc", 3, out);
	struct accel_cqe c;
	struct accel_health h;
	struct accel_caps caps;
	uint32_t acc = 9, got = 9;
	uint64_t s = 0;
	char reason[64];

	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 2);
	q = t_queue(dev, 8);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_DELAY, 1, 100000), ACCEL_OK);
	CHECK_RC(accel_submit(q, &d, 1, &acc), ACCEL_OK);
	CHECK_RC(accel_emu_inject(dev, fault, 1, 0), ACCEL_OK);
	CHECK_RC(accel_submit(q, &d, 1, &acc), ACCEL_ENODEV);
	CHECK(acc == 0, "accepted");
	CHECK_RC(accel_reap(q, &c, 1, &got), ACCEL_ENODEV);
	CHECK_RC(accel_wait(q, 10), ACCEL_ENODEV);
	CHECK_RC(accel_queue_create(dev, 8, &q2), ACCEL_ENODEV);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_AEAD, key, 16, &s), ACCEL_ENODEV);
	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_ENODEV);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == want_state && h.reason[0], "state %d '%s'", h.state, h.reason);
	usleep(200000);
	CHECK(accel_queue_inflight(q) == 1, "in-flight completed on a %s device",
	      fault == ACCEL_FAULT_REMOVE ? "removed" : "isolated");
	/* discovery and other instances are unaffected */
	CHECK_RC(accel_backend_probe(ACCEL_BACKEND_EMU, reason, sizeof(reason)), ACCEL_OK);
	other = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 0);
	q2 = t_queue(other, 8);
	REQUIRE(t_run(q2, &d, 1, &c) == 0 && c.status == 0, "other device");
	CHECK_RC(accel_queue_destroy(q2, 0), ACCEL_OK);
	CHECK_RC(accel_dev_close(other), ACCEL_OK);
	/* CLEAR restores it */
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_CLEAR, 0, 0), ACCEL_OK);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == ACCEL_HEALTH_OK, "state after clear %d", h.state);
	CHECK_RC(accel_queue_destroy(q, 0), ACCEL_OK);
	q = t_queue(dev, 8);
	d.user_tag = 5;
	REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0 && c.user_tag == 5, "after clear");
	/* destroy and close still free resources on a removed device */
	CHECK_RC(accel_emu_inject(dev, fault, 1, 0), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

int main(void)
{
	t_name = "fault_isolate";
	down(ACCEL_FAULT_ISOLATE, ACCEL_HEALTH_ISOLATED);
	return t_done();
}

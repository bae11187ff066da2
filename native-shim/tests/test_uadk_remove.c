// SPDX-License-Identifier: Apache-2.0
/*
 * uadk backend, device removal and isolation (seen in sysfs, never by
 * touching the queue): in-flight requests complete with ENODEV, then reap,
 * wait and submit answer ENODEV; the double counts no context touch after
 * removal; health says REMOVED with the device's name; destroy and close
 * still free everything. Isolation (isolate=1) likewise, state ISOLATED.
 */
#include "test_uadk_common.h"

static void scenario(bool isolate)
{
	static uint8_t src[64], out[8][32];
	struct accel_desc d[8];
	struct accel_cqe c[8];
	struct accel_health h;
	accel_dev *dev;
	accel_queue *q;
	uint32_t acc = 0, have = 0, got;
	char sys[300], moved[320];
	long touches;

	dbl_control(DBL_RESET, 0, 0);
	dev = t_uadk_open(0);
	q = t_queue(dev, 16);
	for (int i = 0; i < 8; i++)
		d[i] = t_sha256_desc((uint64_t)i, src, 64, out[i]);
	CHECK_RC(accel_submit(q, d, 8, &acc), ACCEL_OK);

	/* the device goes away: the double answers -ENODEV and counts touches from now on */
	touches = dbl_stat(DBL_STAT_TOUCH_AFTER_REMOVE);
	dbl_control(DBL_REMOVE, 1, 0);
	snprintf(sys, sizeof(sys), "%s/hisi_sec2-0", getenv("ACCEL_UACCE_SYSFS_ROOT"));
	snprintf(moved, sizeof(moved), "%s.gone", sys);
	if (isolate)
		t_fake_attr("hisi_sec2-0", "isolate", "1");
	else
		REQUIRE(rename(sys, moved) == 0, "rename");

	t_reap(q, c, &have, 8, 2000);
	CHECK(have == 8, "in-flight completions: %u", have);
	for (uint32_t i = 0; i < have; i++)
		CHECK(c[i].status == ACCEL_ENODEV, "in flight -> %d", c[i].status);
	CHECK_RC(accel_reap(q, c, 8, &got), ACCEL_ENODEV);
	CHECK_RC(accel_wait(q, 10), ACCEL_ENODEV);
	CHECK_RC(accel_submit(q, d, 1, &acc), ACCEL_ENODEV);
	CHECK(acc == 0, "accepted %u", acc);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == (isolate ? ACCEL_HEALTH_ISOLATED : ACCEL_HEALTH_REMOVED) &&
		      strstr(h.reason, "hisi_sec2-0"), "health %d '%s'", h.state, h.reason);
	printf("  %s: health %d (%s)\n", isolate ? "isolate" : "remove", h.state, h.reason);
	{
		accel_queue *q2 = NULL;

		CHECK_RC(accel_queue_create(dev, 8, &q2), ACCEL_ENODEV);
	}
	CHECK_RC(accel_queue_destroy(q, 100), ACCEL_OK);
	CHECK(dbl_stat(DBL_STAT_TOUCH_AFTER_REMOVE) == touches,
	      "the backend touched a removed device's queue %ld times",
	      dbl_stat(DBL_STAT_TOUCH_AFTER_REMOVE) - touches);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);

	/* the device comes back: a new open works */
	dbl_control(DBL_REMOVE, 0, 0);
	if (isolate)
		t_fake_attr("hisi_sec2-0", "isolate", "0");
	else
		REQUIRE(rename(moved, sys) == 0, "rename back");
	dev = t_uadk_open(0);
	q = t_queue(dev, 16);
	REQUIRE(t_run(q, d, 8, c) == 0, "after return");
	for (int i = 0; i < 8; i++)
		CHECK(c[i].status == 0, "after return: %d", c[i].status);
	CHECK_RC(accel_queue_destroy(q, 100), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

int main(void)
{
	t_name = "uadk_remove";
	t_uadk_setup("ok");
	scenario(false);
	scenario(true);
	return t_done();
}

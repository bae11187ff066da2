// SPDX-License-Identifier: Apache-2.0
/*
 * uadk backend after fork: the child's handles answer ENODEV (health FORKED),
 * the child never calls into UADK (the double counts calls from another
 * pid), a new uadk open in the child is refused with a reason, and the
 * parent's queue keeps working, including requests in flight across fork.
 */
#include "test_uadk_common.h"

#include <sys/wait.h>

int main(void)
{
	static uint8_t src[64], out[4][32];
	struct accel_desc d[4];
	struct accel_cqe c[4];
	accel_dev *dev;
	accel_queue *q;
	uint32_t acc = 0, have = 0;
	int status;
	pid_t pid;

	t_name = "uadk_fork";
	t_require_threads();	/* forks */
	t_uadk_setup("ok");
	dev = t_uadk_open(0);
	q = t_queue(dev, 16);
	for (int i = 0; i < 4; i++)
		d[i] = t_sha256_desc((uint64_t)i, src, 64, out[i]);
	CHECK_RC(accel_submit(q, d, 2, &acc), ACCEL_OK);	/* in flight across fork */

	fflush(stdout);
	pid = fork();
	REQUIRE(pid >= 0, "fork");
	if (pid == 0) {
		struct accel_health h;
		accel_dev *dev2 = NULL;
		char reason[200];
		uint32_t got;

		CHECK_RC(accel_submit(q, d + 2, 2, &acc), ACCEL_ENODEV);
		CHECK_RC(accel_reap(q, c, 4, &got), ACCEL_ENODEV);
		CHECK_RC(accel_wait(q, 10), ACCEL_ENODEV);
		CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
		CHECK(h.state == ACCEL_HEALTH_FORKED, "child health %d", h.state);
		CHECK_RC(accel_backend_probe(ACCEL_BACKEND_UADK, reason, sizeof(reason)),
			 ACCEL_ENODEV);
		CHECK(strstr(reason, "fork") != NULL, "child probe reason '%s'", reason);
		CHECK_RC(accel_dev_open(ACCEL_BACKEND_UADK, NULL, &dev2), ACCEL_ENODEV);
		CHECK_RC(accel_queue_destroy(q, 0), ACCEL_ENODEV);	/* leaked on purpose */
		/* real UADK: the rings are not mapped in the child, so a touch would fault */
		CHECK(t_uadk_real || dbl_stat(DBL_STAT_TOUCH_OTHER_PID) == 0,
		      "child touched UADK %ld times", dbl_stat(DBL_STAT_TOUCH_OTHER_PID));
		_exit(t_failures ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed (%d)", status);

	t_reap(q, c, &have, 2, 2000);
	CHECK(have == 2 && c[0].status == 0 && c[1].status == 0, "parent in flight: %u", have);
	REQUIRE(t_run(q, d + 2, 2, c) == 0, "parent after fork");
	CHECK(c[0].status == 0 && c[1].status == 0 && !memcmp(out[0], out[3], 32), "parent results");
	CHECK_RC(accel_queue_destroy(q, 100), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

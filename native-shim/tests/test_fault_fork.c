// SPDX-License-Identifier: Apache-2.0
/*
 * FORK: a handle used from a forked child answers ENODEV (UACCE wipes queue
 * mappings on fork). Both the injected fault and a real fork() child; the
 * parent's device keeps working.
 */
#include "test_common.h"

#include <sys/wait.h>

static int child(accel_dev *dev, accel_queue *q)
{
	uint8_t out[32];
	struct accel_desc d = t_sha256_desc(1, "abc", 3, out);
	struct accel_cqe c;
	struct accel_health h;
	struct accel_caps caps;
	accel_queue *q2 = NULL;
	uint32_t acc = 9, got = 9;

	t_name = "fault_fork(child)";
	CHECK_RC(accel_submit(q, &d, 1, &acc), ACCEL_ENODEV);
	CHECK(acc == 0, "accepted");
	CHECK_RC(accel_reap(q, &c, 1, &got), ACCEL_ENODEV);
	CHECK_RC(accel_wait(q, 10), ACCEL_ENODEV);
	CHECK_RC(accel_queue_create(dev, 8, &q2), ACCEL_ENODEV);
	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_ENODEV);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_CLEAR, 0, 0), ACCEL_ENODEV);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == ACCEL_HEALTH_FORKED, "state %d", h.state);
	CHECK_RC(accel_queue_destroy(q, 0), ACCEL_ENODEV);
	CHECK_RC(accel_dev_close(dev), ACCEL_ENODEV);
	/* the child can open its own device */
	accel_dev *mine = t_open(ACCEL_BACKEND_CPU, 0, 0);
	accel_queue *mq = t_queue(mine, 4);

	REQUIRE(t_run(mq, &d, 1, &c) == 0 && c.status == 0, "child's own device");
	CHECK_RC(accel_queue_destroy(mq, 0), ACCEL_OK);
	CHECK_RC(accel_dev_close(mine), ACCEL_OK);
	fflush(stdout);
	return t_failures ? 1 : 0;
}

int main(void)
{
	accel_dev *dev;
	accel_queue *q;
	uint8_t out[32];
	struct accel_desc d = t_sha256_desc(1, "abc", 3, out);
	struct accel_cqe c;
	struct accel_health h;
	uint32_t acc;
	int status;
	pid_t pid;

	t_name = "fault_fork";
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 2);
	q = t_queue(dev, 8);

	/* injected */
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_FORK, 1, 0), ACCEL_OK);
	CHECK_RC(accel_submit(q, &d, 1, &acc), ACCEL_ENODEV);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == ACCEL_HEALTH_FORKED, "state %d", h.state);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_CLEAR, 0, 0), ACCEL_OK);
	REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0, "after clear");

	/* real fork, with a request in flight in the parent */
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_DELAY, 1, 50000), ACCEL_OK);
	CHECK_RC(accel_submit(q, &d, 1, &acc), ACCEL_OK);
	fflush(stdout);
	pid = fork();
	REQUIRE(pid >= 0, "fork");
	if (pid == 0)
		_exit(child(dev, q));
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed (status %d)", status);
	uint32_t have = 0;

	t_reap(q, &c, &have, 1, 5000);
	CHECK(have == 1 && c.status == 0, "parent's in-flight request");
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

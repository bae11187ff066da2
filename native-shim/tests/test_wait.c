// SPDX-License-Identifier: Apache-2.0
/*
 * accel_wait: times out when nothing is pending, wakes on a completion, and
 * enforces one waiter per queue (a second concurrent waiter gets EALREADY; on
 * emu a reap beside the waiter is allowed). The queue's eventfd is readable
 * while completions are pending.
 */
#include "test_common.h"

#include <poll.h>
#include <pthread.h>

static accel_queue *q;
static volatile int waiter_rc = 1;

static void *waiter(void *arg)
{
	(void)arg;
	int rc;

	do	/* main's probe below may hold the waiter role for an instant */
		rc = accel_wait(q, 3000);
	while (rc == ACCEL_EALREADY);
	waiter_rc = rc;
	return NULL;
}

int main(void)
{
	accel_dev *dev;
	pthread_t th;
	uint8_t out[32];
	struct accel_desc d;
	struct accel_cqe c;
	uint32_t acc, got = 0;
	uint64_t t0;
	struct pollfd pfd;
	int efd;

	t_name = "wait";
	t_require_threads();
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 2);
	q = t_queue(dev, 8);
	t0 = t_now_ms();
	CHECK_RC(accel_wait(q, 50), ACCEL_ETIMEDOUT);
	CHECK(t_now_ms() - t0 >= 45, "returned early");
	CHECK_RC(accel_wait(q, 0), ACCEL_ETIMEDOUT);

	efd = accel_queue_eventfd(q);
	CHECK(efd >= 0, "eventfd %d", efd);
	CHECK(accel_queue_eventfd(q) == efd, "eventfd not stable");
	pfd = (struct pollfd){ .fd = efd, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 0, "eventfd readable while empty");

	/* a second thread waits while we wait: exactly one of us gets EALREADY */
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_DELAY, 1, 300000), ACCEL_OK);
	d = t_sha256_desc(7, "abc", 3, out);
	CHECK_RC(accel_submit(q, &d, 1, &acc), ACCEL_OK);
	pthread_create(&th, NULL, waiter, NULL);
	{
		/* probe until the waiter is inside accel_wait (a loaded machine may start it late) */
		int rc = ACCEL_ETIMEDOUT;

		for (int i = 0; i < 250 && rc == ACCEL_ETIMEDOUT; i++) {
			usleep(1000);
			rc = accel_wait(q, 0);
		}
		CHECK_RC(rc, ACCEL_EALREADY);
	}
	/* emu: a reap beside the waiter is allowed (the delayed completion is not there yet) */
	CHECK_RC(accel_reap(q, &c, 1, &got), ACCEL_OK);
	CHECK(got == 0, "nothing to reap yet, got %u", got);
	pthread_join(th, NULL);
	CHECK(waiter_rc == ACCEL_OK, "waiter %d", waiter_rc);
	CHECK(poll(&pfd, 1, 1000) == 1, "eventfd not readable with a completion pending");
	CHECK_RC(accel_reap(q, &c, 1, &got), ACCEL_OK);
	CHECK(got == 1 && c.user_tag == 7 && c.status == 0, "cqe");
	if (poll(&pfd, 1, 0) == 1) {
		/* the producer's eventfd write may land after the reap: one more reap clears it */
		CHECK_RC(accel_reap(q, &c, 1, &got), ACCEL_OK);
		CHECK(got == 0, "spurious readiness with a completion: %u", got);
	}
	CHECK(poll(&pfd, 1, 0) == 0, "eventfd still readable after draining");

	/* wait wakes promptly when a completion arrives */
	d.user_tag = 8;
	CHECK_RC(accel_submit(q, &d, 1, &acc), ACCEL_OK);
	t0 = t_now_ms();
	CHECK_RC(accel_wait(q, 5000), ACCEL_OK);
	CHECK(t_now_ms() - t0 < 1000, "slow wake");
	CHECK_RC(accel_reap(q, &c, 1, &got), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

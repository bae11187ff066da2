// SPDX-License-Identifier: Apache-2.0
/*
 * accel_dev_close against device-level calls on other threads: one thread
 * opens and closes devices in a loop while two others create and destroy
 * queues, read caps and health, inject faults and allocate buffers on
 * whatever handle they last saw, often a closed one. Every call must
 * answer (OK, EBUSY for a close while another call is inside, EINVAL or
 * ENODEV for a closed handle); none may touch freed memory, which ASan
 * (make check-asan) turns into a failure. A closed handle is refused
 * without being read, so this holds for handles freed long ago as well.
 */
#include "test_common.h"

#include <pthread.h>
#include <stdatomic.h>

#define ROUNDS 500

static _Atomic(accel_dev *) current;
static atomic_int done;
static atomic_long created, refused, closed_busy;

static void *user(void *arg)
{
	(void)arg;
	while (!atomic_load(&done)) {
		accel_dev *dev = atomic_load(&current);
		accel_queue *q = NULL;
		struct accel_caps caps;
		struct accel_health h;
		void *buf;
		int rc;

		if (!dev)
			continue;
		rc = accel_queue_create(dev, 4, &q);
		if (rc == ACCEL_OK) {
			atomic_fetch_add(&created, 1);
			CHECK_RC(accel_queue_destroy(q, 0), ACCEL_OK);
		} else {
			CHECK(rc == ACCEL_EINVAL || rc == ACCEL_ENODEV, "queue_create: %d", rc);
			atomic_fetch_add(&refused, 1);
		}
		rc = accel_dev_caps(dev, &caps);
		CHECK(rc == ACCEL_OK || rc == ACCEL_EINVAL, "caps: %d", rc);
		rc = accel_dev_health(dev, &h);
		CHECK(rc == ACCEL_OK || rc == ACCEL_EINVAL, "health: %d", rc);
		rc = accel_emu_inject(dev, ACCEL_FAULT_CLEAR, 0, 0);
		CHECK(rc == ACCEL_OK || rc == ACCEL_EINVAL, "inject: %d", rc);
		buf = accel_buf_alloc(dev, 4096);
		if (buf)
			accel_buf_free(dev, buf, 4096);
	}
	return NULL;
}

int main(void)
{
	pthread_t users[2];

	t_name = "close_race";
	t_require_threads();
	t_require_backend(ACCEL_BACKEND_EMU);
	for (int i = 0; i < 2; i++)
		REQUIRE(pthread_create(&users[i], NULL, user, NULL) == 0, "pthread_create");
	for (int r = 0; r < ROUNDS; r++) {
		accel_dev *dev = t_open(ACCEL_BACKEND_EMU, 0, 0);
		int rc;

		atomic_store(&current, dev);
		if (r == 0)	/* an event, not a delay: a queue was created on a live device */
			while (!atomic_load(&created))
				sched_yield();
		sched_yield();
		/* the users keep the old handle for a while: the next rounds close under them */
		while ((rc = accel_dev_close(dev)) == ACCEL_EBUSY) {
			atomic_fetch_add(&closed_busy, 1);
			sched_yield();
		}
		CHECK_RC(rc, ACCEL_OK);
		CHECK_RC(accel_dev_close(dev), ACCEL_EINVAL);	/* a closed handle: refused, not read */
	}
	atomic_store(&done, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(users[i], NULL);
	printf("  %d closes; queues created %ld, refused on a closed handle %ld; close EBUSY %ld\n",
	       ROUNDS, atomic_load(&created), atomic_load(&refused), atomic_load(&closed_busy));
	return t_done();
}

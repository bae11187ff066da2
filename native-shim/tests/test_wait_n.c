// SPDX-License-Identifier: Apache-2.0
/*
 * accel_wait_n / accel_wait_limit: a waiter that asks for n completions
 * sleeps through fewer, returns at its deadline with whatever arrived (never
 * with none: ETIMEDOUT), and accel_wait_limit (during the wait, or just before
 * it) lowers the count, never raises it, for that one wait only.
 */
#include "test_common.h"

#include <pthread.h>

static accel_queue *q;
static volatile int waiter_rc = 1;
static volatile uint64_t waiter_ms;

static void *waiter(void *arg)
{
	uint64_t t0 = t_now_ms();

	(void)arg;
	waiter_rc = accel_wait_n(q, 4, 5000);
	waiter_ms = t_now_ms() - t0;
	return NULL;
}

/* Submits one SHA-256 request, delayed by delay_us when delay_us > 0. */
static void submit(accel_dev *dev, uint64_t tag, uint64_t delay_us, uint8_t *out)
{
	struct accel_desc d = t_sha256_desc(tag, "abc", 3, out);
	uint32_t acc = 0;

	if (delay_us)
		CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_DELAY, 1, delay_us), ACCEL_OK);
	CHECK_RC(accel_submit(q, &d, 1, &acc), ACCEL_OK);
	CHECK(acc == 1, "not accepted");
}

/* accel_wait_n(q, n, timeout_ms) must answer want; returns how long it took, in ms. */
static uint64_t timed_wait_n(uint32_t n, uint32_t timeout_ms, int want)
{
	uint64_t t0 = t_now_ms();

	CHECK_RC(accel_wait_n(q, n, timeout_ms), want);
	return t_now_ms() - t0;
}

static uint32_t reap_all(void)
{
	struct accel_cqe c[16];
	uint32_t got = 0;

	CHECK_RC(accel_reap(q, c, 16, &got), ACCEL_OK);
	for (uint32_t i = 0; i < got; i++)
		CHECK(c[i].status == ACCEL_OK, "cqe %u status %d", i, c[i].status);
	return got;
}

int main(void)
{
	accel_dev *dev;
	pthread_t th;
	uint8_t out[4][32];
	uint64_t took;
	uint32_t got;

	t_name = "wait_n";
	t_require_threads();
	CHECK_RC(accel_wait_n(NULL, 2, 0), ACCEL_EINVAL);
	CHECK_RC(accel_wait_limit(NULL, 1), ACCEL_EINVAL);
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 2);
	q = t_queue(dev, 16);
	CHECK_RC(accel_wait_n(q, 3, 0), ACCEL_ETIMEDOUT);

	/* three requests, two of them 150 ms late: wait_n(3) sleeps through the first */
	submit(dev, 1, 0, out[0]);
	submit(dev, 2, 150000, out[1]);
	submit(dev, 3, 150000, out[2]);
	took = timed_wait_n(3, 5000, ACCEL_OK);
	CHECK(took >= 100, "woke after %llu ms, before the delayed completions", (unsigned long long)took);
	got = reap_all();
	CHECK(got == 3, "want all 3 completions at once, got %u", got);

	/* more asked for than in flight: the deadline returns what came, as OK */
	submit(dev, 4, 0, out[0]);
	submit(dev, 5, 0, out[1]);
	took = timed_wait_n(5, 120, ACCEL_OK);
	CHECK(took >= 100, "returned after %llu ms, before the deadline", (unsigned long long)took);
	CHECK(reap_all() == 2, "want the 2 that came");

	/* accel_wait_limit(1) during a wait for 4: the one completion present is enough */
	submit(dev, 6, 0, out[0]);
	submit(dev, 7, 2000000, out[1]);	/* 2 s: still in flight when the waiter returns */
	pthread_create(&th, NULL, waiter, NULL);
	usleep(100000);
	CHECK(waiter_rc == 1, "wait_n(4) returned with fewer before the limit: rc %d", waiter_rc);
	CHECK_RC(accel_wait_limit(q, 9), ACCEL_OK);	/* no lower than 4: changes nothing */
	usleep(50000);
	CHECK(waiter_rc == 1, "a limit above the count woke the wait: rc %d", waiter_rc);
	CHECK_RC(accel_wait_limit(q, 1), ACCEL_OK);
	pthread_join(th, NULL);
	CHECK(waiter_rc == ACCEL_OK && waiter_ms < 1500, "lowered wait: rc %d after %llu ms", waiter_rc,
	      (unsigned long long)waiter_ms);
	CHECK(reap_all() == 1, "want the one fast completion");

	/* a limit before the wait caps the next wait (tag 7 is still in flight: nothing pending) */
	CHECK_RC(accel_wait_limit(q, 0), ACCEL_OK);	/* 0 counts as 1 */
	submit(dev, 8, 0, out[2]);
	CHECK(timed_wait_n(UINT32_MAX, 5000, ACCEL_OK) < 1500, "a limit before the wait was lost");
	CHECK(reap_all() == 1, "want tag 8");
	/* ... and only that one: the cap ended with it */
	submit(dev, 9, 0, out[3]);
	took = timed_wait_n(2, 3000, ACCEL_OK);	/* tag 9 now, tag 7 at ~2 s */
	CHECK(took >= 500, "the cap outlived its wait: returned after %llu ms", (unsigned long long)took);
	CHECK(reap_all() == 2, "want tags 7 and 9");

	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

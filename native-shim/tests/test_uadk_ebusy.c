// SPDX-License-Identifier: Apache-2.0
/*
 * uadk backend backpressure: a full UADK context (-EBUSY from wd_do_*_async)
 * makes accel_submit take a prefix and answer EAGAIN, never block or drop;
 * the ring bound (depth - 1) holds as well; everything submitted completes
 * correctly once reaped. Also the accel_wait path (polled completions).
 */
#include "test_uadk_common.h"

#define N 64

int main(void)
{
	static uint8_t src[N][100], out[N][32], ref[N][32];
	struct accel_desc d[N];
	struct accel_cqe c[N];
	accel_dev *dev, *cdev;
	accel_queue *q, *cq;
	uint32_t acc = 0, have = 0;
	int rc;

	t_name = "uadk_ebusy";
	t_uadk_setup("ok");
	dev = t_uadk_open(0);
	q = t_queue(dev, 128);
	for (int i = 0; i < N; i++) {
		memset(src[i], i, sizeof(src[i]));
		d[i] = t_sha256_desc((uint64_t)i, src[i], sizeof(src[i]), out[i]);
	}

	/* the context holds 4: the fifth is EBUSY -> EAGAIN with 4 accepted */
	dbl_control(DBL_DEPTH, 4, 0);
	rc = accel_submit(q, d, N, &acc);
	CHECK(rc == ACCEL_EAGAIN && acc == 4, "submit = %d, accepted %u", rc, acc);
	CHECK(accel_queue_inflight(q) == 4, "inflight %u", accel_queue_inflight(q));
	CHECK(dbl_stat(DBL_STAT_EBUSY) == 1, "ebusy %ld", dbl_stat(DBL_STAT_EBUSY));
	rc = accel_submit(q, d + 4, N - 4, &acc);
	CHECK(rc == ACCEL_EAGAIN && acc == 0, "still full: %d, %u", rc, acc);
	CHECK_RC(accel_wait(q, 1000), ACCEL_OK);
	t_reap(q, c, &have, 4, 2000);
	CHECK(have == 4, "reaped %u", have);
	/* the rest, reaping as we go */
	REQUIRE(t_run(q, d + 4, N - 4, c + 4) == 0, "rest");
	have = N;
	dbl_control(DBL_DEPTH, 1024, 0);

	cdev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	cq = t_queue(cdev, 128);
	for (int i = 0; i < N; i++) {
		memcpy(ref[i], out[i], 32);
		d[i].dst = ref[i];
	}
	REQUIRE(t_run(cq, d, N, c) == 0, "cpu");
	for (int i = 0; i < N; i++) {
		d[i].dst = out[i];
		CHECK(!memcmp(out[i], ref[i], 32) && c[i].status == 0, "digest %d", i);
	}

	/* the ring bound: depth 8 takes 7 */
	{
		accel_queue *q8 = t_queue(dev, 8);

		rc = accel_submit(q8, d, 10, &acc);
		CHECK(rc == ACCEL_EAGAIN && acc == 7, "ring bound: %d, %u", rc, acc);
		have = 0;
		t_reap(q8, c, &have, 7, 2000);
		CHECK(have == 7, "reaped %u", have);
		CHECK_RC(accel_wait(q8, 10), ACCEL_ETIMEDOUT);
		CHECK_RC(accel_queue_destroy(q8, 100), ACCEL_OK);
	}
	accel_queue_destroy(cq, 100);
	accel_dev_close(cdev);
	CHECK_RC(accel_queue_destroy(q, 100), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

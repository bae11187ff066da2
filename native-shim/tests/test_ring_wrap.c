// SPDX-License-Identifier: Apache-2.0
/*
 * Ring wrap-around: push 200 requests (> 3 x depth, so the free-running
 * counters wrap the slots many times) through a depth-4 queue (usable 3) on
 * every backend; every tag completes exactly once with the right digest.
 */
#include "test_common.h"

#define N 200

static void run(uint32_t backend)
{
	accel_dev *dev = t_open(backend, ACCEL_PROFILE_FAST, 0);
	accel_queue *q = t_queue(dev, 4);
	static uint8_t msg[N][8], out[N][32], ref[N][32];
	static struct accel_desc d[N];
	static struct accel_cqe c[N];
	int seen[N] = { 0 };
	uint32_t max_inflight = 0, sent = 0, have = 0;

	for (int i = 0; i < N; i++) {
		memcpy(msg[i], &i, sizeof(i));
		d[i] = t_sha256_desc(i, msg[i], sizeof(msg[i]), out[i]);
	}
	/* reference digests, one at a time */
	for (int i = 0; i < N; i++) {
		struct accel_desc r = t_sha256_desc(1000 + i, msg[i], sizeof(msg[i]), ref[i]);
		struct accel_cqe rc;

		REQUIRE(t_run(q, &r, 1, &rc) == 0 && rc.status == 0, "reference %d", i);
	}
	while (sent < N) {
		uint32_t acc = 0;
		int rc = accel_submit(q, d + sent, N - sent, &acc);

		CHECK(rc == ACCEL_OK || rc == ACCEL_EAGAIN, "submit %d", rc);
		CHECK(acc <= 3, "accepted %u > usable depth", acc);
		sent += acc;
		if (accel_queue_inflight(q) > max_inflight)
			max_inflight = accel_queue_inflight(q);
		t_reap(q, c, &have, have + 1, 2000);
	}
	t_reap(q, c, &have, N, 5000);
	CHECK(have == N, "reaped %u of %d", have, N);
	CHECK(max_inflight <= 3, "inflight %u", max_inflight);
	for (uint32_t j = 0; j < have; j++) {
		uint64_t t = c[j].user_tag;

		REQUIRE(t < N, "bad tag %" PRIu64, t);
		seen[t]++;
		CHECK(c[j].status == 0 && !memcmp(out[t], ref[t], 32), "tag %" PRIu64, t);
	}
	for (int i = 0; i < N; i++)
		CHECK(seen[i] == 1, "tag %d seen %d times", i, seen[i]);
	CHECK(accel_queue_inflight(q) == 0, "inflight left");
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

int main(void)
{
	t_name = "ring_wrap";
	run(ACCEL_BACKEND_EMU);
	run(ACCEL_BACKEND_CPU);
	return t_done();
}

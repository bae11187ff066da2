// SPDX-License-Identifier: Apache-2.0
/*
 * Queue destroy: drains in-flight requests up to drain_ms, cancels the rest,
 * and once it returns no engine touches their buffers; sessions with
 * requests in flight refuse to be destroyed (EBUSY); the queue budget is
 * released; many sessions grow the session table.
 */
#include "test_common.h"

int main(void)
{
	accel_dev *dev;
	accel_queue *q;
	uint8_t key[32] = { 9 }, iv[12] = { 0 }, tag[4][16];
	uint8_t *src, *dst;
	struct accel_desc d[4];
	struct accel_health h;
	uint64_t s, t0, many[100];
	uint32_t acc;

	t_name = "destroy";
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 2);
	src = accel_buf_alloc(dev, 4 * 4096);
	dst = accel_buf_alloc(dev, 4 * 4096);
	REQUIRE(src && dst, "alloc");

	/* 1: drain completes in time; the completions are simply discarded */
	q = t_queue(dev, 8);
	s = t_aead_session(q, key, 32);
	for (int i = 0; i < 4; i++)
		d[i] = (struct accel_desc){ .user_tag = i, .session = s, .op = ACCEL_OP_GCM_SEAL,
					    .src = src + i * 4096, .src_len = 4096,
					    .dst = dst + i * 4096, .dst_len = 4096, .iv = iv,
					    .iv_len = 12, .tag_len = 16, .tag = tag[i] };
	CHECK_RC(accel_submit(q, d, 4, &acc), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 5000), ACCEL_OK);

	/* 2: stalled requests are cancelled after drain_ms and never written afterwards */
	q = t_queue(dev, 8);
	s = t_aead_session(q, key, 32);
	for (int i = 0; i < 4; i++)
		d[i].session = s;
	memset(dst, 0x33, 4 * 4096);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_DELAY, 0, 2000000), ACCEL_OK);	/* 2 s each */
	CHECK_RC(accel_submit(q, d, 4, &acc), ACCEL_OK);
	usleep(20000);
	CHECK_RC(accel_session_destroy(q, s), ACCEL_EBUSY);	/* requests in flight */
	t0 = t_now_ms();
	CHECK_RC(accel_queue_destroy(q, 100), ACCEL_OK);
	CHECK(t_now_ms() - t0 < 1500, "destroy took %" PRIu64 " ms", t_now_ms() - t0);
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_CLEAR, 0, 0), ACCEL_OK);
	usleep(100000);
	for (int i = 0; i < 4 * 4096; i++)
		if (dst[i] != 0x33) {
			CHECK(0, "dst written after destroy at %d", i);
			break;
		}

	/* 3: sessions: table growth, stale handles, budget release */
	q = t_queue(dev, 4);
	for (int i = 0; i < 100; i++)
		many[i] = t_aead_session(q, key, 16 + 8 * (i % 3));
	for (int i = 0; i < 100; i += 2)
		CHECK_RC(accel_session_destroy(q, many[i]), ACCEL_OK);
	for (int i = 0; i < 100; i += 2) {
		uint64_t again = t_aead_session(q, key, 16);

		CHECK(again != many[i], "reused handle value");
		CHECK_RC(accel_session_destroy(q, many[i]), ACCEL_EINVAL);	/* stale */
		CHECK_RC(accel_session_destroy(q, again), ACCEL_OK);
	}
	CHECK_RC(accel_queue_destroy(q, 0), ACCEL_OK);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.queues_open == 0 && h.state == ACCEL_HEALTH_OK, "health %d %u", h.state, h.queues_open);
	accel_buf_free(dev, src, 4 * 4096);
	accel_buf_free(dev, dst, 4 * 4096);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

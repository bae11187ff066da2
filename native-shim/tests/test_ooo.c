// SPDX-License-Identifier: Apache-2.0
/*
 * Out-of-order completion on the emu: with two engines, a large request
 * submitted first completes after a small one submitted second (size-
 * dependent latency, sec-920 profile), and a DELAY fault on the first request
 * makes the reordering deterministic. Completions carry only the tag.
 */
#include "test_common.h"

static void reorder(uint32_t profile, int use_delay)
{
	accel_dev *dev = t_open(ACCEL_BACKEND_EMU, profile, 2);
	accel_queue *q = t_queue(dev, 8);
	uint64_t big_len = (16u << 20) - 512;
	uint8_t *big = accel_buf_alloc(dev, big_len), *bout = accel_buf_alloc(dev, big_len);
	uint8_t key[16] = { 1 }, iv[12] = { 2 }, tag[16], small_out[32];
	uint64_t s = t_aead_session(q, key, 16);
	struct accel_desc d[2];
	struct accel_cqe c[2];
	uint32_t acc, have = 0;

	REQUIRE(big && bout, "alloc");
	if (use_delay)
		CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_DELAY, 1, 200000), ACCEL_OK);
	d[0] = (struct accel_desc){ .user_tag = 1, .session = s, .op = ACCEL_OP_GCM_SEAL,
				    .src = big, .src_len = big_len, .dst = bout, .dst_len = big_len,
				    .iv = iv, .iv_len = 12, .tag_len = 16, .tag = tag };
	d[1] = t_sha256_desc(2, "abc", 3, small_out);
	CHECK_RC(accel_submit(q, d, 2, &acc), ACCEL_OK);
	t_reap(q, c, &have, 2, 10000);
	REQUIRE(have == 2, "reaped %u", have);
	CHECK(c[0].user_tag == 2 && c[1].user_tag == 1, "order %" PRIu64 ",%" PRIu64 " (profile %u, delay %d)",
	      c[0].user_tag, c[1].user_tag, profile, use_delay);
	CHECK(c[0].status == 0 && c[1].status == 0, "status %d %d", c[0].status, c[1].status);
	CHECK(c[1].out_len == big_len, "out_len %u", c[1].out_len);
	accel_buf_free(dev, big, big_len);
	accel_buf_free(dev, bout, big_len);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

int main(void)
{
	t_name = "ooo";
	reorder(ACCEL_PROFILE_FAST, 1);
	reorder(ACCEL_PROFILE_SEC_920, 0);
	reorder(ACCEL_PROFILE_SEC_920, 1);
	return t_done();
}

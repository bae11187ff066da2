// SPDX-License-Identifier: Apache-2.0
/*
 * The emulator's device time (DEVICE-MODEL.md "Profiles"): a completion never
 * appears before the profile says it can. sec-920: every AES-GCM or SHA
 * request completes at least its 10 us base (pipeline) latency after submit,
 * also when many share one engine and their latencies overlap on the delay
 * line; hpre-920: an RSA-2048 private-key operation occupies its engine at
 * least ~80 us. fast: no added time, results as always. Only lower bounds are
 * checked: how much later a completion comes depends on the host's load.
 */
#include <time.h>

#include "rsa_key_1024.h"
#include "test_common.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Submits d[0..n) at once; returns ns from submit to the first completion seen. */
static uint64_t first_completion_ns(accel_queue *q, const struct accel_desc *d, uint32_t n,
				    struct accel_cqe *c)
{
	uint32_t acc = 0, have = 0;
	uint64_t t0 = now_ns(), first = 0;

	CHECK_RC(accel_submit(q, d, n, &acc), ACCEL_OK);
	CHECK(acc == n, "accepted %u of %u", acc, n);
	while (have < n) {
		uint32_t got = 0;

		if (accel_reap(q, c + have, n - have, &got) != ACCEL_OK)
			break;
		if (got && !first)
			first = now_ns() - t0;
		have += got;
		if (!got && accel_wait(q, 2000) != ACCEL_OK)
			break;
	}
	CHECK(have == n, "reaped %u of %u", have, n);
	for (uint32_t i = 0; i < have; i++)
		CHECK(c[i].status == ACCEL_OK, "status %d", c[i].status);
	return first;
}

int main(void)
{
	static const uint8_t abc_sha256[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
		0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
		0xf2, 0x00, 0x15, 0xad };
	struct accel_desc d[16];
	struct accel_cqe c[16];
	uint8_t out[16][32];
	uint32_t profiles[] = { ACCEL_PROFILE_SEC_920, ACCEL_PROFILE_FAST };

	t_name = "emu_timing";
	for (size_t p = 0; p < 2; p++) {
		accel_dev *dev = t_open(ACCEL_BACKEND_EMU, profiles[p], 1);
		accel_queue *q = t_queue(dev, 32);

		for (int round = 0; round < 3; round++) {
			uint64_t first;

			memset(out, 0, sizeof(out));
			for (uint32_t i = 0; i < 16; i++)
				d[i] = t_sha256_desc(i + 1, "abc", 3, out[i]);
			first = first_completion_ns(q, d, 16, c);
			if (profiles[p] == ACCEL_PROFILE_SEC_920)
				CHECK(first >= 10000, "sec-920: first of 16 completed %" PRIu64 " ns after submit",
				      first);
			for (uint32_t i = 0; i < 16; i++)
				CHECK(!memcmp(out[i], abc_sha256, 32), "digest %u (profile %u)", i, profiles[p]);
		}
		CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
		CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	}

	{
		accel_dev *dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_HPRE_920, 1);
		accel_queue *q = t_queue(dev, 8);
		struct accel_rsa_key key = t_rsa1024();
		uint8_t rout[128];
		uint64_t s = 0, first;

		CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s), ACCEL_OK);
		d[0] = (struct accel_desc){ .user_tag = 1, .session = s, .op = ACCEL_OP_RSA_PRIV_CRT,
					    .src = rsa_m, .src_len = 128, .dst = rout, .dst_len = 128 };
		first = first_completion_ns(q, d, 1, c);
		/* RSA-1024: 80 us x (1024 / 2048)^3 = 10 us of engine occupancy */
		CHECK(first >= 10000, "hpre-920: RSA-1024 private completed %" PRIu64 " ns after submit", first);
		CHECK(!memcmp(rout, rsa_m_priv, 128), "RSA-1024 private known answer");
		CHECK_RC(accel_session_destroy(q, s), ACCEL_OK);
		CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
		CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	}
	return t_done();
}

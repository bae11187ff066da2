// SPDX-License-Identifier: Apache-2.0
/*
 * accel_execute: the cpu backend's synchronous fast path gives the same
 * results as accel_submit + accel_reap (GCM seal/open, tampered open ->
 * EBADMSG with the plaintext zeroed, SHA-256), rejects what accel_submit
 * rejects, and is ENOTSUP on the emulated device; the flat forms
 * accel_execute_gcm / accel_execute_digest likewise.
 */
#include "test_common.h"

int main(void)
{
	accel_dev *dev = t_open(ACCEL_BACKEND_CPU, 0, 0), *emu;
	accel_queue *q = t_queue(dev, 4), *eq;
	uint8_t key[32] = { 1, 2, 3 }, iv[12] = { 4 }, aad[20] = { 5 }, src[300], ct[300], ct2[300],
		pt[300], tag[16], tag2[16], md[32], md2[32];
	uint64_t sess;
	uint32_t out_len = 99;
	struct accel_desc d;
	struct accel_cqe c;
	struct accel_health h;

	t_name = "execute";
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 3);
	sess = t_aead_session(q, key, 32);
	d = (struct accel_desc){ .session = sess, .op = ACCEL_OP_GCM_SEAL, .src = src,
				 .src_len = sizeof(src), .dst = ct, .dst_len = sizeof(ct), .aad = aad,
				 .aad_len = sizeof(aad), .iv = iv, .iv_len = 12, .tag_len = 16,
				 .tag = tag };
	CHECK_RC(accel_execute(q, &d, &out_len), ACCEL_OK);
	CHECK(out_len == sizeof(src), "seal out_len %u", out_len);
	d.dst = ct2;
	d.tag = tag2;
	REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0, "submit seal");
	CHECK(!memcmp(ct, ct2, sizeof(ct)) && !memcmp(tag, tag2, 16), "same as accel_submit");

	d.op = ACCEL_OP_GCM_OPEN;
	d.src = ct;
	d.dst = pt;
	d.tag = tag;
	CHECK_RC(accel_execute(q, &d, &out_len), ACCEL_OK);
	CHECK(out_len == sizeof(src) && !memcmp(pt, src, sizeof(src)), "open");
	tag[3] ^= 1;
	memset(pt, 0x77, sizeof(pt));
	CHECK_RC(accel_execute(q, &d, &out_len), ACCEL_EBADMSG);
	CHECK(out_len == 0, "EBADMSG out_len %u", out_len);
	for (size_t i = 0; i < sizeof(pt); i++)
		if (pt[i]) {
			CHECK(0, "plaintext released at %zu", i);
			break;
		}

	d = t_sha256_desc(0, src, sizeof(src), md);
	CHECK_RC(accel_execute(q, &d, &out_len), ACCEL_OK);
	CHECK(out_len == 32, "sha out_len %u", out_len);
	d.dst = md2;
	REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0, "submit sha");
	CHECK(!memcmp(md, md2, 32), "sha same as accel_submit");

	/* flat forms */
	CHECK_RC(accel_execute_digest(q, ACCEL_OP_SHA256, src, 0, sizeof(src), md2, 0, 32), ACCEL_OK);
	CHECK(!memcmp(md, md2, 32), "accel_execute_digest");
	CHECK_RC(accel_execute_digest(q, ACCEL_OP_SHA256, src, 0, sizeof(src), md2, 0, 31), ACCEL_EINVAL);
	CHECK_RC(accel_execute_digest(q, ACCEL_OP_GCM_SEAL, src, 0, sizeof(src), md2, 0, 32), ACCEL_EINVAL);
	tag[3] ^= 1;	/* the good tag again */
	CHECK_RC(accel_execute_gcm(q, sess, ACCEL_OP_GCM_OPEN, iv, 0, 12, aad, 0, sizeof(aad), ct, 0,
				   sizeof(ct), pt, 0, tag, 0, 16), ACCEL_OK);
	CHECK(!memcmp(pt, src, sizeof(src)), "accel_execute_gcm open");
	CHECK_RC(accel_execute_gcm(q, sess, ACCEL_OP_GCM_SEAL, iv, 0, 12, aad, 0, sizeof(aad), src, 0,
				   sizeof(src), ct2, 0, tag2, 0, 16), ACCEL_OK);
	CHECK(!memcmp(ct, ct2, sizeof(ct)) && !memcmp(tag, tag2, 16), "accel_execute_gcm seal");
	tag2[0] ^= 1;
	CHECK_RC(accel_execute_gcm(q, sess, ACCEL_OP_GCM_OPEN, iv, 0, 12, aad, 0, sizeof(aad), ct2, 0,
				   sizeof(ct2), pt, 0, tag2, 0, 16), ACCEL_EBADMSG);
	CHECK(pt[0] == 0 && pt[299] == 0, "flat EBADMSG: plaintext zeroed");
	CHECK_RC(accel_execute_gcm(q, sess, ACCEL_OP_SHA256, iv, 0, 12, aad, 0, 0, src, 0, 16, ct2, 0,
				   tag2, 0, 16), ACCEL_EINVAL);
	/* offsets: the same seal from inside larger arrays, the tag written behind the ciphertext */
	{
		uint8_t big_src[sizeof(src) + 7], big_out[sizeof(src) + 16 + 5], big_iv[12 + 3];

		memcpy(big_src + 7, src, sizeof(src));
		memcpy(big_iv + 3, iv, 12);
		CHECK_RC(accel_execute_gcm(q, sess, ACCEL_OP_GCM_SEAL, big_iv, 3, 12, aad, 0, sizeof(aad),
					   big_src, 7, sizeof(src), big_out, 5, big_out,
					   5 + sizeof(src), 16), ACCEL_OK);
		CHECK(!memcmp(big_out + 5, ct, sizeof(ct)) && !memcmp(big_out + 5 + sizeof(src), tag, 16),
		      "accel_execute_gcm with offsets");
		CHECK_RC(accel_execute_digest(q, ACCEL_OP_SHA256, big_src, 7, sizeof(src), big_out, 3, 32),
			 ACCEL_OK);
		CHECK(!memcmp(big_out + 3, md, 32), "accel_execute_digest with offsets");
	}

	/* what accel_submit rejects */
	d.dst_len = 16;
	CHECK_RC(accel_execute(q, &d, &out_len), ACCEL_EINVAL);
	d = (struct accel_desc){ .session = sess ^ 0x100000000ull, .op = ACCEL_OP_GCM_SEAL,
				 .src = src, .src_len = 16, .dst = ct, .dst_len = 16, .iv = iv,
				 .iv_len = 12, .tag_len = 16, .tag = tag };
	CHECK_RC(accel_execute(q, &d, &out_len), ACCEL_EINVAL);	/* stale session handle */
	CHECK_RC(accel_execute(q, NULL, &out_len), ACCEL_EINVAL);
	CHECK_RC(accel_execute(q, &d, NULL), ACCEL_EINVAL);
	CHECK_RC(accel_execute(NULL, &d, &out_len), ACCEL_EINVAL);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.submitted >= 6, "health counts executes: %llu", (unsigned long long)h.submitted);

	/* emu: asynchronous only */
	emu = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 1);
	eq = t_queue(emu, 4);
	d = t_sha256_desc(0, src, sizeof(src), md);
	CHECK_RC(accel_execute(eq, &d, &out_len), ACCEL_ENOTSUP);
	CHECK_RC(accel_queue_destroy(eq, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(emu), ACCEL_OK);

	CHECK_RC(accel_session_destroy(q, sess), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

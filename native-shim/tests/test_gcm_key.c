// SPDX-License-Identifier: Apache-2.0
/*
 * accel_gcm_key_*: the keyed AES-GCM calls the cpu device's per-record path
 * uses give the same results as a session on the cpu device's queue (every
 * key size, 12-byte and other IVs, empty message and AAD, in place), an open
 * with a bad tag is EBADMSG with the plaintext zeroed, and every argument the
 * Java side validates is also refused here: memory that is short, misaligned
 * or was never initialised (a wiped context included), bad key, IV and tag
 * lengths, another opcode.
 */
#include "test_common.h"

#include <stdlib.h>
#include <unistd.h>

static int run(const void *k, uint32_t bytes, uint32_t op, const uint8_t *iv, uint32_t iv_len,
	       const uint8_t *aad, uint64_t aad_len, const uint8_t *src, uint64_t len, uint8_t *dst,
	       uint8_t *tag, uint32_t tag_len)
{
	return accel_gcm_key_run(k, bytes, op, iv, 0, iv_len, aad, 0, aad_len, src, 0, len, dst, 0,
				 tag, 0, tag_len);
}

int main(void)
{
	accel_dev *dev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	accel_queue *q = t_queue(dev, 4);
	uint32_t bytes = accel_gcm_key_bytes();
	uint8_t *k = aligned_alloc(64, (bytes + 127) & ~63u), key[32], iv[60], aad[33], src[1000],
		ct[1000], ct2[1000], pt[1000], tag[16], tag2[16];
	static const uint32_t ivs[] = { 12, 1, 16, 60 }, lens[] = { 0, 1, 16, 999 };

	t_name = "gcm_key";
	REQUIRE(k && bytes >= 1024 + 64, "accel_gcm_key_bytes %u", bytes);
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0xa0 + i);
	memset(iv, 0x3c, sizeof(iv));
	memset(aad, 0x5a, sizeof(aad));

	for (uint32_t kl = 16; kl <= 32; kl += 8) {
		uint64_t sess = t_aead_session(q, key, kl);

		CHECK_RC(accel_gcm_key_init(k, bytes, key, kl), ACCEL_OK);
		for (size_t a = 0; a < 4; a++) {
			for (size_t l = 0; l < 4; l++) {
				uint64_t aad_len = l == 2 ? 0 : sizeof(aad);

				CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, ivs[a], aad, aad_len, src,
					     lens[l], ct, tag, 16), ACCEL_OK);
				CHECK_RC(accel_execute_gcm(q, sess, ACCEL_OP_GCM_SEAL, iv, 0, ivs[a], aad, 0,
							   aad_len, src, 0, lens[l], ct2, 0, tag2, 0,
							   16), ACCEL_OK);
				CHECK(!memcmp(ct, ct2, lens[l]) && !memcmp(tag, tag2, 16),
				      "key %u iv %u len %u: same as the queue", kl, ivs[a], lens[l]);
				memset(pt, 0x77, sizeof(pt));
				CHECK_RC(run(k, bytes, ACCEL_OP_GCM_OPEN, iv, ivs[a], aad, aad_len, ct,
					     lens[l], pt, tag, 16), ACCEL_OK);
				CHECK(!memcmp(pt, src, lens[l]), "key %u iv %u len %u: open", kl, ivs[a],
				      lens[l]);
			}
		}
		CHECK_RC(accel_session_destroy(q, sess), ACCEL_OK);
	}

	/* 12-byte tag; in place; a bad tag zeroes the plaintext */
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 12, aad, 5, src, 100, ct, tag, 12), ACCEL_OK);
	memcpy(pt, ct, 100);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_OPEN, iv, 12, aad, 5, pt, 100, pt, tag, 12), ACCEL_OK);
	CHECK(!memcmp(pt, src, 100), "in place");
	tag[11] ^= 0x80;
	memset(pt, 0x77, sizeof(pt));
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_OPEN, iv, 12, aad, 5, ct, 100, pt, tag, 12), ACCEL_EBADMSG);
	for (size_t i = 0; i < 100; i++)
		if (pt[i]) {
			CHECK(0, "plaintext released at %zu", i);
			break;
		}
	tag[11] ^= 0x80;

	/* what Java validates, refused here as well */
	CHECK_RC(accel_gcm_key_init(k, bytes - 1, key, 16), ACCEL_EINVAL);
	CHECK_RC(accel_gcm_key_init(k + 8, bytes, key, 16), ACCEL_EINVAL);
	CHECK_RC(accel_gcm_key_init(NULL, bytes, key, 16), ACCEL_EINVAL);
	CHECK_RC(accel_gcm_key_init(k, bytes, NULL, 16), ACCEL_EINVAL);
	CHECK_RC(accel_gcm_key_init(k, bytes, key, 20), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes - 1, ACCEL_OP_GCM_SEAL, iv, 12, aad, 0, src, 16, ct, tag, 16), ACCEL_EINVAL);
	CHECK_RC(run(k + 64, bytes, ACCEL_OP_GCM_SEAL, iv, 12, aad, 0, src, 16, ct, tag, 16), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_SHA256, iv, 12, aad, 0, src, 16, ct, tag, 16), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 0, aad, 0, src, 16, ct, tag, 16), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 129, aad, 0, src, 16, ct, tag, 16), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 12, aad, 0, src, 16, ct, tag, 11), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_OPEN, iv, 12, aad, 0, src, 16, ct, tag, 17), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, NULL, 12, aad, 0, src, 16, ct, tag, 16), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 12, NULL, 4, src, 16, ct, tag, 16), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 12, aad, 0, NULL, 16, ct, tag, 16), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 12, aad, 0, src, 16, NULL, tag, 16), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 12, aad, 0, src, 16, ct, NULL, 16), ACCEL_EINVAL);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 12, aad, 0, src, 1ull << 31, ct, tag, 16),
		 ACCEL_EINVAL);
	/* a wiped context (what Java's destroy leaves) and one never initialised */
	memset(k, 0, bytes);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 12, aad, 0, src, 16, ct, tag, 16), ACCEL_EINVAL);
	memset(k, 0xa5, bytes);
	CHECK_RC(run(k, bytes, ACCEL_OP_GCM_SEAL, iv, 12, aad, 0, src, 16, ct, tag, 16), ACCEL_EINVAL);

	free(k);
	CHECK_RC(accel_queue_destroy(q, 0), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
#if defined(__x86_64__)
	/* ipsec-mb keeps precomputed key data in the context; EVP keeps the key only: run both */
	if (!getenv("ACCEL_SHIM_KERNEL")) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		REQUIRE(n > 0, "readlink /proc/self/exe");
		self[n] = 0;
		setenv("ACCEL_SHIM_KERNEL", "evp", 1);
		CHECK(system(self) == 0, "the same checks on the EVP kernel failed");
	}
#endif
	return t_done();
}

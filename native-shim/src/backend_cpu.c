// SPDX-License-Identifier: Apache-2.0
/*
 * backend_cpu.c - run-to-completion engine: accel_submit computes each
 * request on the caller's thread and posts its completion before returning,
 * so a reap right after submit finds every accepted request done. The rings
 * and the depth - 1 admission bound are the same as for the device backends,
 * so Java drives every backend identically.
 */
#define _GNU_SOURCE
#include "internal.h"

void shim_cpu_caps(struct accel_caps *c)
{
	c->backend = ACCEL_BACKEND_CPU;
	for (uint32_t op = 1; op <= ACCEL_OP_MAX; op++)
		c->ops_mask |= ACCEL_OP_BIT(op);
	c->aes_key_mask = 7;
	c->gcm_iv_min = 1;		/* SP 800-38D allows any IV length >= 1 bit */
	c->gcm_iv_max = 128;		/* libcrypto 3 limit (GCM_IV_MAX_SIZE) */
	c->gcm_tag_min = 12;
	c->gcm_tag_max = 16;
	c->gcm_open_tag_min = 12;
	c->gcm_aad_max = (1ull << 31) - 1;
	c->gcm_data_max = (1ull << 31) - 1;
	c->gcm_flags = ACCEL_GCM_EMPTY_OK;
	c->rsa_bits_mask = 0xf;
	c->rsa_min_bits = 512;
	c->rsa_max_bits = 16384;
	/*
	 * The engine is the host CPU: it blinds private inputs and checks each CRT
	 * result itself (crypto_libcrypto.c), so the caller need not repeat either.
	 */
	c->rsa_flags = ACCEL_RSA_ANY_SIZE | ACCEL_RSA_BLINDS_AND_VERIFIES;
	c->queue_depth_max = 65536;
	c->queues_max = 4096;
	c->engines = 1;
	c->digest_data_max = (1ull << 31) - 1;
	c->profile = 0;
}

/* One validated request, on the submitting thread; the caller posts the completion. */
int shim_cpu_run(const struct accel_desc *d, const struct shim_sess *s, uint32_t *out_len)
{
	return shim_execute(d, s, out_len);
}

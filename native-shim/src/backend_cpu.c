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

static void cpu_caps(struct accel_caps *c)
{
	c->backend = ACCEL_BACKEND_CPU;
	for (uint32_t op = 1; op <= ACCEL_OP_MAX; op++)
		c->ops_mask |= ACCEL_OP_BIT(op);
	c->aes_key_mask = 7;
	c->gcm_iv_min = SHIM_HOST_GCM_IV_MIN;	/* core.h: the host kernels' limits */
	c->gcm_iv_max = SHIM_HOST_GCM_IV_MAX;
	c->gcm_tag_min = SHIM_HOST_GCM_TAG_MIN;
	c->gcm_tag_max = SHIM_HOST_GCM_TAG_MAX;
	c->gcm_open_tag_min = SHIM_HOST_GCM_TAG_MIN;
	c->gcm_aad_max = SHIM_HOST_GCM_DATA_MAX;
	c->gcm_data_max = SHIM_HOST_GCM_DATA_MAX;
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

static int cpu_dev_open(struct accel_dev *dev)
{
	cpu_caps(&dev->caps);
	if (dev->cfg.max_queues)
		dev->caps.queues_max = dev->cfg.max_queues;
	shim_dev_set_names(dev, "cpu");
	return ACCEL_OK;
}

/* Computes each request on the submitting thread and posts its completion at once. */
static int cpu_submit(struct accel_queue *q, const struct accel_desc *descs, uint32_t n,
		      uint32_t *taken)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct accel_desc *d = &descs[i];
		struct shim_sess *s = shim_sess_get(q, d);
		uint32_t out_len = 0;
		int ret = shim_validate(&q->dev->caps, d, s);

		if (!ret)
			ret = shim_execute(d, s, &out_len);
		/* drop the reference before posting: once reaped, the session may be destroyed */
		shim_sess_put(s);
		shim_post(q, d->user_tag, ret, out_len, 0);
	}
	*taken = n;
	return 0;	/* nothing left for an engine */
}

/* The host half of another device's RSA private-key operation (accel_rsa_host). */
static int cpu_rsa_host(struct shim_sess *s, uint32_t op, const uint8_t *src, uint8_t *dst)
{
	if (op == ACCEL_RSA_HOST_BLIND)
		return shim_rsa_blind(s->rsa, src, dst, s->n_len);
	return shim_rsa_unblind(s->rsa, src, dst, s->n_len);
}

const struct accel_backend_ops accel_cpu_ops = {
	.name = "cpu",
	.probe = shim_probe_host,
	.dev_open = cpu_dev_open,
	.sess_init = shim_sess_init_host,
	.submit = cpu_submit,
	.execute = shim_execute,
	.rsa_host = cpu_rsa_host,
	.digest_batch = shim_sha_mb,	/* sha_mb.c: 16/8-lane AVX-512, or libcrypto per message */
};

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * internal.h - the backend layer: one struct accel_backend_ops per backend,
 * as UADK's own drivers each register a struct wd_alg_driver. shim.c (the
 * API layer) dispatches through dev->ops and never asks which backend a
 * device is; a backend calls down into the core (core.h) and the kernels,
 * never up. Never installed, never exported (hidden visibility).
 */
#ifndef ACCEL_INTERNAL_H
#define ACCEL_INTERNAL_H

#include "core.h"

/*
 * NULL marks an operation the backend lacks: the entry point answers
 * ACCEL_ENOTSUP, or skips the step where the comment says so.
 */
struct accel_backend_ops {
	const char *name;	/* "emu": device names are name + id */
	/* Slots in each queue's SQ: engines that run after submit returns read it (emu). */
	bool has_sq;

	/* Is the backend usable here? reason: why not, "" when it is. */
	int (*probe)(char *reason, uint32_t reason_len);
	/* Fills dev->caps (name, driver) and starts the backend (dev's locks exist already). */
	int (*dev_open)(struct accel_dev *dev);
	void (*dev_close)(struct accel_dev *dev);	/* no queue left; NULL: nothing to stop */
	/* Backend-specific health: may set removed/isolated and h->reason (NULL: skipped). */
	int (*health)(struct accel_dev *dev, struct accel_health *h);

	int (*queue_init)(struct accel_queue *q);	/* NULL: the rings are all a queue needs */
	/* Drains for up to drain_ms, then cancels: nothing touches q after it (NULL: skipped). */
	void (*queue_fini)(struct accel_queue *q, uint32_t drain_ms);

	/* Family, key and (AEAD) ipsec-mb key data are set; RSA sets n_bits, n_len, crt. */
	int (*sess_init)(struct accel_queue *q, struct shim_sess *s, const void *key);
	void (*sess_fini)(struct shim_sess *s);	/* before shim_sess_free; NULL: skipped */

	/*
	 * descs[0..n) with room reserved in the inflight bound, under submit_lock.
	 * *taken = the prefix accepted (completions posted or to come). Returns
	 * ACCEL_ENODEV when the device is gone, another negative code when it
	 * stopped early (EAGAIN), else the number of requests left in the SQ for
	 * the engines: the API rings doorbell with it once submit_lock is dropped.
	 */
	int (*submit)(struct accel_queue *q, const struct accel_desc *descs, uint32_t n,
		      uint32_t *taken);
	void (*doorbell)(struct accel_queue *q, uint32_t n);	/* NULL: nothing queued */
	/*
	 * Completions are polled (UADK's contexts are single-consumer): the reaper,
	 * and a waiter, poll; they also collect what a removal left in flight
	 * (ENODEV completions). NULL: completions are posted by whoever computes them.
	 */
	void (*poll)(struct accel_queue *q);

	/* Synchronous paths on the caller's thread (accel_execute*, accel_rsa_host). */
	int (*execute)(const struct accel_desc *d, const struct shim_sess *s, uint32_t *out_len);
	/* ACCEL_RSA_HOST_*: lengths already checked against s->n_len. */
	int (*rsa_host)(struct shim_sess *s, uint32_t op, const uint8_t *src, uint8_t *dst);
	int (*digest_batch)(uint32_t op, const uint8_t *data, const uint8_t *lens, uint32_t n,
			    uint8_t *out);

	/* Emulator control (accel_emu_*). */
	int (*set_profile)(struct accel_dev *dev, uint32_t profile);
	int (*inject)(struct accel_dev *dev, uint32_t fault, uint64_t count, uint64_t param);
};

extern const struct accel_backend_ops accel_emu_ops;	/* backend_emu.c */
extern const struct accel_backend_ops accel_cpu_ops;	/* backend_cpu.c */
extern const struct accel_backend_ops accel_uadk_ops;	/* backend_uadk.c */

/* backend_uadk.c's own state (opaque to the core and the API) */
struct shim_uadk_sess;
struct shim_uadk_queue;
struct shim_uadk_dev;

#endif /* ACCEL_INTERNAL_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ring.h - submission and completion rings.
 *
 * Free-running uint32_t head/tail counters (liburing, HiSilicon QM):
 * slot = index & mask, occupancy = tail - head (wraps correctly in unsigned
 * arithmetic), full when tail - head == depth - 1. Usable depth is depth - 1,
 * as on the QM, whose doorbell cannot tell a full ring from an empty one.
 *
 * Capacity is enforced one level up: accel_submit admits a request only
 * while queue->inflight (accepted, not yet reaped) < depth - 1. Every entry
 * in either ring is in flight, so neither ring can overflow and producers
 * never need to read the consumer's head.
 */
#ifndef ACCEL_RING_H
#define ACCEL_RING_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "accel_shim.h"

struct shim_sess;

/* An SQ entry: the caller's descriptor copied at submit, plus its resolved session. */
struct shim_sqe {
	struct accel_desc d;
	struct shim_sess *sess;
};

/*
 * SQ: one producer at a time (accel_submit under queue->submit_lock), many
 * consumers (engines) serialised by dev->lock.
 */
struct shim_sq {
	struct shim_sqe *ent;
	uint32_t mask;
	_Atomic uint32_t head;	/* written by engines under dev->lock */
	_Atomic uint32_t tail;	/* written by the submitter */
};

/*
 * CQ: many producers (engines, or the submitter posting an EINVAL or a cpu
 * result) serialised by queue->cq_lock; exactly one consumer (the reaper),
 * lock-free.
 */
struct shim_cq {
	struct accel_cqe *ent;
	uint32_t mask;
	_Atomic uint32_t head;	/* written by the reaper only */
	_Atomic uint32_t tail;	/* written by producers under cq_lock */
};

static inline int shim_sq_init(struct shim_sq *r, uint32_t depth)
{
	r->ent = calloc(depth, sizeof(*r->ent));
	r->mask = depth - 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	return r->ent ? 0 : ACCEL_ENOMEM;
}

static inline int shim_cq_init(struct shim_cq *r, uint32_t depth)
{
	r->ent = calloc(depth, sizeof(*r->ent));
	r->mask = depth - 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	return r->ent ? 0 : ACCEL_ENOMEM;
}

/*
 * Producer: write the entry into its slot, then publish with a release
 * store of tail. The release orders the entry's bytes before the new tail,
 * so an engine that acquire-loads tail sees a complete descriptor (the
 * doorbell write after a descriptor write on real hardware needs the same
 * barrier: dma_wmb before the MMIO write).
 */
static inline void shim_sq_push(struct shim_sq *r, const struct shim_sqe *e)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	r->ent[tail & r->mask] = *e;
	/* orders: entry write -> tail publication (pairs with shim_sq_pop's acquire) */
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
}

/* Consumer (caller holds dev->lock): copy out the oldest entry; 0 if empty. */
static inline int shim_sq_pop(struct shim_sq *r, struct shim_sqe *out)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	/* orders: tail read -> entry read (pairs with shim_sq_push's release) */
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (head == tail)
		return 0;
	*out = r->ent[head & r->mask];
	/*
	 * Relaxed is enough: head is only read by other engines under the same
	 * lock; the producer reuses a slot only after the request was reaped,
	 * which is ordered through cq.tail and queue->inflight.
	 */
	atomic_store_explicit(&r->head, head + 1, memory_order_relaxed);
	return 1;
}

static inline int shim_sq_empty(struct shim_sq *r)
{
	return atomic_load_explicit(&r->head, memory_order_relaxed) ==
	       atomic_load_explicit(&r->tail, memory_order_acquire);
}

/* Producer (caller holds queue->cq_lock). */
static inline void shim_cq_push(struct shim_cq *r, const struct accel_cqe *c)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	r->ent[tail & r->mask] = *c;
	/* orders: cqe write -> tail publication (pairs with shim_cq_pop's acquire) */
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
}

/* Single consumer: copy up to max completions out; returns the count. */
static inline uint32_t shim_cq_pop(struct shim_cq *r, struct accel_cqe *out, uint32_t max)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	/* orders: tail read -> cqe reads (pairs with shim_cq_push's release) */
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	uint32_t n = tail - head;

	if (n > max)
		n = max;
	for (uint32_t i = 0; i < n; i++)
		out[i] = r->ent[(head + i) & r->mask];
	/* orders: cqe reads -> slot release to producers */
	atomic_store_explicit(&r->head, head + n, memory_order_release);
	return n;
}

static inline uint32_t shim_cq_count(struct shim_cq *r)
{
	return atomic_load_explicit(&r->tail, memory_order_acquire) -
	       atomic_load_explicit(&r->head, memory_order_relaxed);
}

#endif /* ACCEL_RING_H */

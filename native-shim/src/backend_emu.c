// SPDX-License-Identifier: Apache-2.0
/*
 * backend_emu.c - the emulated accelerator (DEVICE-MODEL.md, "The emulated
 * device must model").
 *
 * N engine threads per device serve the SQs of all its queues round-robin
 * (a queue with work sits on the device's ready list; the doorbell puts it
 * there). Each engine computes the real result with the libcrypto kernels
 * and posts the completion into the queue's CQ, so completions from several
 * engines arrive out of order and carry only the user tag.
 *
 * Device time per request = max(profile latency, real compute time): the
 * engine sleeps only the remainder. A DELAY fault adds to it; with two or
 * more engines, delaying one request is the deterministic way for a test to
 * make a later request complete first (the reorder knob).
 *
 * Faults and what happens to requests already in flight:
 *   QUEUE_ERROR  the queue's status word flips; its requests never complete
 *                (engines stop serving it; results being computed are dropped)
 *   RESET        requests picked or finishing while resetting complete ECANCELED
 *   REMOVE/ISOLATE/FORK  like QUEUE_ERROR for every queue of the device: in-flight
 *                requests never complete (the queue memory is gone); every call
 *                answers ENODEV; accel_queue_destroy/accel_dev_close still free
 *   LOST_COMPLETION  the completion is dropped; inflight is still decremented
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define EMU_SPIN_NS 30000u	/* below this, spin rather than sleep */
#define EMU_DOORBELL_NS 700u	/* MMIO doorbell write on the QM: ~0.5-1 us */
/*
 * An idle hardware engine notices new work within a few hundred ns (it polls
 * its queues' doorbell registers); an engine thread asleep on a condition
 * variable needs a futex wake-up, 5-50 us on a virtual machine, which would
 * swamp the device model at low load. So one idle engine at a time polls the
 * ready list for up to EMU_POLL_NS before it sleeps (its CPU is the device's,
 * which host-CPU measurements exclude by thread name).
 */
#define EMU_POLL_NS 50000u

static void emu_caps(struct accel_caps *c, const struct accel_dev_config *cfg)
{
	static const uint32_t default_engines[] = { 2, 4, 8 };	/* fast, sec-920, hpre-920 */

	c->backend = ACCEL_BACKEND_EMU;
	for (uint32_t op = 1; op <= ACCEL_OP_MAX; op++)
		c->ops_mask |= ACCEL_OP_BIT(op);
	c->aes_key_mask = 7;
	c->gcm_iv_min = 1;	/* computes with libcrypto, so any IV length works */
	c->gcm_iv_max = 128;		/* libcrypto 3 limit (GCM_IV_MAX_SIZE) */
	c->gcm_tag_min = 12;
	c->gcm_tag_max = 16;
	c->gcm_open_tag_min = 12;
	c->gcm_aad_max = 1u << 20;
	c->gcm_data_max = (16u << 20) - 512;	/* SEC2: input + AAD <= 16 MiB - 512 */
	c->gcm_flags = ACCEL_GCM_EMPTY_OK;
	c->rsa_bits_mask = 0xf;
	c->rsa_min_bits = 512;
	c->rsa_max_bits = 4096;
	c->rsa_flags = ACCEL_RSA_ANY_SIZE;
	c->queue_depth_max = 1024;	/* QM: depth 1024, usable 1023 */
	c->queues_max = cfg->max_queues ? cfg->max_queues : 256;	/* a PF has 256 queues */
	c->engines = cfg->engines ? cfg->engines : default_engines[cfg->profile];
	c->digest_data_max = (16u << 20) - 512;
	c->profile = cfg->profile;
}

/* ---- ready list (dev->lock held) ---- */

static void ready_push(struct accel_dev *dev, struct accel_queue *q)
{
	if (q->on_ready)
		return;
	q->on_ready = true;
	q->ready_next = NULL;
	if (dev->ready_tail)
		dev->ready_tail->ready_next = q;
	else
		dev->ready_head = q;
	dev->ready_tail = q;
}

static struct accel_queue *ready_pop(struct accel_dev *dev)
{
	struct accel_queue *q = dev->ready_head;

	if (!q)
		return NULL;
	dev->ready_head = q->ready_next;
	if (!dev->ready_head)
		dev->ready_tail = NULL;
	q->on_ready = false;
	q->ready_next = NULL;
	return q;
}

static void ready_remove(struct accel_dev *dev, struct accel_queue *q)
{
	struct accel_queue *prev = NULL;

	if (!q->on_ready)
		return;
	for (struct accel_queue *p = dev->ready_head; p; prev = p, p = p->ready_next) {
		if (p != q)
			continue;
		if (prev)
			prev->ready_next = q->ready_next;
		else
			dev->ready_head = q->ready_next;
		if (dev->ready_tail == q)
			dev->ready_tail = prev;
		break;
	}
	q->on_ready = false;
	q->ready_next = NULL;
}

/* ---- timing ---- */

static bool dev_down(struct accel_dev *dev)
{
	return atomic_load(&dev->removed) || atomic_load(&dev->isolated) ||
	       atomic_load(&dev->forked);
}

/*
 * Profile timing in ns (DEVICE-MODEL.md "Profiles"; calibrate on real hardware),
 * in two parts. Occupancy: how long the request keeps its engine busy, which
 * sets the device's capacity. Pipeline latency: how much later than the end
 * of its occupancy the completion appears, while the engine already works on
 * the next request.
 *   hpre-920: RSA-2048 CRT ~80 us per op per engine (8 engines, ~100K ops/s):
 *   the whole latency is occupancy, scaled ~bits^3 (private) or ~bits^2
 *   (public, small e).
 *   sec-920: AES-GCM and SHA at ~2.5 GB/s for 1 KiB async requests with a
 *   ~10 us base latency: occupancy is the bytes at 2.5 GB/s for the whole
 *   device (0.4 ns per byte times the engine count, per engine), the 10 us are
 *   pipeline latency. Modelling those 10 us as occupancy (as this emulator did
 *   before) capped a 4-engine device at ~385K requests/s, a sixth of the
 *   2.4M/s of 1 KiB the profile describes, and made every request spin 10 us
 *   on a host core.
 */
static uint64_t profile_occupancy_ns(uint32_t profile, uint32_t engines, const struct shim_sqe *e)
{
	double r;

	if (profile == ACCEL_PROFILE_FAST)
		return 0;
	switch (e->d.op) {
	case ACCEL_OP_RSA_PRIV_CRT:
		r = e->sess->n_bits / 2048.0;	/* modexp cost ~ bits^3 */
		return (uint64_t)(80000.0 * r * r * r);
	case ACCEL_OP_RSA_PUB:
		r = e->sess->n_bits / 2048.0;	/* small e: ~ bits^2 */
		return (uint64_t)(10000.0 * r * r);
	default:
		return (e->d.src_len + e->d.aad_len) * 2 / 5 * (engines ? engines : 1);
	}
}

static uint64_t profile_pipeline_ns(uint32_t profile, const struct shim_sqe *e)
{
	if (profile == ACCEL_PROFILE_FAST || e->d.op == ACCEL_OP_RSA_PRIV_CRT ||
	    e->d.op == ACCEL_OP_RSA_PUB)
		return 0;
	return 10000;	/* SEC2 base latency */
}

static void sleep_until(uint64_t deadline)
{
	uint64_t now = shim_now_ns();
	struct timespec ts;

	if (now >= deadline)
		return;
	if (deadline - now < EMU_SPIN_NS) {
		shim_busy_wait_ns(deadline - now);
		return;
	}
	ts.tv_sec = (time_t)(deadline / 1000000000ull);
	ts.tv_nsec = (long)(deadline % 1000000000ull);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
		;
}

/* Stall for a DELAY fault in slices, giving up if the queue is being destroyed. */
static bool stall(struct accel_dev *dev, struct accel_queue *q, uint64_t us)
{
	uint64_t end = shim_now_ns() + us * 1000ull;

	while (shim_now_ns() < end) {
		uint64_t slice = shim_now_ns() + 1000000ull;

		if (atomic_load(&q->dead) || dev_down(dev))
			return false;
		sleep_until(slice < end ? slice : end);
	}
	return true;
}

static uint64_t take(uint64_t *count)
{
	if (!*count)
		return 0;
	if (*count != SHIM_FOREVER)
		(*count)--;
	return 1;
}

static void corrupt(const struct shim_sqe *e)
{
	const struct accel_desc *d = &e->d;

	switch (d->op) {
	case ACCEL_OP_GCM_SEAL:
		d->tag[0] ^= 0x01;
		break;
	case ACCEL_OP_RSA_PRIV_CRT:	/* Bellcore: one faulty CRT half -> one wrong bit */
	case ACCEL_OP_RSA_PUB:
		d->dst[e->sess->n_len / 2] ^= 0x10;
		break;
	default:	/* digest, or open with a payload */
		d->dst[0] ^= 0x80;
		break;
	}
}

static bool corruptible(const struct shim_sqe *e)
{
	return e->d.op != ACCEL_OP_GCM_OPEN || e->d.src_len > 0;
}

/* ---- engines ---- */

struct job {
	struct shim_sqe e;
	struct accel_queue *q;
	uint64_t epoch;		/* dev->reset_epoch at pick: a reset in between cancels */
	uint64_t delay_us;
	uint32_t profile;
	uint32_t engines;
	uint32_t detail;
	bool eio, cancel;
	/* computed, waiting for its completion time (sec-920 pipeline latency) */
	int ret;
	uint32_t out_len;
	bool post;
	uint64_t due;
	struct job *next;
};

/* Runs outside dev->lock. Returns the status; false from *post means "abandon". */
static int run_job(struct accel_dev *dev, struct job *j, uint32_t *out_len, bool *post)
{
	uint64_t start;
	int ret;

	*out_len = 0;
	*post = true;
	if (j->cancel)
		return ACCEL_ECANCELED;
	if (j->delay_us && !stall(dev, j->q, j->delay_us)) {
		*post = false;
		return ACCEL_ECANCELED;
	}
	start = shim_now_ns();
	if (j->eio) {
		ret = ACCEL_EIO;
	} else {
		ret = shim_execute(&j->e.d, j->e.sess, out_len);
	}
	/*
	 * Device time = max(profile time, real compute) (DEVICE-MODEL.md): the engine
	 * is busy until its occupancy is over, and the completion is due after the
	 * pipeline latency too, or when the real compute ended if that is later.
	 */
	{
		uint64_t done = shim_now_ns(), busy_end = start + profile_occupancy_ns(j->profile, j->engines, &j->e);
		uint64_t due = busy_end + profile_pipeline_ns(j->profile, &j->e);

		sleep_until(busy_end);
		j->due = due > done ? due : done;
	}
	return ret;
}

/*
 * Polls for a doorbell until `until` with dev->lock released; called and
 * returns with it held, having cleared dev->spinner. Returns early, true, on a
 * doorbell, and (false) when a delayed completion falls due. The ready list
 * and the delay line are re-checked by the caller either way.
 */
static bool engine_poll(struct accel_dev *dev, uint64_t until)
{
	unsigned rung = atomic_load(&dev->doorbells);
	bool seen = false;

	pthread_mutex_unlock(&dev->lock);
	for (uint32_t i = 1;; i++) {
		if (atomic_load_explicit(&dev->doorbells, memory_order_acquire) != rung) {
			seen = true;
			break;
		}
		if ((i & 63) == 0) {
			uint64_t now = shim_now_ns(), due = atomic_load(&dev->emu_next_due);

			if (now >= until || (due && now >= due))
				break;
		}
#if defined(__x86_64__)
		__builtin_ia32_pause();
#elif defined(__aarch64__)
		__asm__ __volatile__("yield");
#endif
	}
	pthread_mutex_lock(&dev->lock);
	atomic_store(&dev->spinner, false);
	return seen;
}

/*
 * The end of a job, under dev->lock: post its completion unless the queue,
 * the device or a reset says otherwise, apply CORRUPT and LOST faults, and
 * release what the job held (session reference, pending and busy counts).
 */
static void finish_job(struct accel_dev *dev, struct job *j)
{
	struct accel_queue *q = j->q;
	bool post = j->post;
	int ret = j->ret;
	uint32_t out_len = j->out_len;

	if (post && (atomic_load(&q->qerr) || dev_down(dev) || atomic_load(&q->dead)))
		post = false;	/* the status word flipped while we worked */
	if (post && ret != ACCEL_ECANCELED &&
	    (j->epoch != dev->reset_epoch || shim_now_ns() < atomic_load(&dev->reset_until_ns))) {
		ret = ACCEL_ECANCELED;
		out_len = 0;
	}
	if (post && ret == ACCEL_OK && corruptible(&j->e) && take(&dev->corrupt_count))
		corrupt(&j->e);
	if (post && take(&dev->lost_count)) {
		post = false;
		/* still accounted, so destroy and the budget see it gone */
		atomic_fetch_sub(&q->inflight, 1);
	}
	/* drop the reference before posting: once reaped, the session may be destroyed */
	if (j->e.sess)
		atomic_fetch_sub(&j->e.sess->refs, 1);
	if (post)
		shim_post(q, j->e.d.user_tag, ret, out_len, j->eio ? j->detail : 0);
	atomic_fetch_sub(&q->pending, 1);
	q->busy--;
	if (atomic_load(&q->dead) || !atomic_load(&q->pending))
		pthread_cond_broadcast(&dev->idle_cv);	/* destroy may be waiting */
}

/*
 * The delay line (dev->lock): computed jobs whose completion is not due yet
 * (sec-920's pipeline latency), sorted by due time. They keep their queue's
 * busy count and their session reference until finished, exactly like a job
 * on an engine, so destroy and reset see them as in flight.
 */
static void delay_push(struct accel_dev *dev, struct job *j)
{
	struct job **at = (struct job **)&dev->emu_delayed;

	while (*at && (*at)->due <= j->due)
		at = &(*at)->next;
	j->next = *at;
	*at = j;
	atomic_store(&dev->emu_next_due, ((struct job *)dev->emu_delayed)->due);
}

/* Finishes every delayed job due by `now` (all of them when `now` is UINT64_MAX). */
static void delay_run(struct accel_dev *dev, uint64_t now)
{
	struct job *j;

	while ((j = dev->emu_delayed) && j->due <= now) {
		dev->emu_delayed = j->next;
		finish_job(dev, j);
		free(j);
	}
	atomic_store(&dev->emu_next_due, dev->emu_delayed ? ((struct job *)dev->emu_delayed)->due : 0);
}

static void *engine_main(void *arg)
{
	struct accel_dev *dev = arg;
	bool polled_idle = false;	/* this engine just polled in vain: sleep next */

	/* a 1 ns timer slack keeps ~10-80 us profile sleeps close to their target */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	pthread_mutex_lock(&dev->lock);
	while (!dev->stop) {
		struct accel_queue *q;
		struct job j = { 0 }, *later;

		if (dev->emu_delayed)
			delay_run(dev, shim_now_ns());
		q = ready_pop(dev);
		if (!q) {
			if (dev->emu_delayed) {
				/*
				 * Completions still to post on time: one idle engine polls until the
				 * first is due (or a doorbell rings); the others sleep, as the poller
				 * keeps the role until the delay line is empty.
				 */
				if (!atomic_exchange(&dev->spinner, true))
					engine_poll(dev, atomic_load(&dev->emu_next_due));
				else
					pthread_cond_wait(&dev->work_cv, &dev->lock);
				continue;
			}
			if (!polled_idle && !atomic_exchange(&dev->spinner, true)) {
				polled_idle = !engine_poll(dev, shim_now_ns() + EMU_POLL_NS);
				continue;	/* re-check the ready list under the lock */
			}
			polled_idle = false;
			pthread_cond_wait(&dev->work_cv, &dev->lock);
			continue;
		}
		polled_idle = false;
		/* a dead, errored or removed queue is never served: its requests never complete */
		if (atomic_load(&q->dead) || atomic_load(&q->qerr) || dev_down(dev))
			continue;
		if (!shim_sq_pop(&q->sq, &j.e))
			continue;
		if (!shim_sq_empty(&q->sq))
			ready_push(dev, q);	/* round-robin between queues */
		q->busy++;
		j.q = q;
		if (dev->ready_head)
			pthread_cond_signal(&dev->work_cv);	/* more work: the next engine (see doorbell) */
		j.epoch = dev->reset_epoch;
		j.profile = dev->caps.profile;
		j.engines = dev->nengines;
		j.cancel = shim_now_ns() < atomic_load(&dev->reset_until_ns);
		if (!j.cancel && take(&dev->req_err_count)) {
			j.eio = true;
			j.detail = dev->req_err_detail;
		}
		if (take(&dev->delay_count))
			j.delay_us = dev->delay_us;
		pthread_mutex_unlock(&dev->lock);

		j.ret = run_job(dev, &j, &j.out_len, &j.post);

		pthread_mutex_lock(&dev->lock);
		if (j.post && j.due > shim_now_ns() && (later = malloc(sizeof(*later)))) {
			*later = j;	/* posted by whichever engine is free when it falls due */
			delay_push(dev, later);
			continue;
		}
		finish_job(dev, &j);	/* due now (or no memory to wait: post early) */
	}
	delay_run(dev, UINT64_MAX);	/* stopping: nothing may stay behind */
	pthread_mutex_unlock(&dev->lock);
	return NULL;
}

static void emu_dev_close(struct accel_dev *dev)
{
	pthread_mutex_lock(&dev->lock);
	dev->stop = true;
	pthread_cond_broadcast(&dev->work_cv);
	pthread_mutex_unlock(&dev->lock);
	for (uint32_t i = 0; i < dev->nengines; i++)
		pthread_join(dev->engines[i], NULL);
	free(dev->engines);
	dev->engines = NULL;
	dev->nengines = 0;
}

/* Engines per the profile (caps.engines), each a named thread. */
static int emu_dev_open(struct accel_dev *dev)
{
	sigset_t all, old;
	int ret = ACCEL_OK;

	emu_caps(&dev->caps, &dev->cfg);
	shim_dev_set_names(dev, "emu");
	dev->nengines = dev->caps.engines;
	dev->engines = calloc(dev->nengines, sizeof(*dev->engines));
	if (!dev->engines)
		return ACCEL_ENOMEM;
	/* engines take no signals: those belong to the JVM's threads */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (uint32_t i = 0; i < dev->nengines; i++) {
		char name[32];

		if (pthread_create(&dev->engines[i], NULL, engine_main, dev)) {
			dev->nengines = i;
			ret = ACCEL_ENOMEM;
			break;
		}
		/*
		 * Named, so that tools can tell the modelled device's CPU from the host's:
		 * /proc/<pid>/task/<tid>/comm reads "accel-emu0.3"; on real hardware this
		 * work is the accelerator's, not the host's (benchmarks report it apart).
		 */
		snprintf(name, sizeof(name), "accel-%.6s.%u", dev->caps.name, i);
		name[15] = '\0';	/* the kernel keeps 15 characters */
		pthread_setname_np(dev->engines[i], name);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		emu_dev_close(dev);
	return ret;
}

/*
 * Validated requests go to the SQ for the engines; the engine drops each
 * session reference. A request that fails validation completes at once.
 */
static int emu_submit(struct accel_queue *q, const struct accel_desc *descs, uint32_t n,
		      uint32_t *taken)
{
	uint32_t queued = 0;

	for (uint32_t i = 0; i < n; i++) {
		const struct accel_desc *d = &descs[i];
		struct shim_sess *s = shim_sess_get(q, d);
		int ret = shim_validate(&q->dev->caps, d, s);
		struct shim_sqe e = { .d = *d, .sess = s };

		if (ret) {
			shim_sess_put(s);	/* before posting: once reaped, it may be destroyed */
			shim_post(q, d->user_tag, ret, 0, 0);
			continue;
		}
		atomic_fetch_add(&q->pending, 1);
		shim_sq_push(&q->sq, &e);
		queued++;
	}
	*taken = n;
	return (int)queued;	/* <= depth - 1: the API rings emu_doorbell once per call */
}

static void emu_doorbell(struct accel_queue *q, uint32_t n)
{
	struct accel_dev *dev = q->dev;
	uint32_t profile;

	pthread_mutex_lock(&dev->lock);
	ready_push(dev, q);
	atomic_fetch_add_explicit(&dev->doorbells, 1, memory_order_release);
	/*
	 * One engine, however many descriptors: it wakes the next while work is
	 * left (engine_main), so waking engines is the device's time, as dispatch
	 * inside a real QM is. A broadcast here put up to 8 futex wake-ups (IPIs
	 * on a VM) on the submitting host thread: ~9 % of the batch API's host CPU
	 * per RSA signature in perf (issue 5), for what is one MMIO write on
	 * hardware (EMU_DOORBELL_NS).
	 */
	(void)n;
	pthread_cond_signal(&dev->work_cv);
	profile = dev->caps.profile;
	pthread_mutex_unlock(&dev->lock);
	if (profile != ACCEL_PROFILE_FAST)
		shim_busy_wait_ns(EMU_DOORBELL_NS);	/* the cost batching amortises */
}

static void emu_queue_quiesce(struct accel_queue *q, uint32_t drain_ms)
{
	struct accel_dev *dev = q->dev;
	uint64_t deadline = shim_now_ns() + (uint64_t)drain_ms * 1000000ull;
	struct timespec ts = { .tv_sec = (time_t)(deadline / 1000000000ull),
			       .tv_nsec = (long)(deadline % 1000000000ull) };

	pthread_mutex_lock(&dev->lock);
	while (atomic_load(&q->pending) && !atomic_load(&q->qerr) && !dev_down(dev) &&
	       shim_now_ns() < deadline)
		pthread_cond_timedwait(&dev->idle_cv, &dev->lock, &ts);
	/* cancel the rest: engines skip a dead queue and abandon stalls on it */
	atomic_store(&q->dead, 1);
	ready_remove(dev, q);
	/* engines already working on our requests finish (bounded) before we free anything */
	while (q->busy)
		pthread_cond_wait(&dev->idle_cv, &dev->lock);
	pthread_mutex_unlock(&dev->lock);
}

static int emu_set_profile(struct accel_dev *dev, uint32_t profile)
{
	if (profile > ACCEL_PROFILE_HPRE_920)
		return ACCEL_EINVAL;
	pthread_mutex_lock(&dev->lock);
	dev->caps.profile = profile;
	pthread_mutex_unlock(&dev->lock);
	return ACCEL_OK;
}

/* Wake everyone who might be sleeping on a state that just changed. */
static void wake_all_locked(struct accel_dev *dev)
{
	pthread_cond_broadcast(&dev->work_cv);
	pthread_cond_broadcast(&dev->idle_cv);
	for (struct accel_queue *q = dev->queues; q; q = q->next) {
		int fd;

		pthread_mutex_lock(&q->cq_lock);
		pthread_cond_broadcast(&q->cq_cv);
		fd = atomic_load(&q->efd);
		pthread_mutex_unlock(&q->cq_lock);
		if (fd >= 0)
			(void)!write(fd, &(uint64_t){ 1 }, sizeof(uint64_t));
	}
}

static int emu_inject(struct accel_dev *dev, uint32_t fault, uint64_t count, uint64_t param)
{
	uint64_t n = count ? count : SHIM_FOREVER;	/* count 0: until cleared */

	if (fault > ACCEL_FAULT_MAX)
		return ACCEL_EINVAL;
	pthread_mutex_lock(&dev->lock);
	switch (fault) {
	case ACCEL_FAULT_CLEAR:
		dev->req_err_count = dev->lost_count = dev->corrupt_count = dev->delay_count = 0;
		atomic_store(&dev->removed, 0);
		atomic_store(&dev->isolated, 0);
		atomic_store(&dev->forked, 0);
		atomic_store(&dev->reset_until_ns, 0);
		dev->queue_budget = dev->caps.queues_max;
		/* queues whose SQ held work while the device was down are served again */
		for (struct accel_queue *q = dev->queues; q; q = q->next)
			if (!shim_sq_empty(&q->sq) && !atomic_load(&q->dead))
				ready_push(dev, q);
		break;
	case ACCEL_FAULT_REQ_ERROR:
		dev->req_err_count = n;
		dev->req_err_detail = (uint32_t)param;
		break;
	case ACCEL_FAULT_QUEUE_ERROR:
		for (struct accel_queue *q = dev->queues; q; q = q->next)
			atomic_store(&q->qerr, 1);
		break;
	case ACCEL_FAULT_LOST_COMPLETION:
		dev->lost_count = n;
		break;
	case ACCEL_FAULT_RESET:
		dev->reset_epoch++;
		atomic_store(&dev->reset_until_ns, shim_now_ns() + param * 1000000ull);
		break;
	case ACCEL_FAULT_REMOVE:
		atomic_store(&dev->removed, 1);
		break;
	case ACCEL_FAULT_ISOLATE:
		atomic_store(&dev->isolated, 1);
		break;
	case ACCEL_FAULT_QUEUE_BUDGET:
		dev->queue_budget = param > UINT32_MAX ? UINT32_MAX : (uint32_t)param;
		break;
	case ACCEL_FAULT_CORRUPT:
		dev->corrupt_count = n;
		break;
	case ACCEL_FAULT_FORK:
		atomic_store(&dev->forked, 1);
		break;
	case ACCEL_FAULT_DELAY:
		dev->delay_count = n;
		dev->delay_us = param;
		break;
	}
	if (fault != ACCEL_FAULT_CLEAR)
		atomic_fetch_add(&dev->faults_injected, 1);
	wake_all_locked(dev);
	pthread_mutex_unlock(&dev->lock);
	return ACCEL_OK;
}

const struct accel_backend_ops accel_emu_ops = {
	.name = "emu",
	.has_sq = true,
	.probe = shim_probe_host,
	.dev_open = emu_dev_open,
	.dev_close = emu_dev_close,
	.queue_fini = emu_queue_quiesce,
	.sess_init = shim_sess_init_host,
	.submit = emu_submit,
	.doorbell = emu_doorbell,
	.set_profile = emu_set_profile,
	.inject = emu_inject,
};

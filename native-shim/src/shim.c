// SPDX-License-Identifier: Apache-2.0
/*
 * shim.c - the API layer: every accel_* entry point of accel_shim.h. Checks
 * handles and arguments, detects fork, keeps the counters, and hands the
 * rest to the device's backend (dev->ops, internal.h) and the shared core
 * (core.h). It never asks which backend a device is: an operation a backend
 * lacks is a NULL op, answered ACCEL_ENOTSUP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/*
 * Fork detection. A forked child has no queue mappings on UACCE (they are
 * wiped on fork) and none of our engine threads; any lock may be held by a
 * thread that does not exist in the child. So every entry point compares
 * the device's owner pid with the current pid before taking any lock. The
 * current pid is cached and refreshed by an atfork child handler (glibc's
 * getpid() is a system call).
 */
static atomic_int shim_pid;

/*
 * Live device handles. Device-level calls (caps, health, queue create,
 * close, buffers, emulator control) find the handle here under
 * registry_lock and pin it for the call, so accel_dev_close cannot free a
 * device that another thread is inside (it answers EBUSY), and a closed or
 * never-opened handle is refused without being dereferenced. Queue calls
 * need no lookup: a device with queues cannot be closed. Cold paths only:
 * no data-path call takes this lock.
 */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct accel_dev *registry;

static void shim_atfork_child(void)
{
	atomic_store(&shim_pid, (int)getpid());
	/* a parent thread may have held it at fork; the child has only this thread */
	pthread_mutex_init(&registry_lock, NULL);
}

__attribute__((constructor)) static void shim_init(void)
{
	atomic_store(&shim_pid, (int)getpid());
	pthread_atfork(NULL, NULL, shim_atfork_child);
}

/* The registered backends, by ACCEL_BACKEND_* (accel_shim.h). */
static const struct accel_backend_ops *const backends[] = {
	[ACCEL_BACKEND_EMU] = &accel_emu_ops,
	[ACCEL_BACKEND_CPU] = &accel_cpu_ops,
	[ACCEL_BACKEND_UADK] = &accel_uadk_ops,
};

static const struct accel_backend_ops *backend_ops(uint32_t backend)
{
	return backend < sizeof(backends) / sizeof(backends[0]) ? backends[backend] : NULL;
}

static void deadline_ts(struct timespec *ts, uint64_t deadline_ns)
{
	ts->tv_sec = (time_t)(deadline_ns / 1000000000ull);
	ts->tv_nsec = (long)(deadline_ns % 1000000000ull);
}

/* ---- ABI ---- */

ACCEL_API uint32_t accel_abi_version(void)
{
	return ACCEL_ABI_VERSION;
}

ACCEL_API uint32_t accel_abi_sizeof(uint32_t struct_id)
{
	switch (struct_id) {
	case ACCEL_STRUCT_DESC: return sizeof(struct accel_desc);
	case ACCEL_STRUCT_CQE: return sizeof(struct accel_cqe);
	case ACCEL_STRUCT_CAPS: return sizeof(struct accel_caps);
	case ACCEL_STRUCT_HEALTH: return sizeof(struct accel_health);
	case ACCEL_STRUCT_DEV_CONFIG: return sizeof(struct accel_dev_config);
	case ACCEL_STRUCT_RSA_KEY: return sizeof(struct accel_rsa_key);
	case ACCEL_STRUCT_BN: return sizeof(struct accel_bn);
	default: return 0;
	}
}

/* The Java layouts are written against these sizes: fail the build if they move. */
_Static_assert(sizeof(struct accel_desc) == 96, "accel_desc");
_Static_assert(sizeof(struct accel_cqe) == 24, "accel_cqe");
_Static_assert(sizeof(struct accel_caps) == 192, "accel_caps");
_Static_assert(sizeof(struct accel_health) == 136, "accel_health");
_Static_assert(sizeof(struct accel_dev_config) == 24, "accel_dev_config");
_Static_assert(sizeof(struct accel_rsa_key) == 120, "accel_rsa_key");
_Static_assert(sizeof(struct accel_bn) == 16, "accel_bn");

/* ---- probe ---- */

ACCEL_API int accel_backend_probe(uint32_t backend, char *reason, uint32_t reason_len)
{
	const struct accel_backend_ops *ops = backend_ops(backend);

	if (!ops) {
		shim_copy_reason(reason, reason_len, "unknown backend");
		return ACCEL_ENOTSUP;
	}
	return ops->probe(reason, reason_len);
}

/* ---- handle checks ---- */

static bool dev_forked(const struct accel_dev *dev)
{
	return dev->pid != atomic_load_explicit(&shim_pid, memory_order_relaxed) ||
	       atomic_load(&dev->forked);
}

static bool dev_gone(const struct accel_dev *dev)
{
	return atomic_load(&dev->removed) || atomic_load(&dev->isolated);
}

static struct accel_dev **registry_find_locked(const struct accel_dev *dev)
{
	struct accel_dev **p = &registry;

	while (*p && *p != dev)
		p = &(*p)->live_next;
	return *p ? p : NULL;
}

/* Pins a live handle for one device-level call (EINVAL: not open); dev_unpin after. */
static int dev_pin(struct accel_dev *dev)
{
	int ret = ACCEL_EINVAL;

	pthread_mutex_lock(&registry_lock);
	if (dev && registry_find_locked(dev)) {
		dev->pins++;
		ret = ACCEL_OK;
	}
	pthread_mutex_unlock(&registry_lock);
	return ret;
}

static void dev_unpin(struct accel_dev *dev)
{
	pthread_mutex_lock(&registry_lock);
	dev->pins--;
	pthread_mutex_unlock(&registry_lock);
}

/* EINVAL for a bad handle, ENODEV for a forked/removed/isolated device. */
static int dev_check(const struct accel_dev *dev, bool need_alive)
{
	if (!dev || dev->magic != SHIM_DEV_MAGIC)
		return ACCEL_EINVAL;
	if (dev_forked(dev))
		return ACCEL_ENODEV;
	if (need_alive && dev_gone(dev))
		return ACCEL_ENODEV;
	return ACCEL_OK;
}

static int queue_check(const struct accel_queue *q, bool need_alive)
{
	if (!q || q->magic != SHIM_QUEUE_MAGIC)
		return ACCEL_EINVAL;
	return dev_check(q->dev, need_alive);
}

/*
 * Polled backends (uadk): after removal, the ENODEV completions of what was
 * in flight are still reaped, so reap and wait accept a removed device.
 */
static bool queue_polled(const struct accel_queue *q)
{
	return q && q->magic == SHIM_QUEUE_MAGIC && q->dev->ops->poll;
}

/* ---- devices ---- */

ACCEL_API int accel_dev_open(uint32_t backend, const struct accel_dev_config *cfg,
			     accel_dev **out)
{
	static const struct accel_dev_config zero_cfg;
	const struct accel_backend_ops *ops = backend_ops(backend);
	struct accel_dev *dev;
	int ret;

	if (!out)
		return ACCEL_EINVAL;
	*out = NULL;
	if (!cfg)
		cfg = &zero_cfg;
	if (!ops)
		return ACCEL_EINVAL;
	if (cfg->profile > ACCEL_PROFILE_HPRE_920 || cfg->engines > 256)
		return ACCEL_EINVAL;
	ret = ops->probe(NULL, 0);
	if (ret)
		return ret;

	dev = shim_dev_alloc(backend, ops, cfg, atomic_load(&shim_pid));
	if (!dev)
		return ACCEL_ENOMEM;
	dev->magic = SHIM_DEV_MAGIC;
	ret = ops->dev_open(dev);	/* fills caps; emu: engines run from here on */
	if (ret)
		goto err_free_dev;
	pthread_mutex_lock(&dev->lock);
	dev->queue_budget = dev->caps.queues_max;
	pthread_mutex_unlock(&dev->lock);
	pthread_mutex_lock(&registry_lock);
	dev->live_next = registry;
	registry = dev;
	pthread_mutex_unlock(&registry_lock);
	*out = dev;
	return ACCEL_OK;

err_free_dev:
	shim_dev_free(dev);
	return ret;
}

ACCEL_API int accel_dev_caps(accel_dev *dev, struct accel_caps *caps)
{
	int ret = dev_pin(dev);

	if (ret)
		return ret;
	ret = dev_check(dev, true);
	if (!ret && !caps)
		ret = ACCEL_EINVAL;
	if (!ret) {
		pthread_mutex_lock(&dev->lock);
		*caps = dev->caps;
		caps->queues_max = dev->queue_budget;
		pthread_mutex_unlock(&dev->lock);
	}
	dev_unpin(dev);
	return ret;
}

static int dev_health_pinned(accel_dev *dev, struct accel_health *h);

/* Always answers (OK) for a valid handle: this is the call that reports why a device is down. */
ACCEL_API int accel_dev_health(accel_dev *dev, struct accel_health *h)
{
	int ret;

	if (!h || dev_pin(dev))
		return ACCEL_EINVAL;
	ret = dev_health_pinned(dev, h);
	dev_unpin(dev);
	return ret;
}

static int dev_health_pinned(accel_dev *dev, struct accel_health *h)
{
	uint32_t qerrs = 0, poison = 0;
	uint64_t now = shim_now_ns(), reset_until;

	if (dev->magic != SHIM_DEV_MAGIC)
		return ACCEL_EINVAL;
	memset(h, 0, sizeof(*h));
	h->submitted = atomic_load(&dev->submitted);
	h->completed = atomic_load(&dev->completed);
	h->errors = atomic_load(&dev->errors);
	h->faults_injected = atomic_load(&dev->faults_injected);
	if (dev_forked(dev)) {
		/* no locks in a forked child: they may be held by threads that do not exist here */
		h->state = ACCEL_HEALTH_FORKED;
		shim_copy_reason(h->reason, sizeof(h->reason),
				 "device handle used after fork (queue mappings are not inherited)");
		return ACCEL_OK;
	}
	if (dev->ops->health)
		dev->ops->health(dev, h);	/* uadk: re-checks sysfs; sets the removal reason */
	pthread_mutex_lock(&dev->lock);
	h->queues_open = dev->nqueues;
	for (struct accel_queue *q = dev->queues; q; q = q->next)
		qerrs += atomic_load(&q->qerr) ? 1 : 0;
	pthread_mutex_unlock(&dev->lock);
	if (dev->cfg.flags & ACCEL_DEV_POISON_FREED)
		poison = shim_buf_check(dev);
	reset_until = atomic_load(&dev->reset_until_ns);

	if (atomic_load(&dev->removed)) {
		h->state = ACCEL_HEALTH_REMOVED;
		if (!h->reason[0])
			shim_copy_reason(h->reason, sizeof(h->reason), "device removed");
	} else if (atomic_load(&dev->isolated)) {
		h->state = ACCEL_HEALTH_ISOLATED;
		if (!h->reason[0])
			shim_copy_reason(h->reason, sizeof(h->reason),
					 "device isolated after hardware errors");
	} else if (now < reset_until) {
		h->state = ACCEL_HEALTH_RESETTING;
		snprintf(h->reason, sizeof(h->reason), "device resetting (%llu ms left)",
			 (unsigned long long)((reset_until - now) / 1000000u + 1));
	} else if (qerrs) {
		h->state = ACCEL_HEALTH_QUEUE_ERROR;
		snprintf(h->reason, sizeof(h->reason), "%u queue(s) in error state", qerrs);
	} else if (poison) {
		snprintf(h->reason, sizeof(h->reason),
			 "%u late write(s) into freed buffers detected", poison);
	}
	return ACCEL_OK;
}

ACCEL_API int accel_dev_close(accel_dev *dev)
{
	struct accel_dev **link;
	bool busy;
	int ret;

	/*
	 * Under registry_lock throughout: no device-level call can pin the handle
	 * between the checks and the unlink, and a queue create in progress holds
	 * a pin. After the unlink every call refuses the handle, so it is freed
	 * with nobody inside.
	 */
	pthread_mutex_lock(&registry_lock);
	link = dev ? registry_find_locked(dev) : NULL;
	ret = link ? dev_check(dev, false) : ACCEL_EINVAL;
	if (ret) {
		pthread_mutex_unlock(&registry_lock);
		return ret;	/* in a forked child the device is leaked on purpose */
	}
	pthread_mutex_lock(&dev->lock);	/* not forked: dev_check said so */
	busy = dev->nqueues || dev->pins;
	pthread_mutex_unlock(&dev->lock);
	if (busy) {
		pthread_mutex_unlock(&registry_lock);
		return ACCEL_EBUSY;
	}
	*link = dev->live_next;
	dev->magic = SHIM_DEAD_MAGIC;
	pthread_mutex_unlock(&registry_lock);
	if (dev->ops->dev_close)
		dev->ops->dev_close(dev);
	shim_buf_dev_close(dev);
	shim_dev_free(dev);
	return ACCEL_OK;
}

/* ---- queues ---- */

static int queue_create_pinned(accel_dev *dev, uint32_t depth, accel_queue **out);

ACCEL_API int accel_queue_create(accel_dev *dev, uint32_t depth, accel_queue **out)
{
	int ret = dev_pin(dev);

	if (ret)
		return ret;
	ret = queue_create_pinned(dev, depth, out);
	dev_unpin(dev);
	return ret;
}

static int queue_create_pinned(accel_dev *dev, uint32_t depth, accel_queue **out)
{
	struct accel_queue *q;
	int ret = dev_check(dev, true);

	if (ret)
		return ret;
	if (!out)
		return ACCEL_EINVAL;
	*out = NULL;
	if (depth < 2 || (depth & (depth - 1)) || depth > dev->caps.queue_depth_max)
		return ACCEL_EINVAL;

	pthread_mutex_lock(&dev->lock);
	if (dev->nqueues >= dev->queue_budget) {	/* UACCE: no free queue -> EBUSY */
		pthread_mutex_unlock(&dev->lock);
		return ACCEL_EBUSY;
	}
	dev->nqueues++;	/* reserve our place in the budget */
	pthread_mutex_unlock(&dev->lock);

	/* only engines that run after submit returns need an SQ; the others get a 1-slot stub */
	q = shim_queue_alloc(dev, depth, dev->ops->has_sq ? depth : 1);
	if (!q) {
		ret = ACCEL_ENOMEM;
		goto err_unreserve;
	}
	if (dev->ops->queue_init) {
		ret = dev->ops->queue_init(q);	/* uadk: pins one wd context per family */
		if (ret)
			goto err_free_queue;
	}
	q->magic = SHIM_QUEUE_MAGIC;

	pthread_mutex_lock(&dev->lock);
	q->next = dev->queues;
	dev->queues = q;
	pthread_mutex_unlock(&dev->lock);
	*out = q;
	return ACCEL_OK;

err_free_queue:
	shim_queue_free(q);
err_unreserve:
	pthread_mutex_lock(&dev->lock);
	dev->nqueues--;
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

static void sess_free(struct accel_queue *q, struct shim_sess *s)
{
	if (q->dev->ops->sess_fini)
		q->dev->ops->sess_fini(s);	/* uadk: wd session handles */
	shim_sess_free(s);
}

ACCEL_API int accel_queue_destroy(accel_queue *q, uint32_t drain_ms)
{
	struct accel_dev *dev;
	int ret = queue_check(q, false);

	if (ret)
		return ret;	/* forked child: leaked on purpose, see above */
	dev = q->dev;
	if (dev->ops->queue_fini)
		dev->ops->queue_fini(q, drain_ms);	/* nothing touches q after this */

	pthread_mutex_lock(&dev->lock);
	for (struct accel_queue **pp = &dev->queues; *pp; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			break;
		}
	}
	dev->nqueues--;
	pthread_mutex_unlock(&dev->lock);

	for (uint32_t i = 0; i < q->sess_cap; i++)
		if (q->sess[i].sess)
			sess_free(q, q->sess[i].sess);
	shim_queue_free(q);
	return ACCEL_OK;
}

ACCEL_API uint32_t accel_queue_inflight(accel_queue *q)
{
	if (queue_check(q, false))
		return 0;
	return atomic_load(&q->inflight);
}

ACCEL_API int accel_queue_eventfd(accel_queue *q)
{
	int fd;

	if (queue_check(q, false))
		return -1;
	/* created lazily: producers skip the write(2) while nobody selects on it */
	pthread_mutex_lock(&q->cq_lock);
	if (q->efd < 0) {
		fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fd >= 0 && shim_cq_count(&q->cq))
			(void)!write(fd, &(uint64_t){ 1 }, sizeof(uint64_t));
		atomic_store(&q->efd, fd);
	}
	fd = q->efd;
	pthread_mutex_unlock(&q->cq_lock);
	return fd;
}

/* ---- sessions ---- */

static int sess_check_rsa_bits(const struct accel_caps *caps, uint32_t bits)
{
	if (bits < caps->rsa_min_bits || bits > caps->rsa_max_bits)
		return ACCEL_ENOTSUP;
	if (caps->rsa_flags & ACCEL_RSA_ANY_SIZE)
		return bits % 8 ? ACCEL_ENOTSUP : ACCEL_OK;
	for (uint32_t i = 0; i < 4; i++)
		if ((caps->rsa_bits_mask & (1u << i)) && bits == 1024 * (i + 1))
			return ACCEL_OK;
	return ACCEL_ENOTSUP;
}

/* The key's own checks against the device's caps: EINVAL malformed, ENOTSUP unsupported. */
static int sess_check_key(const struct accel_caps *caps, uint32_t family, const void *key,
			  uint32_t key_len)
{
	switch (family) {
	case ACCEL_FAMILY_AEAD:
		if (key_len != 16 && key_len != 24 && key_len != 32)
			return ACCEL_EINVAL;
		if (!(caps->aes_key_mask & (1u << ((key_len - 16) / 8))))
			return ACCEL_ENOTSUP;
		return ACCEL_OK;
	case ACCEL_FAMILY_RSA:
		if (key_len != sizeof(struct accel_rsa_key))
			return ACCEL_EINVAL;
		return sess_check_rsa_bits(caps, ((const struct accel_rsa_key *)key)->n_bits);
	default:
		return ACCEL_EINVAL;
	}
}

ACCEL_API int accel_session_create(accel_queue *q, uint32_t family, const void *key,
				   uint32_t key_len, uint64_t *session)
{
	struct shim_sess *s;
	int ret = queue_check(q, true);

	if (ret)
		return ret;
	if (!session || !key)
		return ACCEL_EINVAL;
	*session = 0;
	ret = sess_check_key(&q->dev->caps, family, key, key_len);
	if (ret)
		return ret;
	ret = shim_sess_new(family, key, key_len, &s);
	if (ret)
		return ret;
	ret = q->dev->ops->sess_init(q, s, key);	/* RSA: n_bits, n_len, crt; uadk: wd session */
	if (ret)
		goto err_free_sess;
	ret = shim_sess_insert(q, s, session);
	if (ret)
		goto err_free_sess;
	return ACCEL_OK;

err_free_sess:
	sess_free(q, s);
	return ret;
}

ACCEL_API int accel_session_destroy(accel_queue *q, uint64_t session)
{
	struct shim_sess *s;
	int ret = queue_check(q, false);

	if (ret)
		return ret;
	ret = shim_sess_remove(q, session, &s);
	if (ret)
		return ret;
	sess_free(q, s);
	return ACCEL_OK;
}

/* ---- data path ---- */

ACCEL_API int accel_submit(accel_queue *q, const struct accel_desc *descs, uint32_t n,
			   uint32_t *accepted)
{
	const struct accel_backend_ops *ops;
	struct accel_dev *dev;
	uint32_t room, k, taken = 0;
	uint64_t reset_until;
	int ret;

	if (!accepted)
		return ACCEL_EINVAL;
	*accepted = 0;
	ret = queue_check(q, true);
	if (ret)
		return ret;
	dev = q->dev;
	ops = dev->ops;
	if (atomic_load(&q->qerr))
		return ACCEL_EQUEUE;
	if (!n)
		return ACCEL_OK;
	if (!descs)
		return ACCEL_EINVAL;
	/* only the emu's RESET fault sets it: the clock is read only while one is pending */
	reset_until = atomic_load(&dev->reset_until_ns);
	if (reset_until && shim_now_ns() < reset_until)
		return ACCEL_EAGAIN;	/* resetting: transient, like a QM that refuses doorbells */

	pthread_mutex_lock(&q->submit_lock);
	/* orders: inflight read -> slot reuse (pairs with accel_reap's release decrement) */
	room = (q->depth - 1) - atomic_load_explicit(&q->inflight, memory_order_acquire);
	k = n < room ? n : room;
	/* count before publishing: a completion can be reaped as soon as it is pushed */
	atomic_fetch_add(&q->inflight, k);
	ret = ops->submit(q, descs, k, &taken);
	atomic_fetch_sub(&q->inflight, k - taken);	/* uadk EBUSY: the rest was not taken */
	pthread_mutex_unlock(&q->submit_lock);
	atomic_fetch_add(&dev->submitted, taken);
	if (ret > 0 && ops->doorbell)
		ops->doorbell(q, (uint32_t)ret);	/* once per call, as on the QM */
	*accepted = taken;
	if (ret == ACCEL_ENODEV)
		return ret;
	return taken < n ? ACCEL_EAGAIN : ACCEL_OK;
}

/*
 * The cpu device's synchronous fast path: validates and computes one request on the calling
 * thread and returns its status, with no ring, no completion and no queue lock (requests of
 * several threads on one queue run in parallel). The buffers are only touched during the call,
 * so Java may pass heap memory through a critical downcall. Counted in accel_health like a
 * submitted and reaped request.
 */
ACCEL_API int accel_execute(accel_queue *q, const struct accel_desc *d, uint32_t *out_len)
{
	struct accel_dev *dev;
	struct shim_sess *s;
	uint32_t len = 0;
	int ret;

	if (!out_len)
		return ACCEL_EINVAL;
	*out_len = 0;
	ret = queue_check(q, true);
	if (ret)
		return ret;
	dev = q->dev;
	if (!dev->ops->execute)
		return ACCEL_ENOTSUP;
	if (!d)
		return ACCEL_EINVAL;
	s = shim_sess_get(q, d);
	ret = shim_validate(&dev->caps, d, s);
	if (!ret)
		ret = dev->ops->execute(d, s, &len);
	shim_sess_put(s);
	atomic_fetch_add_explicit(&dev->submitted, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&dev->completed, 1, memory_order_relaxed);
	if (ret && ret != ACCEL_EBADMSG)
		atomic_fetch_add_explicit(&dev->errors, 1, memory_order_relaxed);
	*out_len = ret ? 0 : len;
	return ret;
}

/* Flat-argument forms of accel_execute: every buffer is its own argument (Java critical downcalls). */
/* NULL + offset stays NULL (an empty AAD or message passes no array). */
static inline const uint8_t *at(const uint8_t *base, uint64_t off)
{
	return base ? base + off : NULL;
}

ACCEL_API int accel_execute_gcm(accel_queue *q, uint64_t session, uint32_t op,
				const uint8_t *iv, uint64_t iv_off, uint32_t iv_len,
				const uint8_t *aad, uint64_t aad_off, uint64_t aad_len,
				const uint8_t *src, uint64_t src_off, uint64_t len,
				uint8_t *dst, uint64_t dst_off,
				uint8_t *tag, uint64_t tag_off, uint32_t tag_len)
{
	struct accel_desc d = { .session = session, .op = op, .src = at(src, src_off),
				.src_len = len, .dst = (uint8_t *)at(dst, dst_off), .dst_len = len,
				.aad = at(aad, aad_off), .aad_len = aad_len,
				.iv = at(iv, iv_off), .iv_len = iv_len, .tag_len = tag_len,
				.tag = (uint8_t *)at(tag, tag_off) };
	uint32_t out_len;

	if (op != ACCEL_OP_GCM_SEAL && op != ACCEL_OP_GCM_OPEN)
		return ACCEL_EINVAL;
	return accel_execute(q, &d, &out_len);
}

ACCEL_API uint32_t accel_gcm_key_bytes(void)
{
	return (uint32_t)sizeof(struct shim_gcm_key);
}

/* The caller's memory must be whole and aligned: checked here, before the core writes to it. */
static bool gcm_key_mem_ok(const void *ctx, uint64_t ctx_len)
{
	return ctx && ctx_len >= sizeof(struct shim_gcm_key) &&
	       ((uintptr_t)ctx & (SHIM_GCM_KD_ALIGN - 1)) == 0;
}

ACCEL_API int accel_gcm_key_init(void *ctx, uint64_t ctx_len, const uint8_t *key, uint32_t key_len)
{
	if (!gcm_key_mem_ok(ctx, ctx_len) || !key)
		return ACCEL_EINVAL;
	return shim_gcm_key_init(ctx, key, key_len);
}

ACCEL_API int accel_gcm_key_run(const void *ctx, uint64_t ctx_len, uint32_t op,
				const uint8_t *iv, uint64_t iv_off, uint32_t iv_len,
				const uint8_t *aad, uint64_t aad_off, uint64_t aad_len,
				const uint8_t *src, uint64_t src_off, uint64_t len,
				uint8_t *dst, uint64_t dst_off,
				uint8_t *tag, uint64_t tag_off, uint32_t tag_len)
{
	struct accel_desc d = { .op = op, .src = at(src, src_off), .src_len = len,
				.dst = (uint8_t *)at(dst, dst_off), .dst_len = len,
				.aad = at(aad, aad_off), .aad_len = aad_len,
				.iv = at(iv, iv_off), .iv_len = iv_len, .tag_len = tag_len,
				.tag = (uint8_t *)at(tag, tag_off) };

	if (!gcm_key_mem_ok(ctx, ctx_len))
		return ACCEL_EINVAL;
	return shim_gcm_key_run(ctx, &d);
}

ACCEL_API int accel_execute_digest(accel_queue *q, uint32_t op,
				   const uint8_t *src, uint64_t src_off, uint64_t len,
				   uint8_t *dst, uint64_t dst_off, uint32_t dst_len)
{
	struct accel_desc d = { .op = op, .src = at(src, src_off), .src_len = len,
				.dst = (uint8_t *)at(dst, dst_off), .dst_len = dst_len };
	uint32_t out_len;

	if (op < ACCEL_OP_SHA224 || op > ACCEL_OP_SHA512)
		return ACCEL_EINVAL;
	return accel_execute(q, &d, &out_len);
}

ACCEL_API int accel_execute_rsa(accel_queue *q, uint64_t session, uint32_t op,
				const uint8_t *src, uint64_t src_off, uint64_t src_len,
				uint8_t *dst, uint64_t dst_off, uint64_t dst_len)
{
	struct accel_desc d = { .session = session, .op = op, .src = at(src, src_off),
				.src_len = src_len, .dst = (uint8_t *)at(dst, dst_off),
				.dst_len = dst_len };
	uint32_t out_len;

	if (op != ACCEL_OP_RSA_PRIV_CRT && op != ACCEL_OP_RSA_PUB)
		return ACCEL_EINVAL;
	return accel_execute(q, &d, &out_len);
}

ACCEL_API int accel_rsa_host(accel_queue *q, uint64_t session, uint32_t op,
			     const uint8_t *src, uint64_t src_off, uint64_t src_len,
			     uint8_t *dst, uint64_t dst_off, uint64_t dst_len)
{
	struct shim_sess *s;
	uint64_t n_len;
	int ret = queue_check(q, true);

	if (ret)
		return ret;
	if (!q->dev->ops->rsa_host)
		return ACCEL_ENOTSUP;
	if ((op != ACCEL_RSA_HOST_BLIND && op != ACCEL_RSA_HOST_UNBLIND) || !src || !dst)
		return ACCEL_EINVAL;
	s = shim_sess_ref(q, session);
	if (!s)
		return ACCEL_EINVAL;
	n_len = s->n_len;
	/* BLIND: c -> c' || factor; UNBLIND: s' || c' || factor -> s */
	if (s->family != ACCEL_FAMILY_RSA || !s->rsa)
		ret = ACCEL_EINVAL;
	else if (op == ACCEL_RSA_HOST_BLIND ? src_len != n_len || dst_len < 2 * n_len
					    : src_len != 3 * n_len || dst_len < n_len)
		ret = ACCEL_EINVAL;
	else
		ret = q->dev->ops->rsa_host(s, op, src + src_off, dst + dst_off);
	shim_sess_put(s);
	return ret;
}

ACCEL_API int accel_kernels(char *buf, uint32_t len)
{
	char reason[160];

	if (!buf || !len)
		return ACCEL_EINVAL;
	if (accel_backend_probe(ACCEL_BACKEND_CPU, reason, sizeof(reason)) != ACCEL_OK) {
		snprintf(buf, len, "no cpu engine: %s\n", reason);
		return ACCEL_ENODEV;
	}
	shim_kernels_describe(buf, len);
	return ACCEL_OK;
}

ACCEL_API int accel_reap(accel_queue *q, struct accel_cqe *cqes, uint32_t max, uint32_t *got)
{
	uint32_t n, errs = 0;
	bool polled;
	int ret;

	if (!got)
		return ACCEL_EINVAL;
	*got = 0;
	polled = queue_polled(q);
	ret = queue_check(q, !polled);
	if (ret)
		return ret;
	if (atomic_load(&q->qerr))
		return ACCEL_EQUEUE;
	if (max && !cqes)
		return ACCEL_EINVAL;
	/* one reaper per queue (UADK poll contexts are single-consumer): asserted, not assumed */
	if (atomic_exchange(&q->reaper, 1))
		return ACCEL_EALREADY;
	if (polled) {
		q->dev->ops->poll(q);	/* completion callbacks post into the CQ */
		if (atomic_load(&q->qerr)) {
			ret = ACCEL_EQUEUE;
			goto out_release;
		}
		if (dev_gone(q->dev) && !shim_cq_count(&q->cq)) {
			ret = ACCEL_ENODEV;
			goto out_release;
		}
	}
	n = shim_cq_pop(&q->cq, cqes, max);
	for (uint32_t i = 0; i < n; i++)
		if (cqes[i].status != ACCEL_OK && cqes[i].status != ACCEL_EBADMSG)
			errs++;
	/* orders: our cqe reads -> the submitter reusing those slots */
	atomic_fetch_sub_explicit(&q->inflight, n, memory_order_release);
	atomic_fetch_add(&q->dev->completed, n);
	if (errs)
		atomic_fetch_add(&q->dev->errors, errs);
	if (q->efd >= 0 && !shim_cq_count(&q->cq)) {
		uint64_t v;

		/*
		 * drained: clear readiness, then re-arm if a producer raced with us. Also when
		 * this reap found nothing: shim_post writes the eventfd after it pushed the
		 * completion, so a reap between the two leaves a late, spurious readiness that
		 * the next reap must clear (else a poll()-driven reaper would spin).
		 */
		(void)!read(q->efd, &v, sizeof(v));
		if (shim_cq_count(&q->cq))
			(void)!write(q->efd, &(uint64_t){ 1 }, sizeof(uint64_t));
	}
	*got = n;
	ret = ACCEL_OK;
out_release:
	atomic_store_explicit(&q->reaper, 0, memory_order_release);
	return ret;
}

/*
 * accel_wait with a threshold (accel_wait_n): returns ACCEL_OK once the CQ
 * holds min_nr completions (or as many as a concurrent accel_wait_limit
 * allows), or at the deadline when it holds at least one; ETIMEDOUT with
 * none. Reaper threads that know no caller needs fewer completions sleep
 * through the ones in between, as io_uring_enter's min_complete lets them
 * (each wake-up is a context switch: 15-30 us of guest CPU on the project's
 * VM, issue 5).
 */
/* Under cq_lock, as a wait ends: the next one starts from its own min_nr, uncapped. */
static void wait_reset(struct accel_queue *q)
{
	atomic_store(&q->wait_min, 1);
	atomic_store(&q->wait_cap, UINT32_MAX);
}

/* Polled completions (uadk): poll, then back off from 1 us to 200 us. */
static int wait_polled(struct accel_queue *q, uint64_t deadline)
{
	uint64_t nap = 1000;

	for (;;) {
		uint32_t have;

		q->dev->ops->poll(q);
		if (atomic_load(&q->qerr))
			return ACCEL_EQUEUE;
		have = shim_cq_count(&q->cq);
		if (have && have >= shim_wait_threshold(q))
			return ACCEL_OK;
		if (dev_gone(q->dev))
			return have ? ACCEL_OK : ACCEL_ENODEV;
		if (shim_now_ns() >= deadline)
			return have ? ACCEL_OK : ACCEL_ETIMEDOUT;
		if (nap < 20000) {
			shim_busy_wait_ns(nap);
		} else {
			struct timespec nt = { 0, (long)nap };

			nanosleep(&nt, NULL);
		}
		nap = nap * 2 > 200000 ? 200000 : nap * 2;
	}
}

/* Posted completions (emu, cpu): sleep on cq_cv, which shim_post signals. cq_lock held. */
static int wait_posted(struct accel_queue *q, uint64_t deadline)
{
	struct timespec ts;

	deadline_ts(&ts, deadline);
	for (;;) {
		if (dev_gone(q->dev) || dev_forked(q->dev))
			return ACCEL_ENODEV;
		if (atomic_load(&q->qerr))
			return ACCEL_EQUEUE;
		uint32_t have = shim_cq_count(&q->cq);

		if (have && have >= shim_wait_threshold(q))
			return ACCEL_OK;
		if (shim_now_ns() >= deadline)
			return have ? ACCEL_OK : ACCEL_ETIMEDOUT;
		pthread_cond_timedwait(&q->cq_cv, &q->cq_lock, &ts);
	}
}

static int wait_impl(accel_queue *q, uint32_t min_nr, uint32_t timeout_ms)
{
	uint64_t deadline;
	bool polled = queue_polled(q);
	int ret = queue_check(q, !polled);
	atomic_int *owner;

	if (ret)
		return ret;
	if (!min_nr)
		min_nr = 1;
	/*
	 * UADK: waiting polls the hardware's single-consumer contexts, so it is
	 * reaping and excludes accel_reap. emu/cpu: waiting only watches the CQ,
	 * so a caller may reap (its own completion, with no hand-off through the
	 * waiting reaper thread) while one thread waits.
	 */
	owner = polled ? &q->reaper : &q->waiter;
	if (atomic_exchange(owner, 1))
		return ACCEL_EALREADY;
	pthread_mutex_lock(&q->cq_lock);
	atomic_store(&q->wait_min, min_nr);
	pthread_mutex_unlock(&q->cq_lock);
	deadline = shim_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	if (polled) {
		ret = wait_polled(q, deadline);
		pthread_mutex_lock(&q->cq_lock);
	} else {
		pthread_mutex_lock(&q->cq_lock);
		ret = wait_posted(q, deadline);
	}
	wait_reset(q);
	pthread_mutex_unlock(&q->cq_lock);
	atomic_store_explicit(owner, 0, memory_order_release);
	return ret;
}

ACCEL_API int accel_wait(accel_queue *q, uint32_t timeout_ms)
{
	return wait_impl(q, 1, timeout_ms);
}

ACCEL_API int accel_wait_n(accel_queue *q, uint32_t min_nr, uint32_t timeout_ms)
{
	return wait_impl(q, min_nr, timeout_ms);
}

ACCEL_API int accel_wait_limit(accel_queue *q, uint32_t nr)
{
	int ret = queue_check(q, false);
	uint32_t have;

	if (ret)
		return ret;
	if (!nr)
		nr = 1;
	pthread_mutex_lock(&q->cq_lock);
	if (nr < atomic_load(&q->wait_cap))
		atomic_store(&q->wait_cap, nr);	/* only ever lowered, until the wait returns */
	have = shim_cq_count(&q->cq);
	if (have && have >= shim_wait_threshold(q))
		pthread_cond_signal(&q->cq_cv);
	pthread_mutex_unlock(&q->cq_lock);
	return ACCEL_OK;
}

/* ---- emulator control ---- */

ACCEL_API int accel_emu_set_profile(accel_dev *dev, uint32_t profile)
{
	int ret = dev_pin(dev);

	if (ret)
		return ret;
	ret = dev_check(dev, false);
	if (!ret)
		ret = dev->ops->set_profile ? dev->ops->set_profile(dev, profile) : ACCEL_ENOTSUP;
	dev_unpin(dev);
	return ret;
}

ACCEL_API int accel_emu_inject(accel_dev *dev, uint32_t fault, uint64_t count, uint64_t param)
{
	int ret = dev_pin(dev);

	if (ret)
		return ret;
	/* the FORK fault sets dev->forked; CLEAR must still reach it, so check the pid only */
	if (dev->pid != atomic_load(&shim_pid))
		ret = ACCEL_ENODEV;
	else
		ret = dev->ops->inject ? dev->ops->inject(dev, fault, count, param) : ACCEL_ENOTSUP;
	dev_unpin(dev);
	return ret;
}

/* ---- batch digest (cpu backend) ---- */

/*
 * n messages in one call: validates the whole batch before hashing any of
 * it, then hashes on the caller's thread (cpu: sha_mb.c, 16/8-lane AVX-512,
 * or libcrypto per message). Counted in accel_health as n requests, like n
 * accel_execute calls (1 when n itself is invalid).
 */
ACCEL_API int accel_execute_digest_batch(accel_queue *q, uint32_t op,
					 const uint8_t *data, uint64_t data_off,
					 const uint32_t *lens, uint64_t lens_off, uint32_t n,
					 uint8_t *out, uint64_t out_off, uint64_t out_len)
{
	/* NULL + offset stays NULL (an all-empty batch may pass no data array) */
	const uint8_t *src = data ? data + data_off : NULL;
	const uint8_t *lp = lens ? (const uint8_t *)lens + lens_off : NULL;
	uint8_t *dst = out ? out + out_off : NULL;
	struct accel_dev *dev;
	uint64_t total = 0;
	uint32_t dlen, counted = n && n <= ACCEL_DIGEST_BATCH_MAX ? n : 1;
	int ret;

	ret = queue_check(q, true);
	if (ret)
		return ret;
	dev = q->dev;
	if (!dev->ops->digest_batch)
		return ACCEL_ENOTSUP;
	dlen = shim_digest_len(op);
	if (!dlen || n > ACCEL_DIGEST_BATCH_MAX) {
		ret = ACCEL_EINVAL;
	} else if (!(dev->caps.ops_mask & ACCEL_OP_BIT(op))) {
		ret = ACCEL_ENOTSUP;
	} else if (n && (!lp || !dst || out_len < (uint64_t)n * dlen)) {
		ret = ACCEL_EINVAL;
	} else {
		for (uint32_t i = 0; i < n && !ret; i++) {
			uint32_t len;

			memcpy(&len, lp + (size_t)i * 4, 4);	/* an int[] at any byte offset */
			if (len > dev->caps.digest_data_max)
				ret = ACCEL_EINVAL;
			total += len;
		}
		if (!ret && total && !src)
			ret = ACCEL_EINVAL;
	}
	if (!ret && n)
		ret = dev->ops->digest_batch(op, src, lp, n, dst);
	if (!n && !ret)
		return ACCEL_OK;	/* nothing asked, nothing counted */
	atomic_fetch_add_explicit(&dev->submitted, counted, memory_order_relaxed);
	atomic_fetch_add_explicit(&dev->completed, counted, memory_order_relaxed);
	if (ret)
		atomic_fetch_add_explicit(&dev->errors, counted, memory_order_relaxed);
	return ret;
}

/* ---- buffers (buf.c) ---- */

ACCEL_API void *accel_buf_alloc(accel_dev *dev, uint64_t len)
{
	void *buf;

	if (!len || len > (1ull << 40) || (dev && dev_pin(dev)))
		return NULL;
	buf = shim_buf_map(len);
	if (dev)
		dev_unpin(dev);
	return buf;
}

/* dev may be NULL or closed already: the buffer is then unmapped without the device's records. */
ACCEL_API void accel_buf_free(accel_dev *dev, void *buf, uint64_t len)
{
	bool pinned;

	if (!buf || !len)
		return;
	pinned = dev && !dev_pin(dev);
	shim_buf_unmap(pinned ? dev : NULL, buf, len);
	if (pinned)
		dev_unpin(dev);
}

/* ---- UACCE devices (uacce.c) ---- */

ACCEL_API int accel_uacce_list(char *buf, uint32_t len)
{
	struct shim_uacce_dev *devs;
	size_t used = 0;
	bool trunc = false;
	int n;

	if (!buf && len)
		return ACCEL_EINVAL;
	devs = calloc(SHIM_UACCE_MAX, sizeof(*devs));
	if (!devs)
		return ACCEL_ENOMEM;
	n = shim_uacce_scan(devs, SHIM_UACCE_MAX);
	if (len)
		buf[0] = 0;
	for (int i = 0; i < n && len; i++) {
		const struct shim_uacce_dev *d = &devs[i];
		char line[1024];
		int l = snprintf(line, sizeof(line), "%s\t%s\t%s\t%d\t%s\t%d\t%d\t%d\t%d\t%s\n",
				 d->name, d->driver, d->api, d->flags,
				 d->algorithms[0] ? d->algorithms : "-", d->avail, d->isolate,
				 d->numa, d->usable ? 1 : 0, d->reason);

		if (l < 0)
			continue;
		if (used + (size_t)l + 1 > len) {
			trunc = true;
			break;
		}
		memcpy(buf + used, line, (size_t)l + 1);
		used += (size_t)l;
	}
	free(devs);
	return trunc ? ACCEL_ENOMEM : n;
}

// SPDX-License-Identifier: Apache-2.0
/*
 * shim.c - ABI entry points: version/sizes, probe, device/queue/session
 * lifetime, the data path shared by every backend, request validation, fork
 * detection.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "sha_mb.h"

/*
 * Fork detection. A forked child has no queue mappings on UACCE (they are
 * wiped on fork) and none of our engine threads; any lock may be held by a
 * thread that does not exist in the child. So every entry point compares
 * the device's owner pid with the current pid before taking any lock. The
 * current pid is cached and refreshed by an atfork child handler (glibc's
 * getpid() is a system call).
 */
static atomic_int shim_pid;

static void shim_atfork_child(void)
{
	atomic_store(&shim_pid, (int)getpid());
}

__attribute__((constructor)) static void shim_init(void)
{
	atomic_store(&shim_pid, (int)getpid());
	pthread_atfork(NULL, NULL, shim_atfork_child);
}

static atomic_uint shim_dev_ids[4];	/* per backend: "emu0", "emu1", ... */
static _Atomic uint64_t shim_queue_serial;	/* salts session handles per queue */

uint64_t shim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void shim_busy_wait_ns(uint64_t ns)
{
	uint64_t end = shim_now_ns() + ns;

	while (shim_now_ns() < end) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#elif defined(__aarch64__)
		__asm__ volatile("yield");
#endif
	}
}

void shim_copy_reason(char *dst, size_t len, const char *src)
{
	if (!dst || !len)
		return;
	snprintf(dst, len, "%s", src);
}

static uint64_t mix64(uint64_t x)	/* splitmix64 finaliser */
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
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
	int ret;

	switch (backend) {
	case ACCEL_BACKEND_EMU:
	case ACCEL_BACKEND_CPU:
		ret = shim_crypto_load(reason, reason_len);
		if (!ret)
			shim_copy_reason(reason, reason_len, "");
		return ret;
	case ACCEL_BACKEND_UADK:
		return shim_uadk_probe(reason, reason_len);
	default:
		shim_copy_reason(reason, reason_len, "unknown backend");
		return ACCEL_ENOTSUP;
	}
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

/* ---- devices ---- */

ACCEL_API int accel_dev_open(uint32_t backend, const struct accel_dev_config *cfg,
			     accel_dev **out)
{
	static const struct accel_dev_config zero_cfg;
	struct accel_dev *dev;
	pthread_condattr_t ca;
	int ret;

	if (!out)
		return ACCEL_EINVAL;
	*out = NULL;
	if (!cfg)
		cfg = &zero_cfg;
	if (backend != ACCEL_BACKEND_EMU && backend != ACCEL_BACKEND_CPU &&
	    backend != ACCEL_BACKEND_UADK)
		return ACCEL_EINVAL;
	if (cfg->profile > ACCEL_PROFILE_HPRE_920 || cfg->engines > 256)
		return ACCEL_EINVAL;
	ret = backend == ACCEL_BACKEND_UADK ? shim_uadk_probe(NULL, 0) : shim_crypto_load(NULL, 0);
	if (ret)
		return ret;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return ACCEL_ENOMEM;
	dev->backend = backend;
	dev->pid = atomic_load(&shim_pid);
	dev->cfg = *cfg;
	dev->id = atomic_fetch_add(&shim_dev_ids[backend], 1);
	if (backend == ACCEL_BACKEND_EMU) {
		shim_emu_caps(&dev->caps, cfg);
		snprintf(dev->caps.name, sizeof(dev->caps.name), "emu%u", dev->id);
		snprintf(dev->caps.driver, sizeof(dev->caps.driver), "%s", shim_kernel_driver());
	} else if (backend == ACCEL_BACKEND_UADK) {
		ret = shim_uadk_open(dev);	/* fills caps; owns the UADK singleton */
		if (ret) {
			free(dev);
			return ret;
		}
	} else {
		shim_cpu_caps(&dev->caps);
		if (cfg->max_queues)
			dev->caps.queues_max = cfg->max_queues;
		snprintf(dev->caps.name, sizeof(dev->caps.name), "cpu%u", dev->id);
		snprintf(dev->caps.driver, sizeof(dev->caps.driver), "%s", shim_kernel_driver());
	}
	dev->queue_budget = dev->caps.queues_max;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&dev->lock, NULL);
	pthread_mutex_init(&dev->buf_lock, NULL);
	pthread_cond_init(&dev->work_cv, &ca);
	pthread_cond_init(&dev->idle_cv, &ca);
	pthread_condattr_destroy(&ca);
	dev->magic = SHIM_DEV_MAGIC;

	if (backend == ACCEL_BACKEND_EMU) {
		ret = shim_emu_open(dev);
		if (ret) {
			dev->magic = SHIM_DEAD_MAGIC;
			pthread_mutex_destroy(&dev->lock);
			pthread_mutex_destroy(&dev->buf_lock);
			pthread_cond_destroy(&dev->work_cv);
			pthread_cond_destroy(&dev->idle_cv);
			free(dev);
			return ret;
		}
	}
	*out = dev;
	return ACCEL_OK;
}

ACCEL_API int accel_dev_caps(accel_dev *dev, struct accel_caps *caps)
{
	int ret = dev_check(dev, true);

	if (ret)
		return ret;
	if (!caps)
		return ACCEL_EINVAL;
	pthread_mutex_lock(&dev->lock);
	*caps = dev->caps;
	caps->queues_max = dev->queue_budget;
	pthread_mutex_unlock(&dev->lock);
	return ACCEL_OK;
}

/* Always answers (OK) for a valid handle: this is the call that reports why a device is down. */
ACCEL_API int accel_dev_health(accel_dev *dev, struct accel_health *h)
{
	uint32_t qerrs = 0, poison = 0;
	uint64_t now = shim_now_ns(), reset_until;

	if (!dev || dev->magic != SHIM_DEV_MAGIC || !h)
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
	if (dev->backend == ACCEL_BACKEND_UADK)
		shim_uadk_health(dev, h);	/* re-checks sysfs; sets the removal reason */
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
	int ret = dev_check(dev, false);

	if (ret)
		return ret;	/* in a forked child the device is leaked on purpose */
	pthread_mutex_lock(&dev->lock);
	if (dev->nqueues) {
		pthread_mutex_unlock(&dev->lock);
		return ACCEL_EBUSY;
	}
	pthread_mutex_unlock(&dev->lock);
	if (dev->backend == ACCEL_BACKEND_EMU)
		shim_emu_close(dev);
	if (dev->backend == ACCEL_BACKEND_UADK)
		shim_uadk_close(dev);
	shim_buf_dev_close(dev);
	dev->magic = SHIM_DEAD_MAGIC;
	pthread_mutex_destroy(&dev->lock);
	pthread_mutex_destroy(&dev->buf_lock);
	pthread_cond_destroy(&dev->work_cv);
	pthread_cond_destroy(&dev->idle_cv);
	free(dev);
	return ACCEL_OK;
}

/* ---- queues ---- */

ACCEL_API int accel_queue_create(accel_dev *dev, uint32_t depth, accel_queue **out)
{
	struct accel_queue *q;
	pthread_condattr_t ca;
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

	q = calloc(1, sizeof(*q));
	if (!q || shim_sq_init(&q->sq, dev->backend == ACCEL_BACKEND_EMU ? depth : 1) ||
	    shim_cq_init(&q->cq, depth)) {
		if (q) {
			free(q->sq.ent);
			free(q->cq.ent);
			free(q);
		}
		pthread_mutex_lock(&dev->lock);
		dev->nqueues--;
		pthread_mutex_unlock(&dev->lock);
		return ACCEL_ENOMEM;
	}
	q->dev = dev;
	q->depth = depth;
	q->sess_salt = mix64((uintptr_t)q ^ atomic_fetch_add(&shim_queue_serial, 1) ^ shim_now_ns()) |
		       0x80000000ull;
	q->efd = -1;
	atomic_init(&q->wait_min, 1);
	atomic_init(&q->wait_cap, UINT32_MAX);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cq_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&q->submit_lock, NULL);
	pthread_mutex_init(&q->cq_lock, NULL);
	pthread_mutex_init(&q->sess_lock, NULL);
	if (dev->backend == ACCEL_BACKEND_UADK) {
		ret = shim_uadk_queue_init(q);	/* pins one wd context per family */
		if (ret) {
			pthread_mutex_destroy(&q->submit_lock);
			pthread_mutex_destroy(&q->cq_lock);
			pthread_mutex_destroy(&q->sess_lock);
			pthread_cond_destroy(&q->cq_cv);
			free(q->sq.ent);
			free(q->cq.ent);
			free(q);
			pthread_mutex_lock(&dev->lock);
			dev->nqueues--;
			pthread_mutex_unlock(&dev->lock);
			return ret;
		}
	}
	q->magic = SHIM_QUEUE_MAGIC;

	pthread_mutex_lock(&dev->lock);
	q->next = dev->queues;
	dev->queues = q;
	pthread_mutex_unlock(&dev->lock);
	*out = q;
	return ACCEL_OK;
}

static void sess_free(struct shim_sess *s)
{
	if (s->uadk)
		shim_uadk_sess_fini(s);
	if (s->rsa)
		shim_rsa_free(s->rsa);
	shim_gcm_release(s);	/* ipsec-mb key data: wiped */
	explicit_bzero(s, sizeof(*s));	/* AES key bytes */
	free(s);
}

ACCEL_API int accel_queue_destroy(accel_queue *q, uint32_t drain_ms)
{
	struct accel_dev *dev;
	int ret = queue_check(q, false);

	if (ret)
		return ret;	/* forked child: leaked on purpose, see above */
	dev = q->dev;
	if (dev->backend == ACCEL_BACKEND_EMU)
		shim_emu_queue_quiesce(dev, q, drain_ms);	/* no engine touches q after this */
	if (dev->backend == ACCEL_BACKEND_UADK)
		shim_uadk_queue_fini(q, drain_ms);	/* drains, or retires what is in flight */

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
			sess_free(q->sess[i].sess);
	free(q->sess);
	free(q->sq.ent);
	free(q->cq.ent);
	if (q->efd >= 0)
		close(q->efd);
	q->magic = SHIM_DEAD_MAGIC;
	pthread_mutex_destroy(&q->submit_lock);
	pthread_mutex_destroy(&q->cq_lock);
	pthread_mutex_destroy(&q->sess_lock);
	pthread_cond_destroy(&q->cq_cv);
	free(q);
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

/*
 * Handle = (generation << 32 | (slot + 1)) ^ per-queue salt: a stale handle,
 * another queue's handle or a forged one does not match (EINVAL, never a
 * wild pointer). Bit 31 of the salt is set, so a handle is never 0.
 */
static uint64_t sess_encode(const struct accel_queue *q, uint32_t gen, uint32_t idx)
{
	return (((uint64_t)gen << 32) | (idx + 1)) ^ q->sess_salt;
}

struct shim_sess *shim_sess_lookup_locked(struct accel_queue *q, uint64_t handle)
{
	uint32_t idx, gen;

	handle ^= q->sess_salt;
	idx = (uint32_t)handle;
	gen = (uint32_t)(handle >> 32);

	if (idx == 0 || idx > q->sess_cap)
		return NULL;
	if (q->sess[idx - 1].gen != gen)
		return NULL;
	return q->sess[idx - 1].sess;
}

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

ACCEL_API int accel_session_create(accel_queue *q, uint32_t family, const void *key,
				   uint32_t key_len, uint64_t *session)
{
	const struct accel_caps *caps;
	struct shim_sess *s;
	uint32_t idx;
	int ret = queue_check(q, true);

	if (ret)
		return ret;
	if (!session || !key)
		return ACCEL_EINVAL;
	*session = 0;
	caps = &q->dev->caps;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ACCEL_ENOMEM;
	s->family = family;
	if (family == ACCEL_FAMILY_AEAD) {
		if (key_len != 16 && key_len != 24 && key_len != 32) {
			free(s);
			return ACCEL_EINVAL;
		}
		if (!(caps->aes_key_mask & (1u << ((key_len - 16) / 8)))) {
			free(s);
			return ACCEL_ENOTSUP;
		}
		memcpy(s->key, key, key_len);
		s->key_len = key_len;
		ret = shim_gcm_prepare(s);	/* ipsec-mb: expand the key once per session */
		if (!ret && q->dev->backend == ACCEL_BACKEND_UADK)
			ret = shim_uadk_sess_init(q, s, key);	/* wd session pinned to q */
		if (ret) {
			sess_free(s);
			return ret;
		}
	} else if (family == ACCEL_FAMILY_RSA) {
		const struct accel_rsa_key *rk = key;

		if (key_len != sizeof(*rk)) {
			free(s);
			return ACCEL_EINVAL;
		}
		ret = sess_check_rsa_bits(caps, rk->n_bits);
		if (!ret && q->dev->backend == ACCEL_BACKEND_UADK)
			ret = shim_uadk_sess_init(q, s, rk);	/* sets n_bits, n_len, crt */
		else if (!ret)
			ret = shim_rsa_new(rk, (caps->rsa_flags & ACCEL_RSA_BLINDS_AND_VERIFIES) != 0,
					   &s->rsa, &s->n_bits);
		if (ret) {
			sess_free(s);
			return ret;
		}
		if (s->rsa) {
			s->n_len = (s->n_bits + 7) / 8;
			s->crt = shim_rsa_has_crt(s->rsa);
		}
	} else {
		free(s);
		return ACCEL_EINVAL;
	}

	pthread_mutex_lock(&q->sess_lock);
	for (idx = 0; idx < q->sess_cap && q->sess[idx].sess; idx++)
		;
	if (idx == q->sess_cap) {
		uint32_t cap = q->sess_cap ? q->sess_cap * 2 : 16;
		struct shim_sess_slot *n = cap <= (1u << 24) ? realloc(q->sess, cap * sizeof(*n)) : NULL;

		if (!n) {
			pthread_mutex_unlock(&q->sess_lock);
			sess_free(s);
			return ACCEL_ENOMEM;
		}
		memset(n + q->sess_cap, 0, (cap - q->sess_cap) * sizeof(*n));
		q->sess = n;
		q->sess_cap = cap;
	}
	if (++q->sess[idx].gen == 0)
		q->sess[idx].gen = 1;
	q->sess[idx].sess = s;
	q->nsess++;
	*session = sess_encode(q, q->sess[idx].gen, idx);
	pthread_mutex_unlock(&q->sess_lock);
	return ACCEL_OK;
}

ACCEL_API int accel_session_destroy(accel_queue *q, uint64_t session)
{
	struct shim_sess *s;
	uint32_t idx;
	int ret = queue_check(q, false);

	if (ret)
		return ret;
	idx = (uint32_t)(session ^ q->sess_salt);
	pthread_mutex_lock(&q->sess_lock);
	s = shim_sess_lookup_locked(q, session);
	if (!s) {
		pthread_mutex_unlock(&q->sess_lock);
		return ACCEL_EINVAL;
	}
	if (atomic_load(&s->refs)) {	/* a request still reads it: refuse, don't crash */
		pthread_mutex_unlock(&q->sess_lock);
		return ACCEL_EBUSY;
	}
	q->sess[idx - 1].sess = NULL;
	q->sess[idx - 1].gen++;
	q->nsess--;
	pthread_mutex_unlock(&q->sess_lock);
	sess_free(s);
	return ACCEL_OK;
}

/* ---- validation and execution ---- */

static bool has(const void *p, uint64_t len)
{
	return len == 0 || p != NULL;
}

/* Mirrors the device's limits (caps); anything outside is EINVAL, ENOTSUP for a missing op. */
int shim_validate(const struct accel_caps *caps, const struct accel_desc *d,
		  const struct shim_sess *s)
{
	if (d->op < 1 || d->op > ACCEL_OP_MAX || d->flags)
		return ACCEL_EINVAL;
	if (!(caps->ops_mask & ACCEL_OP_BIT(d->op)))
		return ACCEL_ENOTSUP;
	switch (d->op) {
	case ACCEL_OP_GCM_SEAL:
	case ACCEL_OP_GCM_OPEN: {
		uint32_t tag_min = d->op == ACCEL_OP_GCM_SEAL ? caps->gcm_tag_min : caps->gcm_open_tag_min;

		if (!s || s->family != ACCEL_FAMILY_AEAD)
			return ACCEL_EINVAL;
		if (!d->iv || d->iv_len < caps->gcm_iv_min || d->iv_len > caps->gcm_iv_max)
			return ACCEL_EINVAL;
		if (!d->tag || d->tag_len < tag_min || d->tag_len > caps->gcm_tag_max)
			return ACCEL_EINVAL;
		if (d->dst_len < d->src_len || !has(d->src, d->src_len) ||
		    !has(d->dst, d->src_len) || !has(d->aad, d->aad_len))
			return ACCEL_EINVAL;
		if (d->aad_len > caps->gcm_aad_max || d->src_len > caps->gcm_data_max ||
		    d->aad_len + d->src_len > caps->gcm_data_max)
			return ACCEL_EINVAL;
		if (!d->src_len && !(caps->gcm_flags & ACCEL_GCM_EMPTY_OK))
			return ACCEL_EINVAL;
		return ACCEL_OK;
	}
	case ACCEL_OP_SHA224:
	case ACCEL_OP_SHA256:
	case ACCEL_OP_SHA384:
	case ACCEL_OP_SHA512:
		if (!d->dst || d->dst_len < shim_digest_len(d->op) || !has(d->src, d->src_len) ||
		    d->src_len > caps->digest_data_max)
			return ACCEL_EINVAL;
		return ACCEL_OK;
	case ACCEL_OP_RSA_PRIV_CRT:
	case ACCEL_OP_RSA_PUB:
		if (!s || s->family != ACCEL_FAMILY_RSA)
			return ACCEL_EINVAL;
		if (d->src_len != s->n_len || d->dst_len < s->n_len || !d->src || !d->dst)
			return ACCEL_EINVAL;
		if (d->op == ACCEL_OP_RSA_PRIV_CRT && !s->crt)
			return ACCEL_EINVAL;
		return ACCEL_OK;
	default:
		return ACCEL_EINVAL;
	}
}

/* Runs a validated request on the calling thread. */
int shim_execute(const struct accel_desc *d, const struct shim_sess *s, uint32_t *out_len)
{
	int ret;

	*out_len = 0;
	switch (d->op) {
	case ACCEL_OP_GCM_SEAL:
	case ACCEL_OP_GCM_OPEN:
		ret = shim_gcm_run(d->op == ACCEL_OP_GCM_SEAL, s, d->iv, d->iv_len, d->aad,
				   d->aad_len, d->src, d->src_len, d->dst, d->tag, d->tag_len);
		if (!ret)
			*out_len = (uint32_t)d->src_len;
		return ret;
	case ACCEL_OP_RSA_PRIV_CRT:
	case ACCEL_OP_RSA_PUB:
		ret = shim_rsa_op(s->rsa, d->op == ACCEL_OP_RSA_PRIV_CRT, d->src, d->dst, s->n_len);
		if (!ret)
			*out_len = s->n_len;
		return ret;
	default:
		return shim_digest(d->op, d->src, d->src_len, d->dst, out_len);
	}
}

/* Completions that wake a thread in accel_wait / accel_wait_n (see wait_min). */
static uint32_t wait_threshold(struct accel_queue *q)
{
	uint32_t m = atomic_load(&q->wait_min), c = atomic_load(&q->wait_cap);

	return m < c ? m : c;
}

/* Post one completion (any producer). Room is guaranteed by the inflight bound. */
void shim_post(struct accel_queue *q, uint64_t user_tag, int status, uint32_t out_len,
	       uint32_t detail)
{
	struct accel_cqe c = { .user_tag = user_tag, .status = status, .out_len = out_len,
			       .detail = detail };
	int fd;

	pthread_mutex_lock(&q->cq_lock);
	shim_cq_push(&q->cq, &c);
	/* under cq_lock: accel_wait cannot miss it; accel_wait_n sleeps until its count */
	if (shim_cq_count(&q->cq) >= wait_threshold(q))
		pthread_cond_signal(&q->cq_cv);
	fd = q->efd;
	pthread_mutex_unlock(&q->cq_lock);
	if (fd >= 0)
		(void)!write(fd, &(uint64_t){ 1 }, sizeof(uint64_t));
}

/* ---- data path ---- */

static bool needs_session(uint32_t op)
{
	return op == ACCEL_OP_GCM_SEAL || op == ACCEL_OP_GCM_OPEN || op == ACCEL_OP_RSA_PRIV_CRT ||
	       op == ACCEL_OP_RSA_PUB;
}

ACCEL_API int accel_submit(accel_queue *q, const struct accel_desc *descs, uint32_t n,
			   uint32_t *accepted)
{
	struct accel_dev *dev;
	uint32_t room, k, pushed = 0, out_len;
	int ret;

	if (!accepted)
		return ACCEL_EINVAL;
	*accepted = 0;
	ret = queue_check(q, true);
	if (ret)
		return ret;
	dev = q->dev;
	if (atomic_load(&q->qerr))
		return ACCEL_EQUEUE;
	if (!n)
		return ACCEL_OK;
	if (!descs)
		return ACCEL_EINVAL;
	if (dev->backend == ACCEL_BACKEND_EMU && shim_now_ns() < atomic_load(&dev->reset_until_ns))
		return ACCEL_EAGAIN;	/* resetting: transient, like a QM that refuses doorbells */

	pthread_mutex_lock(&q->submit_lock);
	/* orders: inflight read -> slot reuse (pairs with accel_reap's release decrement) */
	room = (q->depth - 1) - atomic_load_explicit(&q->inflight, memory_order_acquire);
	k = n < room ? n : room;
	/* count before publishing: a completion can be reaped as soon as it is pushed */
	atomic_fetch_add(&q->inflight, k);
	if (dev->backend == ACCEL_BACKEND_UADK) {
		uint32_t taken = 0;

		ret = shim_uadk_submit(q, descs, k, &taken);
		atomic_fetch_sub(&q->inflight, k - taken);	/* EBUSY: the rest was not taken */
		pthread_mutex_unlock(&q->submit_lock);
		atomic_fetch_add(&dev->submitted, taken);
		*accepted = taken;
		if (ret == ACCEL_ENODEV)
			return ret;
		return taken < n ? ACCEL_EAGAIN : ACCEL_OK;
	}
	for (uint32_t i = 0; i < k; i++) {
		const struct accel_desc *d = &descs[i];
		struct shim_sess *s = NULL;

		if (needs_session(d->op)) {
			pthread_mutex_lock(&q->sess_lock);
			s = shim_sess_lookup_locked(q, d->session);
			if (s)
				atomic_fetch_add(&s->refs, 1);
			pthread_mutex_unlock(&q->sess_lock);
		}
		ret = shim_validate(&dev->caps, d, s);
		if (!ret && dev->backend == ACCEL_BACKEND_EMU) {
			struct shim_sqe e = { .d = *d, .sess = s };

			atomic_fetch_add(&q->pending, 1);
			shim_sq_push(&q->sq, &e);	/* the engine drops the session reference */
			pushed++;
			continue;
		}
		if (!ret)
			ret = shim_cpu_run(d, s, &out_len);
		else
			out_len = 0;
		/* drop the reference before posting: once reaped, the session may be destroyed */
		if (s)
			atomic_fetch_sub(&s->refs, 1);
		shim_post(q, d->user_tag, ret, out_len, 0);
	}
	pthread_mutex_unlock(&q->submit_lock);
	atomic_fetch_add(&dev->submitted, k);
	if (pushed)
		shim_emu_doorbell(dev, q, pushed);	/* once per call, as on the QM */
	*accepted = k;
	return k < n ? ACCEL_EAGAIN : ACCEL_OK;
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
	struct shim_sess *s = NULL;
	uint32_t len = 0;
	int ret;

	if (!out_len)
		return ACCEL_EINVAL;
	*out_len = 0;
	ret = queue_check(q, true);
	if (ret)
		return ret;
	dev = q->dev;
	if (dev->backend != ACCEL_BACKEND_CPU)
		return ACCEL_ENOTSUP;
	if (!d)
		return ACCEL_EINVAL;
	if (needs_session(d->op)) {
		pthread_mutex_lock(&q->sess_lock);
		s = shim_sess_lookup_locked(q, d->session);
		if (s)
			atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
		pthread_mutex_unlock(&q->sess_lock);
	}
	ret = shim_validate(&dev->caps, d, s);
	if (!ret)
		ret = shim_cpu_run(d, s, &len);
	if (s)
		atomic_fetch_sub_explicit(&s->refs, 1, memory_order_release);
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
	if (q->dev->backend != ACCEL_BACKEND_CPU)
		return ACCEL_ENOTSUP;
	if ((op != ACCEL_RSA_HOST_BLIND && op != ACCEL_RSA_HOST_UNBLIND) || !src || !dst)
		return ACCEL_EINVAL;
	pthread_mutex_lock(&q->sess_lock);
	s = shim_sess_lookup_locked(q, session);
	if (s)
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&q->sess_lock);
	if (!s)
		return ACCEL_EINVAL;
	n_len = s->n_len;
	if (s->family != ACCEL_FAMILY_RSA || !s->rsa)
		ret = ACCEL_EINVAL;
	else if (op == ACCEL_RSA_HOST_BLIND)
		ret = src_len == n_len && dst_len >= 2 * n_len
			? shim_rsa_blind(s->rsa, src + src_off, dst + dst_off, (uint32_t)n_len)
			: ACCEL_EINVAL;
	else
		ret = src_len == 3 * n_len && dst_len >= n_len
			? shim_rsa_unblind(s->rsa, src + src_off, dst + dst_off, (uint32_t)n_len)
			: ACCEL_EINVAL;
	atomic_fetch_sub_explicit(&s->refs, 1, memory_order_release);
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
	int ret;

	bool uadk;

	if (!got)
		return ACCEL_EINVAL;
	*got = 0;
	uadk = q && q->magic == SHIM_QUEUE_MAGIC && q->dev->backend == ACCEL_BACKEND_UADK;
	/* uadk: after removal, the ENODEV completions of what was in flight are still reaped */
	ret = queue_check(q, !uadk);
	if (ret)
		return ret;
	if (atomic_load(&q->qerr))
		return ACCEL_EQUEUE;
	if (max && !cqes)
		return ACCEL_EINVAL;
	/* one reaper per queue (UADK poll contexts are single-consumer): asserted, not assumed */
	if (atomic_exchange(&q->reaper, 1))
		return ACCEL_EALREADY;
	if (uadk) {
		shim_uadk_poll(q);	/* completion callbacks post into the CQ */
		if (atomic_load(&q->qerr)) {
			atomic_store_explicit(&q->reaper, 0, memory_order_release);
			return ACCEL_EQUEUE;
		}
		if (dev_gone(q->dev) && !shim_cq_count(&q->cq)) {
			atomic_store_explicit(&q->reaper, 0, memory_order_release);
			return ACCEL_ENODEV;
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
	atomic_store_explicit(&q->reaper, 0, memory_order_release);
	*got = n;
	return ACCEL_OK;
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

static int wait_impl(accel_queue *q, uint32_t min_nr, uint32_t timeout_ms)
{
	struct timespec ts;
	uint64_t deadline, nap = 1000;
	bool uadk = q && q->magic == SHIM_QUEUE_MAGIC && q->dev->backend == ACCEL_BACKEND_UADK;
	int ret = queue_check(q, !uadk);

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
	if (atomic_exchange(uadk ? &q->reaper : &q->waiter, 1))
		return ACCEL_EALREADY;
	pthread_mutex_lock(&q->cq_lock);
	atomic_store(&q->wait_min, min_nr);
	pthread_mutex_unlock(&q->cq_lock);
	deadline = shim_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	if (uadk) {
		/* UADK completions are polled: poll, then back off from 1 us to 200 us */
		for (;;) {
			uint32_t have;

			shim_uadk_poll(q);
			if (atomic_load(&q->qerr)) {
				ret = ACCEL_EQUEUE;
				break;
			}
			have = shim_cq_count(&q->cq);
			if (have && have >= wait_threshold(q)) {
				ret = ACCEL_OK;
				break;
			}
			if (dev_gone(q->dev)) {
				ret = have ? ACCEL_OK : ACCEL_ENODEV;
				break;
			}
			if (shim_now_ns() >= deadline) {
				ret = have ? ACCEL_OK : ACCEL_ETIMEDOUT;
				break;
			}
			if (nap < 20000) {
				shim_busy_wait_ns(nap);
			} else {
				struct timespec nt = { 0, (long)nap };

				nanosleep(&nt, NULL);
			}
			nap = nap * 2 > 200000 ? 200000 : nap * 2;
		}
		pthread_mutex_lock(&q->cq_lock);
		wait_reset(q);
		pthread_mutex_unlock(&q->cq_lock);
		atomic_store_explicit(&q->reaper, 0, memory_order_release);
		return ret;
	}
	deadline_ts(&ts, deadline);
	pthread_mutex_lock(&q->cq_lock);
	for (;;) {
		if (dev_gone(q->dev) || dev_forked(q->dev)) {
			ret = ACCEL_ENODEV;
			break;
		}
		if (atomic_load(&q->qerr)) {
			ret = ACCEL_EQUEUE;
			break;
		}
		uint32_t have = shim_cq_count(&q->cq);

		if (have && have >= wait_threshold(q)) {
			ret = ACCEL_OK;
			break;
		}
		if (shim_now_ns() >= deadline) {
			ret = have ? ACCEL_OK : ACCEL_ETIMEDOUT;
			break;
		}
		pthread_cond_timedwait(&q->cq_cv, &q->cq_lock, &ts);
	}
	wait_reset(q);
	pthread_mutex_unlock(&q->cq_lock);
	atomic_store_explicit(&q->waiter, 0, memory_order_release);
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
	if (have && have >= wait_threshold(q))
		pthread_cond_signal(&q->cq_cv);
	pthread_mutex_unlock(&q->cq_lock);
	return ACCEL_OK;
}

/* ---- emulator control ---- */

ACCEL_API int accel_emu_set_profile(accel_dev *dev, uint32_t profile)
{
	int ret = dev_check(dev, false);

	if (ret)
		return ret;
	if (dev->backend != ACCEL_BACKEND_EMU)
		return ACCEL_ENOTSUP;
	return shim_emu_set_profile(dev, profile);
}

ACCEL_API int accel_emu_inject(accel_dev *dev, uint32_t fault, uint64_t count, uint64_t param)
{
	/* the FORK fault sets dev->forked; CLEAR must still reach it, so check the pid only */
	if (!dev || dev->magic != SHIM_DEV_MAGIC)
		return ACCEL_EINVAL;
	if (dev->pid != atomic_load(&shim_pid))
		return ACCEL_ENODEV;
	if (dev->backend != ACCEL_BACKEND_EMU)
		return ACCEL_ENOTSUP;
	return shim_emu_inject(dev, fault, count, param);
}

/* ---- batch digest (cpu backend) ---- */

/*
 * n messages in one call: validates the whole batch before hashing any of
 * it, then hashes on the caller's thread (sha_mb.c: 16/8-lane AVX-512, or
 * libcrypto per message). Counted in accel_health as n requests, like n
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
	if (dev->backend != ACCEL_BACKEND_CPU)
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
		ret = shim_sha_mb(op, src, lp, n, dst);
	if (!n && !ret)
		return ACCEL_OK;	/* nothing asked, nothing counted */
	atomic_fetch_add_explicit(&dev->submitted, counted, memory_order_relaxed);
	atomic_fetch_add_explicit(&dev->completed, counted, memory_order_relaxed);
	if (ret)
		atomic_fetch_add_explicit(&dev->errors, counted, memory_order_relaxed);
	return ret;
}

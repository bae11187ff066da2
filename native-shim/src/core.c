// SPDX-License-Identifier: Apache-2.0
/*
 * core.c - what every backend shares: device and queue objects, session
 * handles, request validation and execution on the host's kernels,
 * completion posting. Called by shim.c (the API) and the backends; calls
 * only the kernels.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

static _Atomic uint64_t shim_queue_serial;	/* salts session handles per queue */

/* ---- time and text ---- */

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

/* Condition variables time out on CLOCK_MONOTONIC, as shim_now_ns counts. */
static void cond_init_monotonic(pthread_cond_t *cv)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
}

/* ---- devices ---- */

struct accel_dev *shim_dev_alloc(uint32_t backend, const struct accel_backend_ops *ops,
				 const struct accel_dev_config *cfg, pid_t pid)
{
	static atomic_uint dev_ids[4];	/* per backend: "emu0", "emu1", ... */
	struct accel_dev *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->backend = backend;
	dev->ops = ops;
	dev->pid = pid;
	dev->cfg = *cfg;
	dev->id = atomic_fetch_add(&dev_ids[backend], 1);
	pthread_mutex_init(&dev->lock, NULL);
	pthread_mutex_init(&dev->buf_lock, NULL);
	cond_init_monotonic(&dev->work_cv);
	cond_init_monotonic(&dev->idle_cv);
	return dev;
}

void shim_dev_free(struct accel_dev *dev)
{
	dev->magic = SHIM_DEAD_MAGIC;
	pthread_mutex_destroy(&dev->lock);
	pthread_mutex_destroy(&dev->buf_lock);
	pthread_cond_destroy(&dev->work_cv);
	pthread_cond_destroy(&dev->idle_cv);
	free(dev);
}

void shim_dev_set_names(struct accel_dev *dev, const char *prefix)
{
	snprintf(dev->caps.name, sizeof(dev->caps.name), "%s%u", prefix, dev->id);
	snprintf(dev->caps.driver, sizeof(dev->caps.driver), "%s", shim_kernel_driver());
}

/* ---- queues ---- */

struct accel_queue *shim_queue_alloc(struct accel_dev *dev, uint32_t depth, uint32_t sq_depth)
{
	struct accel_queue *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	if (shim_sq_init(&q->sq, sq_depth))
		goto err_free_q;
	if (shim_cq_init(&q->cq, depth))
		goto err_free_sq;
	q->dev = dev;
	q->depth = depth;
	q->sess_salt = mix64((uintptr_t)q ^ atomic_fetch_add(&shim_queue_serial, 1) ^ shim_now_ns()) |
		       0x80000000ull;
	q->efd = -1;
	atomic_init(&q->wait_min, 1);
	atomic_init(&q->wait_cap, UINT32_MAX);
	cond_init_monotonic(&q->cq_cv);
	pthread_mutex_init(&q->submit_lock, NULL);
	pthread_mutex_init(&q->cq_lock, NULL);
	pthread_mutex_init(&q->sess_lock, NULL);
	return q;

err_free_sq:
	free(q->sq.ent);
err_free_q:
	free(q);
	return NULL;
}

void shim_queue_free(struct accel_queue *q)
{
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

static bool needs_session(uint32_t op)
{
	return op == ACCEL_OP_GCM_SEAL || op == ACCEL_OP_GCM_OPEN || op == ACCEL_OP_RSA_PRIV_CRT ||
	       op == ACCEL_OP_RSA_PUB;
}

struct shim_sess *shim_sess_ref(struct accel_queue *q, uint64_t handle)
{
	struct shim_sess *s;

	pthread_mutex_lock(&q->sess_lock);
	s = shim_sess_lookup_locked(q, handle);
	if (s)
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&q->sess_lock);
	return s;
}

struct shim_sess *shim_sess_get(struct accel_queue *q, const struct accel_desc *d)
{
	return needs_session(d->op) ? shim_sess_ref(q, d->session) : NULL;
}

void shim_sess_put(struct shim_sess *s)
{
	/* orders: the request's reads of the session -> its destroy (accel_session_destroy) */
	if (s)
		atomic_fetch_sub_explicit(&s->refs, 1, memory_order_release);
}

int shim_sess_new(uint32_t family, const void *key, uint32_t key_len, struct shim_sess **out)
{
	struct shim_sess *s = calloc(1, sizeof(*s));
	int ret;

	*out = NULL;
	if (!s)
		return ACCEL_ENOMEM;
	s->family = family;
	if (family == ACCEL_FAMILY_AEAD) {
		memcpy(s->key, key, key_len);
		s->key_len = key_len;
		/* ipsec-mb: expand the key once per session, not per request */
		ret = shim_gcm_prepare(s->key, key_len, &s->gcm_kd);
		if (ret)
			goto err_free_sess;
	}
	*out = s;
	return ACCEL_OK;

err_free_sess:
	shim_sess_free(s);
	return ret;
}

int shim_sess_init_host(struct accel_queue *q, struct shim_sess *s, const void *key)
{
	const struct accel_caps *caps = &q->dev->caps;
	int ret;

	if (s->family != ACCEL_FAMILY_RSA)
		return ACCEL_OK;	/* AEAD: the key (and ipsec-mb's key data) is all it needs */
	ret = shim_rsa_new(key, (caps->rsa_flags & ACCEL_RSA_BLINDS_AND_VERIFIES) != 0, &s->rsa,
			   &s->n_bits);
	if (ret)
		return ret;
	s->n_len = (s->n_bits + 7) / 8;
	s->crt = shim_rsa_has_crt(s->rsa);
	return ACCEL_OK;
}

int shim_sess_insert(struct accel_queue *q, struct shim_sess *s, uint64_t *handle)
{
	uint32_t idx;

	pthread_mutex_lock(&q->sess_lock);
	for (idx = 0; idx < q->sess_cap && q->sess[idx].sess; idx++)
		;
	if (idx == q->sess_cap) {
		uint32_t cap = q->sess_cap ? q->sess_cap * 2 : 16;
		struct shim_sess_slot *n = cap <= (1u << 24) ? realloc(q->sess, cap * sizeof(*n)) : NULL;

		if (!n) {
			pthread_mutex_unlock(&q->sess_lock);
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
	*handle = sess_encode(q, q->sess[idx].gen, idx);
	pthread_mutex_unlock(&q->sess_lock);
	return ACCEL_OK;
}

int shim_sess_remove(struct accel_queue *q, uint64_t handle, struct shim_sess **out)
{
	uint32_t idx = (uint32_t)(handle ^ q->sess_salt);
	struct shim_sess *s;
	int ret = ACCEL_OK;

	pthread_mutex_lock(&q->sess_lock);
	s = shim_sess_lookup_locked(q, handle);
	if (!s)
		ret = ACCEL_EINVAL;
	else if (atomic_load(&s->refs))
		ret = ACCEL_EBUSY;	/* a request still reads it: refuse, don't crash */
	if (!ret) {
		q->sess[idx - 1].sess = NULL;
		q->sess[idx - 1].gen++;
		q->nsess--;
		*out = s;
	}
	pthread_mutex_unlock(&q->sess_lock);
	return ret;
}

void shim_sess_free(struct shim_sess *s)
{
	if (s->rsa)
		shim_rsa_free(s->rsa);
	shim_gcm_release(s->gcm_kd);	/* ipsec-mb key data: wiped */
	explicit_bzero(s, sizeof(*s));	/* AES key bytes */
	free(s);
}

/* ---- requests ---- */

int shim_probe_host(char *reason, uint32_t reason_len)
{
	int ret = shim_crypto_load(reason, reason_len);

	if (!ret)
		shim_copy_reason(reason, reason_len, "");
	return ret;
}

static bool has(const void *p, uint64_t len)
{
	return len == 0 || p != NULL;
}

int shim_validate_gcm_args(const struct accel_caps *caps, const struct accel_desc *d)
{
	uint32_t tag_min = d->op == ACCEL_OP_GCM_SEAL ? caps->gcm_tag_min : caps->gcm_open_tag_min;

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
	case ACCEL_OP_GCM_OPEN:
		if (!s || s->family != ACCEL_FAMILY_AEAD)
			return ACCEL_EINVAL;
		return shim_validate_gcm_args(caps, d);
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
		ret = shim_gcm_run(d->op == ACCEL_OP_GCM_SEAL, s->key, s->key_len, s->gcm_kd, d->iv,
				   d->iv_len, d->aad, d->aad_len, d->src, d->src_len, d->dst, d->tag,
				   d->tag_len);
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

uint32_t shim_wait_threshold(struct accel_queue *q)
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
	if (shim_cq_count(&q->cq) >= shim_wait_threshold(q))
		pthread_cond_signal(&q->cq_cv);
	fd = q->efd;
	pthread_mutex_unlock(&q->cq_lock);
	if (fd >= 0)
		(void)!write(fd, &(uint64_t){ 1 }, sizeof(uint64_t));
}

/* ---- keyed AES-GCM in caller memory (accel_gcm_key_*) ---- */

int shim_gcm_key_init(struct shim_gcm_key *k, const uint8_t *key, uint32_t key_len)
{
	char reason[8];
	bool used;
	int ret;

	if (key_len != 16 && key_len != 24 && key_len != 32)
		return ACCEL_EINVAL;
	if (shim_crypto_load(reason, sizeof(reason)))
		return ACCEL_ENOTSUP;	/* no libcrypto: the host kernels cannot run */
	explicit_bzero(k, sizeof(*k));
	memcpy(k->key, key, key_len);
	k->key_len = key_len;
	ret = shim_gcm_prepare_at(k->key, key_len, k->kd, &used);
	if (ret) {
		explicit_bzero(k, sizeof(*k));
		return ret;
	}
	k->has_kd = used;
	k->magic = SHIM_GCM_KEY_MAGIC;	/* last: a half-built context never runs */
	return ACCEL_OK;
}

int shim_gcm_key_run(const struct shim_gcm_key *k, const struct accel_desc *d)
{
	static const struct accel_caps host = {
		.gcm_iv_min = SHIM_HOST_GCM_IV_MIN, .gcm_iv_max = SHIM_HOST_GCM_IV_MAX,
		.gcm_tag_min = SHIM_HOST_GCM_TAG_MIN, .gcm_open_tag_min = SHIM_HOST_GCM_TAG_MIN,
		.gcm_tag_max = SHIM_HOST_GCM_TAG_MAX, .gcm_aad_max = SHIM_HOST_GCM_DATA_MAX,
		.gcm_data_max = SHIM_HOST_GCM_DATA_MAX, .gcm_flags = ACCEL_GCM_EMPTY_OK,
	};
	int ret;

	/* a wiped (destroyed) or foreign context fails here rather than compute */
	if (k->magic != SHIM_GCM_KEY_MAGIC ||
	    (k->key_len != 16 && k->key_len != 24 && k->key_len != 32))
		return ACCEL_EINVAL;
	if (d->op != ACCEL_OP_GCM_SEAL && d->op != ACCEL_OP_GCM_OPEN)
		return ACCEL_EINVAL;
	ret = shim_validate_gcm_args(&host, d);
	if (ret)
		return ret;
	return shim_gcm_run(d->op == ACCEL_OP_GCM_SEAL, k->key, k->key_len, k->has_kd ? k->kd : NULL,
			    d->iv, d->iv_len, d->aad, d->aad_len, d->src, d->src_len, d->dst, d->tag,
			    d->tag_len);
}

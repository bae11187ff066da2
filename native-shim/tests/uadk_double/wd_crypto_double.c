// SPDX-License-Identifier: Apache-2.0
/*
 * wd_crypto_double.c - TEST DOUBLE of libwd_crypto.so.2 (see double.h):
 * wd_aead_*, wd_digest_*, wd_rsa_* as declared in src/uadk_abi.h, on top
 * of the shim's libcrypto kernels (src/crypto_libcrypto.c is compiled in).
 *
 * Requests are queued on the context the caller's scheduler picks
 * (sched_init / pick_next_ctx, as UADK does) and computed when the context
 * is polled, so results land in the caller's buffers only after submit
 * returns, in the order DBL_REORDER selects. Parameter checks follow the
 * SEC2/HPRE driver: GCM needs a 12-byte IV and a non-empty payload, input
 * <= 0xFFFE00 bytes; a GCM tag mismatch completes with WD_IN_EPARA; a
 * digest of zero bytes is refused; RSA input must be key-sized.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "double.h"
#include "internal.h"

#define DBL_MAX_INPUT 0xFFFE00u

/* crypto_libcrypto.c's one dependency on the rest of the shim */
void shim_copy_reason(char *dst, size_t len, const char *src)
{
	if (dst && len)
		snprintf(dst, len, "%s", src);
}

enum { F_AEAD = 0, F_DIGEST = 1, F_RSA = 2 };

struct fam_state {
	int inited;
	uint32_t n;
	struct dbl_ctx **ctx;
	struct wd_sched sched;
};
static struct fam_state fams[3];

struct dbl_sess {
	int fam;
	void *sched_key;
	/* aead */
	uint8_t key[32];
	uint32_t key_len;
	uint32_t authsize;
	/* digest */
	int alg;
	/* rsa */
	uint32_t key_bits;
	int is_crt;
	uint8_t *parts[7];	/* n, e, p, q, dp, dq, qinv */
	uint32_t plen[7];
	struct shim_rsa *rsa;
};

static struct dbl_state *S(void)
{
	return accel_test_double_state();
}

static int fam_init(int f, struct wd_ctx_config *cfg, struct wd_sched *sched)
{
	struct fam_state *fs = &fams[f];

	__atomic_fetch_add(&S()->stat[DBL_STAT_INIT_CALLS], 1, __ATOMIC_RELAXED);
	if (fs->inited)
		return -EEXIST;	/* one initialisation per family per process */
	if (!cfg || !sched || !cfg->ctx_num || !cfg->ctxs || !sched->pick_next_ctx ||
	    !sched->sched_init)
		return -EINVAL;
	fs->ctx = calloc(cfg->ctx_num, sizeof(*fs->ctx));
	if (!fs->ctx)
		return -ENOMEM;
	for (uint32_t i = 0; i < cfg->ctx_num; i++) {
		struct dbl_ctx *c = (struct dbl_ctx *)cfg->ctxs[i].ctx;

		if (!c || c->magic != DBL_CTX_MAGIC || cfg->ctxs[i].ctx_mode != CTX_MODE_ASYNC) {
			free(fs->ctx);
			fs->ctx = NULL;
			return -EINVAL;
		}
		fs->ctx[i] = c;
	}
	if (shim_crypto_load(NULL, 0)) {
		free(fs->ctx);
		fs->ctx = NULL;
		return -ENODEV;
	}
	fs->n = cfg->ctx_num;
	fs->sched = *sched;
	fs->inited = 1;
	__atomic_fetch_add(&S()->stat[DBL_STAT_INIT_OK], 1, __ATOMIC_RELAXED);
	return 0;
}

static void fam_uninit(int f)
{
	free(fams[f].ctx);
	memset(&fams[f], 0, sizeof(fams[f]));
}

static long take(long *count)
{
	if (*count <= 0)
		return 0;
	(*count)--;
	return 1;
}

/* Queues a copy of the request on the context the session's scheduler key picks. */
static int enqueue(int f, struct dbl_sess *s, const void *req, size_t req_size)
{
	struct fam_state *fs = &fams[f];
	struct dbl_state *st = S();
	struct dbl_ctx *c;
	struct dbl_msg *m;
	uint32_t idx;
	int ret = dbl_touch(st);

	if (ret)
		return ret;
	if (!fs->inited)
		return -EINVAL;
	idx = fs->sched.pick_next_ctx(fs->sched.h_sched_ctx, s->sched_key, CTX_MODE_ASYNC);
	if (idx >= fs->n)
		return -EINVAL;
	pthread_mutex_lock(&st->lock);
	if (take(&st->send_err_count)) {
		ret = (int)st->send_err;
		pthread_mutex_unlock(&st->lock);
		return ret;
	}
	pthread_mutex_unlock(&st->lock);
	c = fs->ctx[idx];
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->fam = f;
	m->sess = (wd_handle_t)s;
	memcpy(&m->req, req, req_size);
	pthread_mutex_lock(&c->lock);
	if (c->npending >= (uint32_t)st->depth) {
		pthread_mutex_unlock(&c->lock);
		free(m);
		__atomic_fetch_add(&st->stat[DBL_STAT_EBUSY], 1, __ATOMIC_RELAXED);
		return -EBUSY;
	}
	c->pending[c->npending++] = m;
	pthread_mutex_unlock(&c->lock);
	__atomic_fetch_add(&st->stat[DBL_STAT_SENT], 1, __ATOMIC_RELAXED);
	return 0;
}

/* ---- compute one message (the "engine") ---- */

static int rsa_build(struct dbl_sess *s)
{
	struct accel_rsa_key k = { .n_bits = s->key_bits, .flags = s->is_crt ? ACCEL_RSA_KEY_HAS_CRT : 0 };
	struct accel_bn *bn[7] = { &k.n, &k.e, &k.p, &k.q, &k.dp, &k.dq, &k.qinv };
	uint32_t bits;

	if (s->rsa)
		return 0;
	for (int i = 0; i < (s->is_crt ? 7 : 2); i++) {
		if (!s->parts[i])
			return -EINVAL;
		bn[i]->data = s->parts[i];
		bn[i]->len = s->plen[i];
	}
	return shim_rsa_new(&k, false, &s->rsa, &bits) ? -EINVAL : 0;
}

static uint16_t compute(struct dbl_msg *m)
{
	struct dbl_sess *s = (struct dbl_sess *)m->sess;

	switch (m->fam) {
	case F_AEAD: {
		struct wd_aead_req *r = &m->req.a;
		uint8_t *src = r->src, *dst = r->dst;
		bool seal = r->op_type == WD_CIPHER_ENCRYPTION_DIGEST;
		int ret;

		memcpy(dst, src, r->assoc_bytes);	/* AAD passes through to the output */
		ret = shim_gcm(seal, s->key, s->key_len, r->iv, r->iv_bytes, src, r->assoc_bytes,
			       src + r->assoc_bytes, r->in_bytes, dst + r->assoc_bytes, r->mac,
			       s->authsize);
		return ret ? WD_IN_EPARA : 0;	/* SEC2: ICV mismatch -> WD_IN_EPARA */
	}
	case F_DIGEST: {
		struct wd_digest_req *r = &m->req.d;
		static const uint32_t op[7] = { [WD_DIGEST_SHA256] = ACCEL_OP_SHA256,
						[WD_DIGEST_SHA224] = ACCEL_OP_SHA224,
						[WD_DIGEST_SHA384] = ACCEL_OP_SHA384,
						[WD_DIGEST_SHA512] = ACCEL_OP_SHA512 };
		uint32_t out_len;

		return shim_digest(op[s->alg], r->in, r->in_bytes, r->out, &out_len) ? WD_IN_EPARA : 0;
	}
	default: {
		struct wd_rsa_req *r = &m->req.r;

		if (rsa_build(s))
			return WD_IN_EPARA;
		return shim_rsa_op(s->rsa, r->op_type == WD_RSA_SIGN, r->src, r->dst, s->key_bits / 8) ?
			       WD_IN_EPARA : 0;
	}
	}
}

static void deliver(struct dbl_msg *m, uint16_t state)
{
	struct dbl_state *st = S();
	int by_param = (int)st->cb_style;

	switch (m->fam) {
	case F_AEAD:
		m->req.a.state = state;
		m->req.a.cb(&m->req.a, m->req.a.cb_param);
		break;
	case F_DIGEST:
		m->req.d.state = state;
		m->req.d.cb(by_param ? m->req.d.cb_param : (void *)&m->req.d);
		break;
	default:
		m->req.r.status = state;
		m->req.r.cb(by_param ? m->req.r.cb_param : (void *)&m->req.r);
		break;
	}
	__atomic_fetch_add(&st->stat[DBL_STAT_COMPLETED], 1, __ATOMIC_RELAXED);
}

static int poll_ctx(int f, uint32_t idx, uint32_t expt, uint32_t *count)
{
	struct fam_state *fs = &fams[f];
	struct dbl_state *st = S();
	struct dbl_ctx *c;
	int ret = dbl_touch(st);

	if (!count)
		return -EINVAL;
	*count = 0;
	if (ret)
		return ret;
	if (!fs->inited || idx >= fs->n)
		return -EINVAL;
	pthread_mutex_lock(&st->lock);
	if (take(&st->poll_err_count)) {
		ret = (int)st->poll_err;
		pthread_mutex_unlock(&st->lock);
		return ret;
	}
	pthread_mutex_unlock(&st->lock);
	c = fs->ctx[idx];
	for (;;) {
		struct dbl_msg *m;
		uint32_t pick;
		uint16_t state;

		if (expt && *count >= expt)
			return 0;
		pthread_mutex_lock(&c->lock);
		if (!c->npending) {
			pthread_mutex_unlock(&c->lock);
			return -EAGAIN;	/* UADK: drained */
		}
		switch (st->reorder) {
		case 1: pick = c->npending - 1; break;		/* newest first */
		case 2: pick = c->npending / 2; break;		/* from the middle */
		default: pick = 0; break;
		}
		m = c->pending[pick];
		memmove(&c->pending[pick], &c->pending[pick + 1],
			(c->npending - pick - 1) * sizeof(c->pending[0]));
		c->npending--;
		pthread_mutex_unlock(&c->lock);
		state = compute(m);
		pthread_mutex_lock(&st->lock);
		if (take(&st->result_err_count))
			state = (uint16_t)st->result_err;
		pthread_mutex_unlock(&st->lock);
		deliver(m, state);
		free(m);
		(*count)++;
	}
}

static struct dbl_sess *sess_new(int f, void *sched_param)
{
	struct dbl_sess *s;

	if (!fams[f].inited)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->fam = f;
	s->sched_key = (void *)fams[f].sched.sched_init(fams[f].sched.h_sched_ctx, sched_param);
	return s;
}

/* ---- aead ---- */

DBL_API int wd_aead_init(struct wd_ctx_config *config, struct wd_sched *sched)
{
	return fam_init(F_AEAD, config, sched);
}

DBL_API void wd_aead_uninit(void)
{
	fam_uninit(F_AEAD);
}

DBL_API wd_handle_t wd_aead_alloc_sess(struct wd_aead_sess_setup *setup)
{
	struct dbl_sess *s;

	if (!setup || setup->calg != WD_CIPHER_AES || setup->cmode != WD_CIPHER_GCM)
		return 0;
	s = sess_new(F_AEAD, setup->sched_param);
	if (s)
		s->authsize = 16;
	return (wd_handle_t)s;
}

DBL_API void wd_aead_free_sess(wd_handle_t h)
{
	struct dbl_sess *s = (struct dbl_sess *)h;

	if (s) {
		free(s->sched_key);	/* as UADK: wd_aead.c:505-506 */
		explicit_bzero(s, sizeof(*s));
		free(s);
	}
}

DBL_API int wd_aead_set_ckey(wd_handle_t h, const uint8_t *key, uint16_t key_len)
{
	struct dbl_sess *s = (struct dbl_sess *)h;

	if (!s || !key || (key_len != 16 && key_len != 24 && key_len != 32))
		return -EINVAL;
	memcpy(s->key, key, key_len);
	s->key_len = key_len;
	return 0;
}

DBL_API int wd_aead_set_authsize(wd_handle_t h, uint16_t authsize)
{
	struct dbl_sess *s = (struct dbl_sess *)h;

	if (!s || authsize < 4 || authsize > 16)	/* WD_AEAD_CCM_GCM_MIN..MAX */
		return -EINVAL;
	s->authsize = authsize;
	return 0;
}

DBL_API int wd_do_aead_async(wd_handle_t h, struct wd_aead_req *req)
{
	struct dbl_sess *s = (struct dbl_sess *)h;

	if (!s || !req || !req->cb || !req->src || !req->dst || !req->mac || !req->iv)
		return -EINVAL;
	if (req->iv_bytes != 12 || !req->in_bytes || req->in_bytes > DBL_MAX_INPUT ||
	    req->data_fmt != WD_FLAT_BUF || req->mac_bytes != s->authsize ||
	    (req->op_type != WD_CIPHER_ENCRYPTION_DIGEST &&
	     req->op_type != WD_CIPHER_DECRYPTION_DIGEST))
		return -EINVAL;
	return enqueue(F_AEAD, s, req, sizeof(*req));
}

DBL_API int wd_aead_poll_ctx(uint32_t idx, uint32_t expt, uint32_t *count)
{
	return poll_ctx(F_AEAD, idx, expt, count);
}

/* ---- digest ---- */

DBL_API int wd_digest_init(struct wd_ctx_config *config, struct wd_sched *sched)
{
	return fam_init(F_DIGEST, config, sched);
}

DBL_API void wd_digest_uninit(void)
{
	fam_uninit(F_DIGEST);
}

DBL_API wd_handle_t wd_digest_alloc_sess(struct wd_digest_sess_setup *setup)
{
	struct dbl_sess *s;

	if (!setup || setup->alg < WD_DIGEST_SHA256 || setup->alg > WD_DIGEST_SHA512 ||
	    setup->mode != WD_DIGEST_NORMAL)
		return 0;
	s = sess_new(F_DIGEST, setup->sched_param);
	if (s)
		s->alg = setup->alg;
	return (wd_handle_t)s;
}

DBL_API void wd_digest_free_sess(wd_handle_t h)
{
	if (h)
		free(((struct dbl_sess *)h)->sched_key);	/* as UADK: wd_digest.c:278-279 */
	free((void *)h);
}

DBL_API int wd_do_digest_async(wd_handle_t h, struct wd_digest_req *req)
{
	static const uint32_t len[7] = { [WD_DIGEST_SHA256] = 32, [WD_DIGEST_SHA224] = 28,
					 [WD_DIGEST_SHA384] = 48, [WD_DIGEST_SHA512] = 64 };
	struct dbl_sess *s = (struct dbl_sess *)h;

	if (!s || !req || !req->cb || !req->in || !req->out || !req->in_bytes ||
	    req->in_bytes > DBL_MAX_INPUT || req->has_next != WD_DIGEST_END ||
	    req->out_bytes != len[s->alg] || req->out_buf_bytes < req->out_bytes)
		return -EINVAL;
	return enqueue(F_DIGEST, s, req, sizeof(*req));
}

DBL_API int wd_digest_poll_ctx(uint32_t idx, uint32_t expt, uint32_t *count)
{
	return poll_ctx(F_DIGEST, idx, expt, count);
}

/* ---- rsa ---- */

DBL_API int wd_rsa_init(struct wd_ctx_config *config, struct wd_sched *sched)
{
	return fam_init(F_RSA, config, sched);
}

DBL_API void wd_rsa_uninit(void)
{
	fam_uninit(F_RSA);
}

DBL_API wd_handle_t wd_rsa_alloc_sess(struct wd_rsa_sess_setup *setup)
{
	struct dbl_sess *s;

	if (!setup || (setup->key_bits != 1024 && setup->key_bits != 2048 &&
		       setup->key_bits != 3072 && setup->key_bits != 4096))
		return 0;
	s = sess_new(F_RSA, setup->sched_param);
	if (s) {
		s->key_bits = setup->key_bits;
		s->is_crt = setup->is_crt;
	}
	return (wd_handle_t)s;
}

DBL_API void wd_rsa_free_sess(wd_handle_t h)
{
	struct dbl_sess *s = (struct dbl_sess *)h;

	if (!s)
		return;
	for (int i = 0; i < 7; i++) {
		if (s->parts[i])
			explicit_bzero(s->parts[i], s->plen[i]);
		free(s->parts[i]);
	}
	if (s->rsa)
		shim_rsa_free(s->rsa);
	free(s->sched_key);	/* as UADK: wd_rsa.c:1005-1006 */
	free(s);
}

static int set_part(struct dbl_sess *s, int i, const struct wd_dtb *d, uint32_t max)
{
	if (!d || !d->data || !d->dsize || d->dsize > max || d->dsize > d->bsize)
		return -EINVAL;
	free(s->parts[i]);
	s->parts[i] = malloc(d->dsize);
	if (!s->parts[i])
		return -ENOMEM;
	memcpy(s->parts[i], d->data, d->dsize);
	s->plen[i] = d->dsize;
	if (s->rsa) {
		shim_rsa_free(s->rsa);
		s->rsa = NULL;
	}
	return 0;
}

DBL_API int wd_rsa_set_pubkey_params(wd_handle_t h, struct wd_dtb *e, struct wd_dtb *n)
{
	struct dbl_sess *s = (struct dbl_sess *)h;

	if (!s)
		return -EINVAL;
	return set_part(s, 1, e, s->key_bits / 8) ?: set_part(s, 0, n, s->key_bits / 8);
}

DBL_API int wd_rsa_set_crt_prikey_params(wd_handle_t h, struct wd_dtb *dq, struct wd_dtb *dp,
					 struct wd_dtb *qinv, struct wd_dtb *q, struct wd_dtb *p)
{
	struct dbl_sess *s = (struct dbl_sess *)h;
	uint32_t half;

	if (!s || !s->is_crt)
		return -EINVAL;
	half = s->key_bits / 16;
	return set_part(s, 5, dq, half) ?: set_part(s, 4, dp, half) ?:
	       set_part(s, 6, qinv, half) ?: set_part(s, 3, q, half) ?: set_part(s, 2, p, half);
}

DBL_API int wd_do_rsa_async(wd_handle_t h, struct wd_rsa_req *req)
{
	struct dbl_sess *s = (struct dbl_sess *)h;

	if (!s || !req || !req->cb || !req->src || !req->dst)
		return -EINVAL;
	if (req->src_bytes != s->key_bits / 8 || req->dst_bytes < s->key_bits / 8)
		return -EINVAL;	/* wd_rsa: "sign or verf src_bytes != key_size" */
	if (req->op_type != WD_RSA_SIGN && req->op_type != WD_RSA_VERIFY)
		return -EINVAL;
	if (req->op_type == WD_RSA_SIGN && !s->is_crt)
		return -EINVAL;
	return enqueue(F_RSA, s, req, sizeof(*req));
}

DBL_API int wd_rsa_poll_ctx(uint32_t idx, uint32_t expt, uint32_t *count)
{
	return poll_ctx(F_RSA, idx, expt, count);
}

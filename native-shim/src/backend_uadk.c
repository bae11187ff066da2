// SPDX-License-Identifier: Apache-2.0
/*
 * backend_uadk.c - HiSilicon SEC2 (AES-GCM, SHA-2) and HPRE (RSA) through
 * UADK (libwd.so.2, libwd_crypto.so.2), bound at run time with dlopen: a
 * machine without UADK simply reports the backend unavailable, with the
 * dlerror() text as the reason. ACCEL_UADK_LIBWD / ACCEL_UADK_LIBWD_CRYPTO
 * override the library names (the tests point them at the test double);
 * they and ACCEL_UADK_QUEUES are read with secure_getenv, so a setuid or
 * setcap process cannot be made to load another library.
 *
 * Model (DEVICE-MODEL.md, "UADK"):
 *   - one wd_<family>_init per algorithm family per process, owned here: the
 *     first uadk accel_dev_open requests N asynchronous contexts (hardware
 *     queues, wd_request_ctx) per family and initialises aead, digest and
 *     rsa with them and with our own scheduler; the last accel_dev_close
 *     uninitialises. N = cfg.max_queues, else ACCEL_UADK_QUEUES, else 4;
 *     that is the queue budget (EBUSY past it).
 *   - an accel_queue owns one context index per family; the scheduler
 *     (pick_next_ctx) returns the index stored in the session's sched key,
 *     so every session is pinned to its queue's contexts, and exactly one
 *     thread (the queue's reaper) polls them (wd_*_poll_ctx in accel_reap /
 *     accel_wait).
 *   - requests are asynchronous (wd_do_*_async): each one occupies a slot
 *     (one per ring entry) that owns the request's staging memory. SEC2
 *     wants AAD at the start of the source buffer, so GCM stages aad||payload
 *     in a slot buffer and the output likewise; digests read the caller's
 *     source directly (SVA) and write a slot buffer; RSA stages both sides.
 *     Outputs reach the caller's buffers in the completion callback, on the
 *     reaper thread, before the completion is posted.
 *   - -EBUSY from wd_do_*_async (context full) -> accel_submit takes the
 *     prefix and returns EAGAIN; -WD_HW_EACCESS (resetting) likewise.
 *   - completion state 0 -> OK; GCM open with WD_IN_EPARA / WD_VERIFY_ERR ->
 *     EBADMSG (SEC2 reports an ICV mismatch as WD_IN_EPARA; parameters were
 *     validated before submit, so that is what it means here); anything
 *     else -> EIO with the raw code in cqe.detail.
 *   - a poll error -WD_HW_EACCESS/-EIO marks the queue dead (EQUEUE).
 *   - removal / isolation: checked from sysfs (never by touching the queue)
 *     at most every ACCEL_UADK_CHECK_MS ms (default 100; 0 = every reap) and
 *     after any wd error; once seen, no wd call touches the queues again,
 *     in-flight requests complete with ENODEV (reap returns them, then
 *     ENODEV), every other call answers ENODEV.
 *   - fork: a child never calls into UADK (the contexts' mappings are not
 *     inherited); shim.c's pid check answers ENODEV, and opening a uadk
 *     device in a child whose parent initialised UADK is refused.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "uadk_abi.h"

#define UADK_MAX_CTX 64
#define UADK_SLOT_MAGIC 0x5ad0c0de5ad0c0deull	/* never a valid user pointer */
#define UADK_KEY_MAGIC 0x75616b79u
#define UADK_STAGE_KEEP 65536u	/* slot staging buffers up to this size are reused */
#define UADK_GCM_DATA_MAX ((16u << 20) - 512)	/* hisi_sec MAX_INPUT_DATA_LEN 0xFFFE00 */

enum { FAM_AEAD = 0, FAM_DIGEST = 1, FAM_RSA = 2, FAM_N = 3 };
static const char *const fam_alg[FAM_N] = { "aead", "digest", "rsa" };

/* ---- library binding ---- */

#define UADK_DECLARE(ret, name, args) ret(*name) args;
static struct {
	UADK_WD_FUNCS(UADK_DECLARE)
	UADK_CRYPTO_FUNCS(UADK_DECLARE)
} wd;
#undef UADK_DECLARE

static pthread_once_t wd_once = PTHREAD_ONCE_INIT;
static int wd_status = ACCEL_ENODEV;
static char wd_reason[200];
static char wd_libname[48];

static void *open_lib(const char *env, const char *const *names, char *err, size_t err_len)
{
	const char *over = secure_getenv(env);
	void *h;

	if (over && *over) {
		h = dlopen(over, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			snprintf(err, err_len, "%s", dlerror());
		return h;
	}
	for (int i = 0; names[i]; i++) {
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		if (h)
			return h;
		if (i == 0)
			snprintf(err, err_len, "%s", dlerror());
	}
	return NULL;
}

static void wd_load(void)
{
	static const char *const libwd[] = { "libwd.so.2", "libwd.so", NULL };
	static const char *const libcrypto[] = { "libwd_crypto.so.2", "libwd_crypto.so", NULL };
	char err[150] = "";
	void *hw, *hc;

	hw = open_lib("ACCEL_UADK_LIBWD", libwd, err, sizeof(err));
	if (!hw) {
		snprintf(wd_reason, sizeof(wd_reason), "libwd.so.2 not found: %s", err);
		return;
	}
	hc = open_lib("ACCEL_UADK_LIBWD_CRYPTO", libcrypto, err, sizeof(err));
	if (!hc) {
		snprintf(wd_reason, sizeof(wd_reason), "libwd_crypto.so.2 not found: %s", err);
		return;
	}
#define UADK_BIND(h, ret, name, args)                                                           \
	*(void **)(&wd.name) = dlsym(h, #name);                                                   \
	if (!wd.name) {                                                                           \
		snprintf(wd_reason, sizeof(wd_reason), "UADK library lacks symbol %s", #name);    \
		return;                                                                           \
	}
#define UADK_BIND_WD(ret, name, args) UADK_BIND(hw, ret, name, args)
#define UADK_BIND_CRYPTO(ret, name, args) UADK_BIND(hc, ret, name, args)
	UADK_WD_FUNCS(UADK_BIND_WD)
	UADK_CRYPTO_FUNCS(UADK_BIND_CRYPTO)
#undef UADK_BIND_CRYPTO
#undef UADK_BIND_WD
#undef UADK_BIND
	{
		const char *o = secure_getenv("ACCEL_UADK_LIBWD");
		const char *base = o && *o ? strrchr(o, '/') : NULL;

		snprintf(wd_libname, sizeof(wd_libname), "%s",
			 o && *o ? (base ? base + 1 : o) : "libwd.so.2");
	}
	wd_status = ACCEL_OK;	/* handles stay open for the life of the process */
}

/* ---- process-wide UADK state (the per-family singleton) ---- */

struct sched_key {
	uint32_t magic;
	uint32_t idx;
};

struct fam {
	bool on;
	uint32_t n;			/* contexts requested */
	struct wd_ctx ctxs[UADK_MAX_CTX];
	bool used[UADK_MAX_CTX];	/* owned by an accel_queue (or retired) */
	char dev[64];			/* uacce device name the contexts are on */
	char why[96];			/* why off */
};

static struct {
	pthread_mutex_t lock;
	pid_t owner;		/* pid that initialised UADK; 0 = never */
	uint32_t refs;		/* open uadk accel_devs */
	uint32_t budget;	/* queues: min over the families that are on */
	struct fam fam[FAM_N];
	struct shim_uadk_queue *graveyard;	/* queues destroyed with requests in flight */
} G = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint32_t ctx_pick(wd_handle_t h_sched_ctx, void *sched_key, const int sched_mode)
{
	const struct sched_key *k = sched_key;

	(void)h_sched_ctx;
	(void)sched_mode;
	return k && k->magic == UADK_KEY_MAGIC ? k->idx : UINT32_MAX;
}

static wd_handle_t ctx_sched_init(wd_handle_t h_sched_ctx, void *sched_param)
{
	struct sched_key *k;

	(void)h_sched_ctx;
	/*
	 * UADK owns what this returns: wd_{aead,digest,rsa}_free_sess free() it
	 * (wd_aead.c:505-506, wd_digest.c:278-279, wd_rsa.c:1005-1006), as its own
	 * schedulers malloc their keys (wd_sched.c). Hand it a heap copy, never a
	 * pointer into the queue. 0 fails wd_*_alloc_sess.
	 */
	if (!sched_param)
		return 0;
	k = malloc(sizeof(*k));
	if (k)
		*k = *(const struct sched_key *)sched_param;
	return (wd_handle_t)k;
}

static int ctx_poll_policy(wd_handle_t h_sched_ctx, uint32_t expect, uint32_t *count)
{
	/* never used: each accel_queue's reaper polls its own contexts */
	(void)h_sched_ctx;
	(void)expect;
	if (count)
		*count = 0;
	return 0;
}

static struct wd_sched accel_sched = {
	.name = "accel-pinned",
	.sched_policy = 0,
	.sched_init = ctx_sched_init,
	.pick_next_ctx = ctx_pick,
	.poll_policy = ctx_poll_policy,
	.h_sched_ctx = 0,
};

/* ---- per-device / per-queue / per-session state ---- */

struct shim_uadk_dev {
	char devs[FAM_N][64];
	uint64_t check_ns;		/* removal check interval */
	_Atomic uint64_t next_check_ns;
	char why[96];			/* removal / isolation reason */
};

struct slot {
	uint64_t magic;			/* first: tells a slot from a wd request in callbacks */
	struct accel_queue *q;
	uint32_t idx;
	uint32_t next_free;
	bool busy;
	uint8_t fam;
	uint32_t op;
	uint64_t user_tag;
	struct shim_sess *sess;
	uint8_t *dst;
	uint8_t *tag;
	uint32_t tag_len;
	uint64_t len;			/* payload bytes */
	uint32_t aad_len;
	uint32_t out_len;
	uint8_t *stage;			/* GCM: in = aad||payload, out after it */
	size_t stage_cap;
	uint8_t iv[16];
	uint8_t mac[16];
	uint8_t small[2][512];		/* RSA src/dst, digest out */
	union {
		struct wd_aead_req a;
		struct wd_digest_req d;
		struct wd_rsa_req r;
		uint8_t pad[UADK_PAD];
	} req;
};

struct shim_uadk_queue {
	int32_t idx[FAM_N];		/* context index per family, -1 if the family is off */
	struct sched_key key[FAM_N];
	wd_handle_t dsess[4];		/* SHA-224/256/384/512 sessions pinned here */
	uint32_t nslots;
	struct slot *slots;
	pthread_mutex_t slot_lock;
	uint32_t free_head;		/* UINT32_MAX = none */
	atomic_uint busy[FAM_N];	/* in flight per family: poll only what can complete */
	atomic_int failed_all;		/* removal: in-flight already failed with ENODEV */
	struct shim_uadk_queue *grave_next;
};

struct shim_uadk_sess {
	wd_handle_t aead[17];		/* per tag length (authsize is per wd session) */
	wd_handle_t rsa;
	uint8_t n[512];			/* modulus, n_len bytes, for the input < n check */
	uint8_t *parts;			/* key copies handed to UADK (wiped on destroy) */
	size_t parts_len;
};

/* ---- probe ---- */

static int discover(struct shim_uacce_dev **out, int *n)
{
	*out = calloc(SHIM_UACCE_MAX, sizeof(**out));
	if (!*out)
		return ACCEL_ENOMEM;
	*n = shim_uacce_scan(*out, SHIM_UACCE_MAX);
	return ACCEL_OK;
}

/* Summary of why nothing is usable: "hisi_sec2-2: no SVA ...; hisi_hpre-4: ..." */
static int usable_summary(char *reason, uint32_t reason_len, int *nsec, int *nhpre)
{
	struct shim_uacce_dev *d;
	char buf[512] = "";
	size_t o = 0;
	int n, known = 0;

	*nsec = *nhpre = 0;
	if (discover(&d, &n))
		return ACCEL_ENOMEM;
	for (int i = 0; i < n; i++) {
		if (d[i].kind == SHIM_UACCE_OTHER)
			continue;
		known++;
		if (d[i].usable) {
			*nsec += d[i].kind == SHIM_UACCE_SEC;
			*nhpre += d[i].kind == SHIM_UACCE_HPRE;
		} else if (o < sizeof(buf) - 1) {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s: %s", o ? "; " : "",
					      d[i].name, d[i].reason);
		}
	}
	free(d);
	if (!known) {
		shim_copy_reason(reason, reason_len, "no SEC2/HPRE devices under ");
		if (reason && reason_len > strlen(reason))
			snprintf(reason + strlen(reason), reason_len - strlen(reason), "%s",
				 shim_uacce_sysfs_root());
		return ACCEL_ENODEV;
	}
	if (!*nsec && !*nhpre) {
		shim_copy_reason(reason, reason_len, buf);
		return ACCEL_ENODEV;
	}
	return ACCEL_OK;
}

static int shim_uadk_probe(char *reason, uint32_t reason_len)
{
	int nsec, nhpre, ret;

	ret = usable_summary(reason, reason_len, &nsec, &nhpre);
	if (ret)
		return ret;
	pthread_once(&wd_once, wd_load);
	if (wd_status) {
		shim_copy_reason(reason, reason_len, wd_reason);
		return wd_status;
	}
	if (G.owner && G.owner != getpid()) {
		shim_copy_reason(reason, reason_len,
				 "UADK was initialised by the parent process; it cannot be used "
				 "after fork");
		return ACCEL_ENODEV;
	}
	shim_copy_reason(reason, reason_len, "");
	return ACCEL_OK;
}

/* ---- open / close ---- */

static uint32_t env_u32(const char *name, uint32_t dflt)
{
	const char *v = secure_getenv(name);
	char *end;
	unsigned long x;

	if (!v || !*v)
		return dflt;
	x = strtoul(v, &end, 10);
	return *end || x > UINT32_MAX ? dflt : (uint32_t)x;
}

static int fam_init_call(int f, struct wd_ctx_config *cfg)
{
	switch (f) {
	case FAM_AEAD: return wd.wd_aead_init(cfg, &accel_sched);
	case FAM_DIGEST: return wd.wd_digest_init(cfg, &accel_sched);
	default: return wd.wd_rsa_init(cfg, &accel_sched);
	}
}

static void fam_release(struct fam *fm)
{
	for (uint32_t i = 0; i < fm->n; i++)
		if (fm->ctxs[i].ctx)
			wd.wd_release_ctx(fm->ctxs[i].ctx);
	memset(fm->ctxs, 0, sizeof(fm->ctxs));
	memset(fm->used, 0, sizeof(fm->used));
	fm->n = 0;
	fm->on = false;
}

/* Called with G.lock held, once per process (until the last close). */
static int uadk_global_init(uint32_t want)
{
	uint32_t budget = UINT32_MAX;

	for (int f = 0; f < FAM_N; f++) {
		struct fam *fm = &G.fam[f];
		struct uacce_dev *dev = wd.wd_get_accel_dev(fam_alg[f]);
		struct wd_ctx_config cfg;
		int ret;

		memset(fm, 0, sizeof(*fm));
		if (!dev) {
			snprintf(fm->why, sizeof(fm->why), "no usable device with '%s'", fam_alg[f]);
			continue;
		}
		{
			const char *slash = strrchr(dev->char_dev_path, '/');

			snprintf(fm->dev, sizeof(fm->dev), "%.63s",
				 slash ? slash + 1 : dev->char_dev_path);
		}
		for (uint32_t i = 0; i < want; i++) {
			wd_handle_t c = wd.wd_request_ctx(dev);

			if (!c)
				break;	/* no more free queues on this device */
			fm->ctxs[i] = (struct wd_ctx){ .ctx = c, .op_type = 0,
						       .ctx_mode = CTX_MODE_ASYNC };
			fm->n++;
		}
		free(dev);	/* wd_get_accel_dev: "the device need to be freed after usage" */
		if (!fm->n) {
			snprintf(fm->why, sizeof(fm->why), "%s: no free queue (wd_request_ctx)",
				 fm->dev);
			continue;
		}
		cfg = (struct wd_ctx_config){ .ctx_num = fm->n, .ctxs = fm->ctxs, .priv = NULL };
		ret = fam_init_call(f, &cfg);
		if (ret) {
			snprintf(fm->why, sizeof(fm->why), "wd_%s_init failed (%d)%s", fam_alg[f],
				 ret, ret == -EEXIST ? ": already initialised in this process" : "");
			fam_release(fm);
			continue;
		}
		fm->on = true;
		if (fm->n < budget)
			budget = fm->n;
	}
	if (budget == UINT32_MAX)
		return ACCEL_ENODEV;
	G.budget = budget;
	G.owner = getpid();
	return ACCEL_OK;
}

static void uadk_global_fini(void)
{
	void (*uninit[FAM_N])(void) = { wd.wd_aead_uninit, wd.wd_digest_uninit, wd.wd_rsa_uninit };

	for (int f = 0; f < FAM_N; f++) {
		if (!G.fam[f].on)
			continue;
		uninit[f]();	/* stops the contexts: no more writes into retired slots */
		fam_release(&G.fam[f]);
	}
	while (G.graveyard) {
		struct shim_uadk_queue *u = G.graveyard;

		G.graveyard = u->grave_next;
		for (uint32_t i = 0; i < u->nslots; i++)
			free(u->slots[i].stage);
		free(u->slots);
		pthread_mutex_destroy(&u->slot_lock);
		free(u);
	}
	G.budget = 0;
}

static int shim_uadk_open(struct accel_dev *dev)
{
	struct accel_caps *c = &dev->caps;
	struct shim_uadk_dev *ud;
	char reason[160];
	uint32_t want;
	int ret = shim_uadk_probe(reason, sizeof(reason));

	if (ret)
		return ret;
	ud = calloc(1, sizeof(*ud));
	if (!ud)
		return ACCEL_ENOMEM;
	want = dev->cfg.max_queues ? dev->cfg.max_queues : env_u32("ACCEL_UADK_QUEUES", 4);
	if (want < 1)
		want = 1;
	if (want > UADK_MAX_CTX)
		want = UADK_MAX_CTX;

	pthread_mutex_lock(&G.lock);
	if (!G.refs) {
		ret = uadk_global_init(want);
		if (ret) {
			pthread_mutex_unlock(&G.lock);
			free(ud);
			return ret;
		}
	}
	G.refs++;
	for (int f = 0; f < FAM_N; f++)
		if (G.fam[f].on)
			snprintf(ud->devs[f], sizeof(ud->devs[f]), "%s", G.fam[f].dev);
	c->queues_max = G.budget;
	pthread_mutex_unlock(&G.lock);

	c->backend = ACCEL_BACKEND_UADK;
	if (ud->devs[FAM_AEAD][0])
		c->ops_mask |= ACCEL_OP_BIT(ACCEL_OP_GCM_SEAL) | ACCEL_OP_BIT(ACCEL_OP_GCM_OPEN);
	if (ud->devs[FAM_DIGEST][0])
		c->ops_mask |= ACCEL_OP_BIT(ACCEL_OP_SHA224) | ACCEL_OP_BIT(ACCEL_OP_SHA256) |
			       ACCEL_OP_BIT(ACCEL_OP_SHA384) | ACCEL_OP_BIT(ACCEL_OP_SHA512);
	if (ud->devs[FAM_RSA][0])
		c->ops_mask |= ACCEL_OP_BIT(ACCEL_OP_RSA_PRIV_CRT) | ACCEL_OP_BIT(ACCEL_OP_RSA_PUB);
	/* SEC2/HPRE limits (DEVICE-MODEL.md): anything outside goes to software */
	c->aes_key_mask = 7;
	c->gcm_iv_min = 12;
	c->gcm_iv_max = 12;
	c->gcm_tag_min = 8;
	c->gcm_tag_max = 16;
	c->gcm_open_tag_min = 16;
	c->gcm_aad_max = 65535;
	c->gcm_data_max = UADK_GCM_DATA_MAX;
	c->gcm_flags = 0;	/* zero-length GCM payload rejected (v2 hardware) */
	c->rsa_bits_mask = 0xf;	/* 1024, 2048, 3072, 4096 */
	c->rsa_min_bits = 1024;
	c->rsa_max_bits = 4096;
	c->rsa_flags = 0;
	c->queue_depth_max = 1024;	/* QM: depth 1024, UADK msg pool 1024 per context */
	c->engines = (ud->devs[FAM_AEAD][0] || ud->devs[FAM_DIGEST][0] ? 1 : 0) +
		     (ud->devs[FAM_RSA][0] ? 1 : 0);
	c->digest_data_max = UADK_GCM_DATA_MAX;
	c->profile = 0;
	snprintf(c->name, sizeof(c->name), "uadk%u", dev->id);
	{
		char sec[64], hpre[64];

		snprintf(sec, sizeof(sec), "%s", ud->devs[FAM_AEAD][0] ? ud->devs[FAM_AEAD] :
						 ud->devs[FAM_DIGEST]);
		snprintf(hpre, sizeof(hpre), "%s", ud->devs[FAM_RSA]);
		snprintf(c->driver, sizeof(c->driver), "%.20s %.20s%s%.20s", wd_libname, sec,
			 sec[0] && hpre[0] ? " " : "", hpre);
	}
	ud->check_ns = (uint64_t)env_u32("ACCEL_UADK_CHECK_MS", 100) * 1000000ull;
	dev->uadk = ud;
	return ACCEL_OK;
}

static void shim_uadk_close(struct accel_dev *dev)
{
	pthread_mutex_lock(&G.lock);
	if (G.refs && !--G.refs)
		uadk_global_fini();
	pthread_mutex_unlock(&G.lock);
	free(dev->uadk);
	dev->uadk = NULL;
}

/* ---- removal ---- */

static void post_slot(struct slot *sl, int status, uint32_t out_len, uint32_t detail);

/* Fails every request in flight on q with ENODEV, without touching UADK. */
static void fail_inflight(struct accel_queue *q)
{
	struct shim_uadk_queue *u = q->uadk;

	if (atomic_exchange(&u->failed_all, 1))
		return;
	for (uint32_t i = 0; i < u->nslots; i++) {
		bool busy;

		pthread_mutex_lock(&u->slot_lock);
		busy = u->slots[i].busy;
		pthread_mutex_unlock(&u->slot_lock);
		if (busy)
			post_slot(&u->slots[i], ACCEL_ENODEV, 0, 0);
	}
}

/* True while every device this accel_dev uses is present and not isolated. */
static bool check_alive(struct accel_dev *dev, bool force)
{
	struct shim_uadk_dev *ud = dev->uadk;
	uint64_t now;
	char why[96];

	if (atomic_load(&dev->removed) || atomic_load(&dev->isolated))
		return false;
	now = shim_now_ns();
	if (!force && now < atomic_load(&ud->next_check_ns))
		return true;
	atomic_store(&ud->next_check_ns, now + ud->check_ns);
	for (int f = 0; f < FAM_N; f++) {
		if (!ud->devs[f][0] || shim_uacce_alive(ud->devs[f], why, sizeof(why)))
			continue;
		snprintf(ud->why, sizeof(ud->why), "%s", why);
		if (strstr(why, "isolated"))
			atomic_store(&dev->isolated, 1);
		else
			atomic_store(&dev->removed, 1);
		return false;
	}
	return true;
}

/* ---- queues ---- */

static void shim_uadk_queue_fini(struct accel_queue *q, uint32_t drain_ms);
static void shim_uadk_poll(struct accel_queue *q);

static int shim_uadk_queue_init(struct accel_queue *q)
{
	struct shim_uadk_queue *u = calloc(1, sizeof(*u));
	int ret = ACCEL_OK;

	if (!u)
		return ACCEL_ENOMEM;
	u->nslots = q->depth;
	u->slots = calloc(u->nslots, sizeof(*u->slots));
	if (!u->slots) {
		free(u);
		return ACCEL_ENOMEM;
	}
	pthread_mutex_init(&u->slot_lock, NULL);
	for (uint32_t i = 0; i < u->nslots; i++) {
		u->slots[i].magic = UADK_SLOT_MAGIC;
		u->slots[i].q = q;
		u->slots[i].idx = i;
		u->slots[i].next_free = i + 1 < u->nslots ? i + 1 : UINT32_MAX;
	}
	u->free_head = 0;

	pthread_mutex_lock(&G.lock);
	for (int f = 0; f < FAM_N; f++) {
		u->idx[f] = -1;
		if (!G.fam[f].on)
			continue;
		for (uint32_t i = 0; i < G.budget; i++) {
			if (!G.fam[f].used[i]) {
				G.fam[f].used[i] = true;
				u->idx[f] = (int32_t)i;
				break;
			}
		}
		if (u->idx[f] < 0)
			ret = ACCEL_EBUSY;	/* budget shared by every uadk accel_dev */
		u->key[f] = (struct sched_key){ .magic = UADK_KEY_MAGIC, .idx = (uint32_t)u->idx[f] };
	}
	if (ret) {
		for (int f = 0; f < FAM_N; f++)
			if (u->idx[f] >= 0)
				G.fam[f].used[u->idx[f]] = false;
	}
	pthread_mutex_unlock(&G.lock);
	if (!ret && u->idx[FAM_DIGEST] >= 0) {
		static const int algs[4] = { WD_DIGEST_SHA224, WD_DIGEST_SHA256, WD_DIGEST_SHA384,
					     WD_DIGEST_SHA512 };

		for (int i = 0; i < 4 && !ret; i++) {
			union {
				struct wd_digest_sess_setup s;
				uint8_t pad[UADK_PAD];
			} su;

			memset(&su, 0, sizeof(su));
			su.s.alg = algs[i];
			su.s.mode = WD_DIGEST_NORMAL;
			su.s.sched_param = &u->key[FAM_DIGEST];
			u->dsess[i] = wd.wd_digest_alloc_sess(&su.s);
			if (!u->dsess[i])
				ret = ACCEL_ENOMEM;
		}
	}
	q->uadk = u;
	if (ret)
		shim_uadk_queue_fini(q, 0);
	return ret;
}

static uint32_t busy_slots(struct shim_uadk_queue *u)
{
	uint32_t n = 0;

	for (int f = 0; f < FAM_N; f++)
		n += atomic_load(&u->busy[f]);
	return n;
}

static void shim_uadk_queue_fini(struct accel_queue *q, uint32_t drain_ms)
{
	struct shim_uadk_queue *u = q->uadk;
	struct accel_dev *dev = q->dev;
	uint64_t deadline = shim_now_ns() + (uint64_t)drain_ms * 1000000ull;
	bool retire;

	if (!u)
		return;
	/* drain: this thread is the only one touching the queue now (no reaper runs) */
	while (busy_slots(u) && !atomic_load(&q->qerr) && shim_now_ns() < deadline) {
		if (!check_alive(dev, false))
			break;
		if (!atomic_exchange(&q->reaper, 1)) {
			shim_uadk_poll(q);
			atomic_store(&q->reaper, 0);
		}
		if (busy_slots(u))
			shim_busy_wait_ns(20000);
	}
	if (!check_alive(dev, true))
		fail_inflight(q);	/* the device is gone: nothing will write any more */
	/* in flight on a live device: the engine may still write the slots' staging memory */
	retire = busy_slots(u) && !atomic_load(&u->failed_all);

	for (int i = 0; i < 4; i++)
		if (u->dsess[i])
			wd.wd_digest_free_sess(u->dsess[i]);
	pthread_mutex_lock(&G.lock);
	for (int f = 0; f < FAM_N; f++)
		if (u->idx[f] >= 0 && !retire)
			G.fam[f].used[u->idx[f]] = false;	/* retired contexts stay used */
	if (retire) {
		u->grave_next = G.graveyard;
		G.graveyard = u;
	}
	pthread_mutex_unlock(&G.lock);
	q->uadk = NULL;
	if (retire)
		return;
	for (uint32_t i = 0; i < u->nslots; i++)
		free(u->slots[i].stage);
	free(u->slots);
	pthread_mutex_destroy(&u->slot_lock);
	free(u);
}

/* ---- sessions ---- */

static size_t strip(const struct accel_bn *b, const uint8_t **p)
{
	const uint8_t *d = b->data;
	size_t n = b->len;

	while (n && !*d) {
		d++;
		n--;
	}
	*p = d;
	return n;
}

static uint32_t bits_of(const uint8_t *p, size_t n)
{
	uint32_t b;

	if (!n)
		return 0;
	b = (uint32_t)(n - 1) * 8;
	for (uint8_t x = p[0]; x; x >>= 1)
		b++;
	return b;
}

static wd_handle_t aead_sess(struct accel_queue *q, const struct shim_sess *s, uint32_t tag_len)
{
	union {
		struct wd_aead_sess_setup s;
		uint8_t pad[UADK_PAD];
	} su;
	wd_handle_t h;

	memset(&su, 0, sizeof(su));
	su.s.calg = WD_CIPHER_AES;
	su.s.cmode = WD_CIPHER_GCM;
	su.s.dalg = 0;
	su.s.dmode = WD_DIGEST_NORMAL;
	su.s.sched_param = &q->uadk->key[FAM_AEAD];
	h = wd.wd_aead_alloc_sess(&su.s);
	if (!h)
		return 0;
	if (wd.wd_aead_set_ckey(h, s->key, (uint16_t)s->key_len) ||
	    wd.wd_aead_set_authsize(h, (uint16_t)tag_len)) {
		wd.wd_aead_free_sess(h);
		return 0;
	}
	return h;
}

static int shim_uadk_sess_init(struct accel_queue *q, struct shim_sess *s, const void *key)
{
	struct shim_uadk_sess *us;

	if (s->family == ACCEL_FAMILY_AEAD && q->uadk->idx[FAM_AEAD] < 0)
		return ACCEL_ENOTSUP;
	if (s->family == ACCEL_FAMILY_RSA && q->uadk->idx[FAM_RSA] < 0)
		return ACCEL_ENOTSUP;
	us = calloc(1, sizeof(*us));
	if (!us)
		return ACCEL_ENOMEM;
	s->uadk = us;
	if (s->family == ACCEL_FAMILY_AEAD) {
		us->aead[16] = aead_sess(q, s, 16);
		return us->aead[16] ? ACCEL_OK : ACCEL_EINVAL;
	}

	/* RSA: copy the parts UADK will read, stripped of leading zeros */
	const struct accel_rsa_key *rk = key;
	const struct accel_bn *parts[7] = { &rk->n, &rk->e, &rk->p, &rk->q, &rk->dp, &rk->dq,
					    &rk->qinv };
	const uint8_t *p[7];
	size_t len[7], half, off = 0;
	struct wd_dtb dtb[7];
	union {
		struct wd_rsa_sess_setup s;
		uint8_t pad[UADK_PAD];
	} su;
	bool crt = (rk->flags & ACCEL_RSA_KEY_HAS_CRT) != 0;

	s->n_bits = rk->n_bits;
	s->n_len = rk->n_bits / 8;
	half = s->n_len / 2;
	for (int i = 0; i < 7; i++) {
		if (!parts[i]->data && parts[i]->len)
			return ACCEL_EINVAL;
		p[i] = NULL;
		len[i] = parts[i]->data ? strip(parts[i], &p[i]) : 0;
		if (i >= 2 && crt && (!len[i] || len[i] > half))
			return ACCEL_EINVAL;
	}
	if (bits_of(p[0], len[0]) != rk->n_bits || !len[1] || len[1] > s->n_len || !(p[0][len[0] - 1] & 1))
		return ACCEL_EINVAL;
	us->parts_len = 2 * s->n_len + 5 * half;
	us->parts = calloc(1, us->parts_len);
	if (!us->parts)
		return ACCEL_ENOMEM;
	for (int i = 0; i < 7; i++) {
		size_t cap = i < 2 ? s->n_len : half;

		if (len[i])
			memcpy(us->parts + off, p[i], len[i]);
		dtb[i] = (struct wd_dtb){ .data = (char *)us->parts + off, .dsize = (uint32_t)len[i],
					  .bsize = (uint32_t)cap };
		off += cap;
	}
	memcpy(us->n + (s->n_len - len[0]), p[0], len[0]);

	memset(&su, 0, sizeof(su));
	su.s.key_bits = (uint16_t)rk->n_bits;
	su.s.is_crt = crt;
	su.s.sched_param = &q->uadk->key[FAM_RSA];
	us->rsa = wd.wd_rsa_alloc_sess(&su.s);
	if (!us->rsa)
		return ACCEL_ENOMEM;
	if (wd.wd_rsa_set_pubkey_params(us->rsa, &dtb[1], &dtb[0]))
		return ACCEL_EINVAL;
	/* wd_rsa_set_crt_prikey_params(sess, dq, dp, qinv, q, p) */
	if (crt && wd.wd_rsa_set_crt_prikey_params(us->rsa, &dtb[5], &dtb[4], &dtb[6], &dtb[3],
						   &dtb[2]))
		return ACCEL_EINVAL;
	s->crt = crt;
	return ACCEL_OK;
}

static void shim_uadk_sess_fini(struct shim_sess *s)
{
	struct shim_uadk_sess *us = s->uadk;

	if (!us)
		return;
	if (atomic_load(&s->refs)) {
		/* a retired queue's request still in flight may read the session's key: leak it */
		s->uadk = NULL;
		return;
	}
	/* freeing a wd session is memory only (no queue access), also after removal */
	for (int i = 0; i < 17; i++)
		if (us->aead[i])
			wd.wd_aead_free_sess(us->aead[i]);
	if (us->rsa)
		wd.wd_rsa_free_sess(us->rsa);
	if (us->parts) {
		explicit_bzero(us->parts, us->parts_len);
		free(us->parts);
	}
	explicit_bzero(us, sizeof(*us));
	free(us);
	s->uadk = NULL;
}

/* ---- completions ---- */

static void slot_release(struct shim_uadk_queue *u, struct slot *sl)
{
	if (sl->stage && sl->stage_cap > UADK_STAGE_KEEP) {
		free(sl->stage);
		sl->stage = NULL;
		sl->stage_cap = 0;
	}
	pthread_mutex_lock(&u->slot_lock);
	sl->busy = false;
	sl->next_free = u->free_head;
	u->free_head = sl->idx;
	pthread_mutex_unlock(&u->slot_lock);
}

/* Posts a slot's completion and frees the slot (reaper thread, or submit for errors). */
static void post_slot(struct slot *sl, int status, uint32_t out_len, uint32_t detail)
{
	struct accel_queue *q = sl->q;
	struct shim_uadk_queue *u = q->uadk;
	uint64_t tag = sl->user_tag;

	if (sl->sess)
		atomic_fetch_sub(&sl->sess->refs, 1);	/* before posting: reaped -> may be destroyed */
	sl->sess = NULL;
	atomic_fetch_sub(&u->busy[sl->fam], 1);
	slot_release(u, sl);
	shim_post(q, tag, status, out_len, detail);
}

/* Callback argument: the slot (cb_param style) or UADK's copy of our request (req style). */
static struct slot *slot_of(void *arg, void **req)
{
	if (arg && *(const uint64_t *)arg == UADK_SLOT_MAGIC) {
		*req = NULL;
		return arg;
	}
	*req = arg;
	return NULL;
}

static void complete(struct slot *sl, int raw)
{
	int status = ACCEL_OK;
	uint32_t out_len = 0, detail = 0;

	if (atomic_load(&sl->q->uadk->failed_all))
		return;	/* already failed with ENODEV (removal); the engine is gone */
	switch (sl->op) {
	case ACCEL_OP_GCM_SEAL:
		if (!raw) {
			memcpy(sl->dst, sl->stage + (sl->aad_len + sl->len) + sl->aad_len, sl->len);
			memcpy(sl->tag, sl->mac, sl->tag_len);
			out_len = (uint32_t)sl->len;
		}
		break;
	case ACCEL_OP_GCM_OPEN:
		if (!raw) {
			memcpy(sl->dst, sl->stage + (sl->aad_len + sl->len) + sl->aad_len, sl->len);
			out_len = (uint32_t)sl->len;
		} else if (raw == WD_IN_EPARA || raw == WD_VERIFY_ERR) {
			status = ACCEL_EBADMSG;	/* no plaintext released: dst was never written */
			memset(sl->dst, 0, sl->len);
			raw = 0;
		}
		/* staging held plaintext: wipe it */
		explicit_bzero(sl->stage, 2 * (sl->aad_len + sl->len));
		break;
	case ACCEL_OP_RSA_PRIV_CRT:
	case ACCEL_OP_RSA_PUB:
		if (!raw) {
			out_len = sl->sess->n_len;
			memcpy(sl->dst, sl->small[1], out_len);
		}
		explicit_bzero(sl->small, sizeof(sl->small));
		break;
	default:
		if (!raw) {
			out_len = shim_digest_len(sl->op);
			memcpy(sl->dst, sl->small[1], out_len);
		}
		break;
	}
	if (raw) {
		status = ACCEL_EIO;
		detail = (uint32_t)raw;
		out_len = 0;
	}
	post_slot(sl, status, out_len, detail);
}

static void *aead_cb(struct wd_aead_req *req, void *cb_param)
{
	void *r;
	struct slot *sl = slot_of(req, &r);

	(void)cb_param;
	if (!sl)
		sl = ((struct wd_aead_req *)r)->cb_param;
	complete(sl, r ? ((struct wd_aead_req *)r)->state : sl->req.a.state);
	return NULL;
}

static void *digest_cb(void *arg)
{
	void *r;
	struct slot *sl = slot_of(arg, &r);

	if (!sl)
		sl = ((struct wd_digest_req *)r)->cb_param;
	complete(sl, r ? ((struct wd_digest_req *)r)->state : sl->req.d.state);
	return NULL;
}

static void rsa_cb(void *arg)
{
	void *r;
	struct slot *sl = slot_of(arg, &r);

	if (!sl)
		sl = ((struct wd_rsa_req *)r)->cb_param;
	complete(sl, r ? ((struct wd_rsa_req *)r)->status : sl->req.r.status);
}

/* ---- data path ---- */

static bool needs_session(uint32_t op)
{
	return op == ACCEL_OP_GCM_SEAL || op == ACCEL_OP_GCM_OPEN || op == ACCEL_OP_RSA_PRIV_CRT ||
	       op == ACCEL_OP_RSA_PUB;
}

/* SHA-2 of the empty string (FIPS 180-4): SEC2 takes no zero-length digest. */
static const uint8_t *empty_digest(uint32_t op)
{
	static const uint8_t e224[28] = {
		0xd1, 0x4a, 0x02, 0x8c, 0x2a, 0x3a, 0x2b, 0xc9, 0x47, 0x61, 0x02, 0xbb, 0x28, 0x82,
		0x34, 0xc4, 0x15, 0xa2, 0xb0, 0x1f, 0x82, 0x8e, 0xa6, 0x2a, 0xc5, 0xb3, 0xe4, 0x2f };
	static const uint8_t e256[32] = {
		0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f,
		0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b,
		0x78, 0x52, 0xb8, 0x55 };
	static const uint8_t e384[48] = {
		0x38, 0xb0, 0x60, 0xa7, 0x51, 0xac, 0x96, 0x38, 0x4c, 0xd9, 0x32, 0x7e, 0xb1, 0xb1,
		0xe3, 0x6a, 0x21, 0xfd, 0xb7, 0x11, 0x14, 0xbe, 0x07, 0x43, 0x4c, 0x0c, 0xc7, 0xbf,
		0x63, 0xf6, 0xe1, 0xda, 0x27, 0x4e, 0xde, 0xbf, 0xe7, 0x6f, 0x65, 0xfb, 0xd5, 0x1a,
		0xd2, 0xf1, 0x48, 0x98, 0xb9, 0x5b };
	static const uint8_t e512[64] = {
		0xcf, 0x83, 0xe1, 0x35, 0x7e, 0xef, 0xb8, 0xbd, 0xf1, 0x54, 0x28, 0x50, 0xd6, 0x6d,
		0x80, 0x07, 0xd6, 0x20, 0xe4, 0x05, 0x0b, 0x57, 0x15, 0xdc, 0x83, 0xf4, 0xa9, 0x21,
		0xd3, 0x6c, 0xe9, 0xce, 0x47, 0xd0, 0xd1, 0x3c, 0x5d, 0x85, 0xf2, 0xb0, 0xff, 0x83,
		0x18, 0xd2, 0x87, 0x7e, 0xec, 0x2f, 0x63, 0xb9, 0x31, 0xbd, 0x47, 0x41, 0x7a, 0x81,
		0xa5, 0x38, 0x32, 0x7a, 0xf9, 0x27, 0xda, 0x3e };

	switch (op) {
	case ACCEL_OP_SHA224: return e224;
	case ACCEL_OP_SHA256: return e256;
	case ACCEL_OP_SHA384: return e384;
	default: return e512;
	}
}

static struct slot *slot_get(struct shim_uadk_queue *u)
{
	struct slot *sl = NULL;

	pthread_mutex_lock(&u->slot_lock);
	if (u->free_head != UINT32_MAX) {
		sl = &u->slots[u->free_head];
		u->free_head = sl->next_free;
		sl->busy = true;
	}
	pthread_mutex_unlock(&u->slot_lock);
	return sl;
}

/* Fills the slot's wd request and sends it. Returns the wd return code. */
static int send_one(struct accel_queue *q, struct slot *sl, const struct accel_desc *d,
		    struct shim_sess *s)
{
	struct shim_uadk_queue *u = q->uadk;

	memset(&sl->req, 0, sizeof(sl->req));
	switch (d->op) {
	case ACCEL_OP_GCM_SEAL:
	case ACCEL_OP_GCM_OPEN: {
		struct wd_aead_req *r = &sl->req.a;
		size_t in_len = (size_t)d->aad_len + d->src_len;
		size_t need = 2 * in_len + 16;
		wd_handle_t h = s->uadk->aead[d->tag_len];

		if (!h) {
			h = s->uadk->aead[d->tag_len] = aead_sess(q, s, d->tag_len);
			if (!h)
				return -ENOMEM;
		}
		if (sl->stage_cap < need) {
			free(sl->stage);
			sl->stage = malloc(need);
			sl->stage_cap = sl->stage ? need : 0;
			if (!sl->stage)
				return -ENOMEM;
		}
		/* SEC2: AAD at the start of the source; output mirrors the layout */
		if (d->aad_len)
			memcpy(sl->stage, d->aad, d->aad_len);
		memcpy(sl->stage + d->aad_len, d->src, d->src_len);
		memcpy(sl->iv, d->iv, 12);
		if (d->op == ACCEL_OP_GCM_OPEN)
			memcpy(sl->mac, d->tag, d->tag_len);
		r->op_type = d->op == ACCEL_OP_GCM_SEAL ? WD_CIPHER_ENCRYPTION_DIGEST :
							  WD_CIPHER_DECRYPTION_DIGEST;
		r->src = sl->stage;
		r->dst = sl->stage + in_len;
		r->mac = sl->mac;
		r->iv = sl->iv;
		r->in_bytes = (uint32_t)d->src_len;
		r->out_bytes = (uint32_t)in_len;
		r->iv_bytes = 12;
		r->mac_bytes = (uint16_t)d->tag_len;
		r->assoc_bytes = (uint16_t)d->aad_len;
		r->data_fmt = WD_FLAT_BUF;
		r->msg_state = AEAD_MSG_BLOCK;
		r->cb = aead_cb;
		r->cb_param = sl;
		return wd.wd_do_aead_async(h, r);
	}
	case ACCEL_OP_RSA_PRIV_CRT:
	case ACCEL_OP_RSA_PUB: {
		struct wd_rsa_req *r = &sl->req.r;

		memcpy(sl->small[0], d->src, s->n_len);
		r->src = sl->small[0];
		r->dst = sl->small[1];
		r->src_bytes = s->n_len;
		r->dst_bytes = s->n_len;
		r->op_type = d->op == ACCEL_OP_RSA_PRIV_CRT ? WD_RSA_SIGN : WD_RSA_VERIFY;
		r->data_fmt = WD_FLAT_BUF;
		r->cb = rsa_cb;
		r->cb_param = sl;
		return wd.wd_do_rsa_async(s->uadk->rsa, r);
	}
	default: {
		struct wd_digest_req *r = &sl->req.d;

		r->in = (void *)d->src;	/* SVA: the engine reads the caller's buffer */
		r->out = sl->small[1];
		r->in_bytes = (uint32_t)d->src_len;
		r->out_bytes = shim_digest_len(d->op);
		r->out_buf_bytes = sizeof(sl->small[1]);
		r->has_next = WD_DIGEST_END;
		r->data_fmt = WD_FLAT_BUF;
		r->cb = (wd_digest_cb_t *)digest_cb;
		r->cb_param = sl;
		return wd.wd_do_digest_async(u->dsess[d->op - ACCEL_OP_SHA224], r);
	}
	}
}

static int shim_uadk_submit(struct accel_queue *q, const struct accel_desc *descs, uint32_t n,
		     uint32_t *taken)
{
	struct accel_dev *dev = q->dev;
	struct shim_uadk_queue *u = q->uadk;
	uint32_t i;
	int ret = ACCEL_OK;

	for (i = 0; i < n; i++) {
		const struct accel_desc *d = &descs[i];
		struct shim_sess *s = NULL;
		struct slot *sl;
		int v, wret;

		if (atomic_load(&dev->removed) || atomic_load(&dev->isolated)) {
			ret = i ? ACCEL_EAGAIN : ACCEL_ENODEV;	/* never touch a removed device */
			break;
		}

		if (needs_session(d->op)) {
			pthread_mutex_lock(&q->sess_lock);
			s = shim_sess_lookup_locked(q, d->session);
			if (s)
				atomic_fetch_add(&s->refs, 1);
			pthread_mutex_unlock(&q->sess_lock);
		}
		v = shim_validate(&dev->caps, d, s);
		if (!v && (d->op == ACCEL_OP_RSA_PRIV_CRT || d->op == ACCEL_OP_RSA_PUB) &&
		    memcmp(d->src, s->uadk->n, s->n_len) >= 0)
			v = ACCEL_EINVAL;	/* message representative out of range */
		if (v || (d->op >= ACCEL_OP_SHA224 && d->op <= ACCEL_OP_SHA512 && !d->src_len)) {
			uint32_t out_len = 0;

			if (!v) {	/* empty digest: a known constant */
				out_len = shim_digest_len(d->op);
				memcpy(d->dst, empty_digest(d->op), out_len);
			}
			if (s)
				atomic_fetch_sub(&s->refs, 1);
			shim_post(q, d->user_tag, v, out_len, 0);
			continue;
		}
		sl = slot_get(u);	/* never NULL: inflight <= depth - 1 < slots */
		if (!sl) {
			if (s)
				atomic_fetch_sub(&s->refs, 1);
			ret = ACCEL_EAGAIN;
			break;
		}
		sl->user_tag = d->user_tag;
		sl->op = d->op;
		sl->sess = s;
		sl->dst = d->dst;
		sl->tag = d->tag;
		sl->tag_len = d->tag_len;
		sl->len = d->src_len;
		sl->aad_len = (uint32_t)d->aad_len;
		sl->fam = d->op <= ACCEL_OP_GCM_OPEN ? FAM_AEAD :
			  d->op >= ACCEL_OP_RSA_PRIV_CRT ? FAM_RSA : FAM_DIGEST;
		atomic_fetch_add(&u->busy[sl->fam], 1);	/* before the send: it may complete at once */
		wret = send_one(q, sl, d, s);
		if (!wret)
			continue;
		if (wret == -EBUSY || wret == -EAGAIN || wret == -WD_HW_EACCESS || wret == -ENODEV) {
			/* context full, or resetting / removed: take the prefix; retry later */
			atomic_fetch_sub(&u->busy[sl->fam], 1);
			sl->sess = NULL;
			slot_release(u, sl);
			if (s)
				atomic_fetch_sub(&s->refs, 1);
			if (wret == -ENODEV || wret == -WD_HW_EACCESS)
				check_alive(dev, true);
			ret = ACCEL_EAGAIN;
			break;
		}
		/* per-request failure: complete it now */
		post_slot(sl, wret == -EINVAL ? ACCEL_EINVAL : wret == -ENOMEM ? ACCEL_ENOMEM : ACCEL_EIO,
			  0, (uint32_t)-wret);
	}
	*taken = i;
	return ret;
}

/* ---- reaping ---- */

static void shim_uadk_poll(struct accel_queue *q)
{
	struct shim_uadk_queue *u = q->uadk;
	int (*poll[FAM_N])(uint32_t, uint32_t, uint32_t *) = { wd.wd_aead_poll_ctx,
							       wd.wd_digest_poll_ctx,
							       wd.wd_rsa_poll_ctx };

	if (!u)
		return;
	if (!check_alive(q->dev, false)) {
		fail_inflight(q);
		return;
	}
	if (atomic_load(&q->qerr))
		return;
	for (int f = 0; f < FAM_N; f++) {
		uint32_t count = 0;
		int ret;

		if (u->idx[f] < 0 || !atomic_load(&u->busy[f]))
			continue;
		ret = poll[f]((uint32_t)u->idx[f], u->nslots, &count);
		if (!ret || ret == -EAGAIN)
			continue;
		/* not a per-request error: the context reported a failure */
		if (!check_alive(q->dev, true)) {
			fail_inflight(q);
			return;
		}
		atomic_store(&q->qerr, 1);	/* queue-level error: the status word flipped */
		return;
	}
}

static int shim_uadk_health(struct accel_dev *dev, struct accel_health *h)
{
	if (!dev->uadk)
		return ACCEL_OK;
	check_alive(dev, true);
	if ((atomic_load(&dev->removed) || atomic_load(&dev->isolated)) && dev->uadk->why[0])
		shim_copy_reason(h->reason, sizeof(h->reason), dev->uadk->why);
	return ACCEL_OK;
}

const struct accel_backend_ops accel_uadk_ops = {
	.name = "uadk",
	.probe = shim_uadk_probe,
	.dev_open = shim_uadk_open,	/* fills caps; owns the UADK singleton */
	.dev_close = shim_uadk_close,
	.health = shim_uadk_health,	/* re-checks sysfs; sets the removal reason */
	.queue_init = shim_uadk_queue_init,	/* pins one wd context per family */
	.queue_fini = shim_uadk_queue_fini,	/* drains, or retires what is in flight */
	.sess_init = shim_uadk_sess_init,	/* wd session pinned to q */
	.sess_fini = shim_uadk_sess_fini,
	.submit = shim_uadk_submit,
	.poll = shim_uadk_poll,	/* completion callbacks post into the CQ */
};

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core.h - the shared core, below the backends and above the kernels: the
 * device, queue and session objects, their rings and buffers, session
 * handles, request validation and completion posting, UACCE discovery.
 * Everything here has hidden visibility; the version script
 * src/accel_shim.map exports accel_* only. Layers (tools/check-layers.sh):
 * shim.c (API) -> backend_*.c -> core -> kernels; calls and includes go
 * down only.
 */
#ifndef ACCEL_CORE_H
#define ACCEL_CORE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#include "accel_shim.h"
#include "kernels.h"
#include "ring.h"

#define SHIM_DEV_MAGIC 0x41434456u	/* "ACDV" */
#define SHIM_QUEUE_MAGIC 0x41435155u	/* "ACQU" */
#define SHIM_DEAD_MAGIC 0xdeadbeefu
#define SHIM_FOREVER UINT64_MAX	/* fault count 0 = until cleared */

struct accel_backend_ops;	/* internal.h: the backend layer */
struct shim_uadk_sess;		/* backend_uadk.c's own state, opaque here */
struct shim_uadk_queue;
struct shim_uadk_dev;

/*
 * AES-GCM limits of the host kernels (the cpu backend's caps and the keyed
 * calls accel_gcm_key_*): IV 1 .. 128 bytes (NIST SP 800-38D allows any IV of
 * at least one bit; 128 is libcrypto 3's GCM_IV_MAX_SIZE), tags 12 .. 16 bytes
 * (the JCA's 96 .. 128 bits), AAD and data each below 2^31 bytes.
 */
#define SHIM_HOST_GCM_IV_MIN 1u
#define SHIM_HOST_GCM_IV_MAX 128u
#define SHIM_HOST_GCM_TAG_MIN 12u
#define SHIM_HOST_GCM_TAG_MAX 16u
#define SHIM_HOST_GCM_DATA_MAX ((1ull << 31) - 1)

/*
 * A keyed AES-GCM context in caller memory (accel_gcm_key_init): the raw key
 * and, on ipsec-mb, its precomputed key data. 64-byte aligned; the header
 * keeps kd on its own cache lines.
 */
#define SHIM_GCM_KEY_MAGIC 0x41434b59u	/* "ACKY" */
struct shim_gcm_key {
	uint32_t magic;
	uint32_t key_len;	/* 16, 24 or 32 */
	uint32_t has_kd;	/* kd holds ipsec-mb key data; else EVP expands key per call */
	uint32_t pad0;
	uint8_t key[32];
	uint8_t pad1[16];
	uint8_t kd[SHIM_GCM_KD_SIZE] __attribute__((aligned(SHIM_GCM_KD_ALIGN)));
};

int shim_gcm_key_init(struct shim_gcm_key *k, const uint8_t *key, uint32_t key_len);
/* Validates d against the host limits and runs it; ACCEL_EBADMSG for a bad tag (dst zeroed). */
int shim_gcm_key_run(const struct shim_gcm_key *k, const struct accel_desc *d);

/* ---- sessions ---- */
struct shim_sess {
	uint32_t family;
	atomic_uint refs;	/* requests in the SQ or on an engine */
	uint32_t key_len;	/* AEAD */
	uint8_t key[32];	/* AEAD: raw AES key (wiped on destroy) */
	void *gcm_kd;		/* AEAD on ipsec-mb: precomputed key data, 64-byte aligned */
	struct shim_rsa *rsa;	/* RSA: BIGNUMs, cleared on destroy (emu, cpu) */
	uint32_t n_bits, n_len;	/* RSA */
	bool crt;		/* RSA: CRT private parts present */
	struct shim_uadk_sess *uadk;	/* uadk backend: wd session handles */
};

struct shim_sess_slot {
	struct shim_sess *sess;
	uint32_t gen;		/* bumped on destroy: a stale handle no longer matches */
};

/* ---- queue ---- */
struct accel_queue {
	uint32_t magic;
	struct accel_dev *dev;
	uint32_t depth;		/* power of two; usable depth - 1 */
	struct shim_sq sq;	/* descriptors waiting for an engine (emu) */
	struct shim_cq cq;	/* completions waiting for the reaper */

	/* Accepted but not reaped. Bounded by depth - 1 so the CQ never overflows. */
	atomic_uint inflight;
	/* Accepted into the SQ but not yet posted (or dropped) by an engine. */
	atomic_uint pending;

	pthread_mutex_t submit_lock;	/* serialises producers of the SQ */
	pthread_mutex_t cq_lock;	/* serialises producers of the CQ; pairs with cq_cv */
	pthread_cond_t cq_cv;		/* accel_wait sleeps here */
	atomic_int reaper;		/* 1 while a thread is in accel_reap (uadk: or accel_wait) */
	atomic_int waiter;		/* 1 while a thread is in accel_wait (emu, cpu) */
	/*
	 * accel_wait_n: completions in the CQ that wake the waiter (1 outside a
	 * wait), and the cap accel_wait_limit puts on it until the wait ends
	 * (UINT32_MAX: none). shim_post signals cq_cv only once the CQ holds
	 * min(wait_min, wait_cap). Both change under cq_lock.
	 */
	atomic_uint wait_min;
	atomic_uint wait_cap;
	atomic_int efd;			/* eventfd, created lazily (-1 before): readable while CQ non-empty */

	pthread_mutex_t sess_lock;	/* protects the session table */
	uint64_t sess_salt;		/* per-queue: another queue's handle never matches */
	struct shim_sess_slot *sess;
	uint32_t nsess, sess_cap;

	/* Emu state below is protected by dev->lock unless atomic. */
	atomic_int qerr;		/* status word: queue-level hardware error */
	atomic_int dead;		/* destroy in progress: engines must not start new work */
	uint32_t busy;			/* engines currently working on this queue's requests */
	bool on_ready;
	struct accel_queue *ready_next;
	struct accel_queue *next;	/* device's list of queues */

	struct shim_uadk_queue *uadk;	/* uadk backend: pinned wd ctxs, request slots */
};

/* ---- device ---- */
struct shim_quarantine {
	void *buf;
	uint64_t map_len;
};
#define SHIM_QUARANTINE_SLOTS 64

struct accel_dev {
	uint32_t magic;
	uint32_t backend;
	const struct accel_backend_ops *ops;	/* the backend's registration (internal.h) */
	pid_t pid;			/* owner; another pid means a forked child */
	/* shim.c's registry of live handles (under its registry_lock) */
	struct accel_dev *live_next;
	uint32_t pins;			/* device-level API calls in progress */
	uint32_t id;
	struct accel_dev_config cfg;
	struct accel_caps caps;		/* caps.profile protected by lock */

	pthread_mutex_t lock;		/* queues, ready list, engines, fault state */
	pthread_cond_t work_cv;		/* doorbell: engines sleep here */
	pthread_cond_t idle_cv;		/* destroy waits here for engines / drain */
	struct accel_queue *queues;
	uint32_t nqueues;
	uint32_t queue_budget;
	struct accel_queue *ready_head, *ready_tail;

	/* counters (accel_health) */
	atomic_uint_fast64_t submitted, completed, errors, faults_injected;

	/* fault state; the flags are atomics so fast paths can check without the lock */
	atomic_int removed, isolated, forked;
	_Atomic uint64_t reset_until_ns;
	uint64_t reset_epoch;
	uint64_t req_err_count, lost_count, corrupt_count, delay_count;
	uint32_t req_err_detail;
	uint64_t delay_us;

	/* engines (emu) */
	pthread_t *engines;
	uint32_t nengines;
	bool stop;
	atomic_bool spinner;		/* one idle engine polls for doorbells (emu) */
	atomic_uint doorbells;		/* rung by every submit (emu) */
	void *emu_delayed;		/* computed jobs waiting for their completion time (emu, lock) */
	_Atomic uint64_t emu_next_due;	/* due time of the first of them, 0 if none (emu) */

	/* debug quarantine of freed buffers (ACCEL_DEV_POISON_FREED) */
	pthread_mutex_t buf_lock;
	struct shim_quarantine quarantine[SHIM_QUARANTINE_SLOTS];
	uint32_t quarantine_next;
	atomic_uint poison_violations;

	struct shim_uadk_dev *uadk;	/* uadk backend */
};

/* ---- time and text (core.c) ---- */
uint64_t shim_now_ns(void);
void shim_busy_wait_ns(uint64_t ns);
void shim_copy_reason(char *dst, size_t len, const char *src);

/* ---- object lifetime (core.c) ---- */
/* A device with its locks ready and nothing else: the backend's dev_open fills the rest. */
struct accel_dev *shim_dev_alloc(uint32_t backend, const struct accel_backend_ops *ops,
				 const struct accel_dev_config *cfg, pid_t pid);
void shim_dev_free(struct accel_dev *dev);
/* caps.name = prefix + id ("emu0"), caps.driver = the host kernels in use. */
void shim_dev_set_names(struct accel_dev *dev, const char *prefix);
/* A queue with empty rings (an SQ of sq_depth) and its locks ready, not yet on dev's list. */
struct accel_queue *shim_queue_alloc(struct accel_dev *dev, uint32_t depth, uint32_t sq_depth);
/* Frees the rings, the session table (sessions already freed), the eventfd and q. */
void shim_queue_free(struct accel_queue *q);

/* ---- sessions (core.c) ---- */
struct shim_sess *shim_sess_lookup_locked(struct accel_queue *q, uint64_t handle);
/* The session handle names, with a reference (NULL: none); shim_sess_put drops it. */
struct shim_sess *shim_sess_ref(struct accel_queue *q, uint64_t handle);
/* The session a request names, with a reference (NULL: none, or the op needs none). */
struct shim_sess *shim_sess_get(struct accel_queue *q, const struct accel_desc *d);
void shim_sess_put(struct shim_sess *s);
/* A session of family, in no table yet; AEAD: the key (checked) and ipsec-mb's key data. */
int shim_sess_new(uint32_t family, const void *key, uint32_t key_len, struct shim_sess **out);
/* Host-computed session state (emu, cpu): RSA precomputation; AEAD needs nothing more. */
int shim_sess_init_host(struct accel_queue *q, struct shim_sess *s, const void *key);
/* Files s in q's table; *handle names it from then on. */
int shim_sess_insert(struct accel_queue *q, struct shim_sess *s, uint64_t *handle);
/* Takes the session out of q's table: EINVAL for a bad handle, EBUSY while requests read it. */
int shim_sess_remove(struct accel_queue *q, uint64_t handle, struct shim_sess **out);
/* Wipes and frees the kernels' part (the backend's sess_fini ran first). */
void shim_sess_free(struct shim_sess *s);

/* ---- requests (core.c) ---- */
int shim_probe_host(char *reason, uint32_t reason_len);	/* libcrypto loaded? */
/* GCM argument limits of d (any backend's caps); 0 or ACCEL_EINVAL. */
int shim_validate_gcm_args(const struct accel_caps *caps, const struct accel_desc *d);
int shim_validate(const struct accel_caps *caps, const struct accel_desc *d,
		  const struct shim_sess *s);
int shim_execute(const struct accel_desc *d, const struct shim_sess *s, uint32_t *out_len);
void shim_post(struct accel_queue *q, uint64_t user_tag, int status, uint32_t out_len,
	       uint32_t detail);
/* Completions that wake a thread in accel_wait / accel_wait_n (see wait_min). */
uint32_t shim_wait_threshold(struct accel_queue *q);

/* ---- device-visible buffers (buf.c) ---- */
void *shim_buf_map(uint64_t len);
void shim_buf_unmap(struct accel_dev *dev, void *buf, uint64_t len);
void shim_buf_dev_close(struct accel_dev *dev);
uint32_t shim_buf_check(struct accel_dev *dev);

/* ---- UACCE discovery (uacce.c) ---- */
#define SHIM_UACCE_MAX 64
enum { SHIM_UACCE_OTHER = 0, SHIM_UACCE_SEC = 1, SHIM_UACCE_HPRE = 2 };
struct shim_uacce_dev {
	char name[64];		/* hisi_sec2-0 */
	char driver[32];	/* hisi_sec2 */
	char api[48];		/* hisi_qm_v2, "-" if absent */
	char algorithms[192];	/* comma-joined */
	int flags, avail, isolate, numa;	/* -1: absent (isolate: 0) */
	int kind;		/* SHIM_UACCE_* */
	bool usable;
	char reason[256];	/* why not usable; empty when usable */
	char sysfs_path[512];
	char dev_path[512];
};
const char *shim_uacce_sysfs_root(void);
const char *shim_uacce_dev_root(void);
int shim_uacce_scan(struct shim_uacce_dev *out, int max);
bool shim_uacce_has_alg(const struct shim_uacce_dev *d, const char *alg);
bool shim_uacce_alive(const char *name, char *why, size_t why_len);

#endif /* ACCEL_CORE_H */

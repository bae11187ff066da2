/* SPDX-License-Identifier: Apache-2.0 */
/*
 * internal.h - shared internals of the shim (never installed, never
 * exported). Everything here has hidden visibility; the version script
 * src/accel_shim.map exports accel_* only.
 */
#ifndef ACCEL_INTERNAL_H
#define ACCEL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#include "accel_shim.h"
#include "ring.h"

#define SHIM_DEV_MAGIC 0x41434456u	/* "ACDV" */
#define SHIM_QUEUE_MAGIC 0x41435155u	/* "ACQU" */
#define SHIM_DEAD_MAGIC 0xdeadbeefu
#define SHIM_FOREVER UINT64_MAX	/* fault count 0 = until cleared */

/* ---- libcrypto kernels (crypto_libcrypto.c) ---- */
int shim_crypto_load(char *reason, size_t reason_len);
const char *shim_crypto_version(void);
int shim_gcm(bool seal, const uint8_t *key, uint32_t key_len, const uint8_t *iv, uint32_t iv_len,
	     const uint8_t *aad, uint64_t aad_len, const uint8_t *src, uint64_t len, uint8_t *dst,
	     uint8_t *tag, uint32_t tag_len);
int shim_digest(uint32_t op, const uint8_t *src, uint64_t len, uint8_t *dst, uint32_t *out_len);
uint32_t shim_digest_len(uint32_t op);

/* ---- kernel selection and AES-GCM on ipsec-mb (crypto_ipsecmb.c) ---- */
struct shim_sess;
const char *shim_kernel_driver(void);
/* Which kernel computes each operation and why, one line each (accel_kernels). */
void shim_kernels_describe(char *buf, size_t len);
int shim_gcm_prepare(struct shim_sess *s);	/* precompute key data (AEAD session create) */
void shim_gcm_release(struct shim_sess *s);	/* wipe and free it */
int shim_gcm_run(bool seal, const struct shim_sess *s, const uint8_t *iv, uint32_t iv_len,
		 const uint8_t *aad, uint64_t aad_len, const uint8_t *src, uint64_t len,
		 uint8_t *dst, uint8_t *tag, uint32_t tag_len);

/*
 * RSA raw modexp with per-session precomputation. protect: blind private
 * inputs and check every CRT result (ACCEL_EIO on mismatch), for engines
 * that advertise ACCEL_RSA_BLINDS_AND_VERIFIES (cpu). shim_rsa_op may run
 * concurrently on one session from several threads.
 */
struct shim_rsa;
int shim_rsa_new(const struct accel_rsa_key *key, bool protect, struct shim_rsa **out,
		 uint32_t *n_bits);
void shim_rsa_free(struct shim_rsa *rsa);
bool shim_rsa_has_crt(const struct shim_rsa *rsa);
int shim_rsa_op(struct shim_rsa *rsa, bool priv, const uint8_t *src, uint8_t *dst,
		uint32_t n_len);
/* Host half of a device's private-key operation (accel_rsa_host): see crypto_libcrypto.c. */
int shim_rsa_blind(struct shim_rsa *rsa, const uint8_t *src, uint8_t *dst, uint32_t n_len);
int shim_rsa_unblind(struct shim_rsa *rsa, const uint8_t *src, uint8_t *dst, uint32_t n_len);

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
	pid_t pid;			/* owner; another pid means a forked child */
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

/* ---- shim.c helpers shared by the backends ---- */
uint64_t shim_now_ns(void);
void shim_busy_wait_ns(uint64_t ns);
int shim_validate(const struct accel_caps *caps, const struct accel_desc *d,
		  const struct shim_sess *s);
struct shim_sess *shim_sess_lookup_locked(struct accel_queue *q, uint64_t handle);
void shim_post(struct accel_queue *q, uint64_t user_tag, int status, uint32_t out_len,
	       uint32_t detail);
int shim_execute(const struct accel_desc *d, const struct shim_sess *s, uint32_t *out_len);
void shim_copy_reason(char *dst, size_t len, const char *src);

/* ---- backends ---- */
int shim_emu_open(struct accel_dev *dev);
void shim_emu_close(struct accel_dev *dev);
void shim_emu_doorbell(struct accel_dev *dev, struct accel_queue *q, uint32_t n);
void shim_emu_queue_quiesce(struct accel_dev *dev, struct accel_queue *q, uint32_t drain_ms);
int shim_emu_inject(struct accel_dev *dev, uint32_t fault, uint64_t count, uint64_t param);
int shim_emu_set_profile(struct accel_dev *dev, uint32_t profile);
void shim_emu_caps(struct accel_caps *caps, const struct accel_dev_config *cfg);

void shim_cpu_caps(struct accel_caps *caps);
int shim_cpu_run(const struct accel_desc *d, const struct shim_sess *s, uint32_t *out_len);

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

/* ---- uadk backend (backend_uadk.c) ---- */
struct shim_uadk_sess;
struct shim_uadk_queue;
struct shim_uadk_dev;
int shim_uadk_probe(char *reason, uint32_t reason_len);
int shim_uadk_open(struct accel_dev *dev);
void shim_uadk_close(struct accel_dev *dev);
int shim_uadk_queue_init(struct accel_queue *q);
void shim_uadk_queue_fini(struct accel_queue *q, uint32_t drain_ms);
int shim_uadk_sess_init(struct accel_queue *q, struct shim_sess *s, const void *key);
void shim_uadk_sess_fini(struct shim_sess *s);
/* Submits descs[0..n) (room already reserved); *taken = prefix accepted. */
int shim_uadk_submit(struct accel_queue *q, const struct accel_desc *descs, uint32_t n,
		     uint32_t *taken);
/* Polls the queue's wd ctxs (reaper only); checks for removal. */
void shim_uadk_poll(struct accel_queue *q);
int shim_uadk_health(struct accel_dev *dev, struct accel_health *h);

void shim_buf_dev_close(struct accel_dev *dev);
uint32_t shim_buf_check(struct accel_dev *dev);

#endif /* ACCEL_INTERNAL_H */

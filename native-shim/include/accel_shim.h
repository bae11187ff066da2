/* SPDX-License-Identifier: Apache-2.0 */
/*
 * accel_shim.h - the device-queue ABI between Accel's Java side and its
 * native backends.
 *
 * This header is the single source of truth for struct layouts, opcodes,
 * status codes and entry points. The Java layouts in
 * provider/src/main/java/dev/accel/ffm/Layouts.java MUST MATCH it; the Java
 * side checks accel_abi_version() and accel_abi_sizeof() at start-up and
 * refuses a library whose layouts differ.
 *
 * Model (after UACCE/UADK and liburing):
 *   device  - one backend instance (emu, cpu, uadk) with capabilities and health
 *   queue   - a bounded submission ring and completion ring; usable depth is
 *             depth - 1 (a full ring is tail - head == depth - 1, as on the
 *             HiSilicon QM); exactly one thread reaps a queue
 *   session - key material bound to a queue (AES key, RSA key)
 *   desc    - one request; a completion (cqe) echoes only its user_tag
 *
 * Rules every entry point follows:
 *   - returns ACCEL_OK (0) or a negative ACCEL_E* code; never aborts;
 *   - accel_submit never blocks and never drops: it accepts a prefix of the
 *     array and reports how many it took, returning ACCEL_EAGAIN if not all;
 *   - the device reads src/aad/iv and writes dst/tag AFTER accel_submit
 *     returns (asynchronous backends): those buffers must stay valid and
 *     unmoved until the request's completion is reaped. Use accel_buf_alloc
 *     memory (or other native memory you own), never a Java heap array;
 *   - the caller (Java) validates arguments before every call; the shim still
 *     re-checks cheaply and answers ACCEL_EINVAL rather than crash.
 */
#ifndef ACCEL_SHIM_H
#define ACCEL_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ACCEL_API __attribute__((visibility("default")))

/* Bumped on any incompatible change to a struct, opcode or entry point. 3: every entry point
 * below is required on every platform (the Java side no longer probes for optional ones). */
#define ACCEL_ABI_VERSION 4u

/* ---- status codes (negative errno-style; MUST MATCH ffm/NativeStatus.java) ---- */
enum accel_status {
	ACCEL_OK = 0,
	ACCEL_EIO = -5,          /* per-request device error; cqe.detail has the raw code */
	ACCEL_EAGAIN = -11,      /* ring full / device busy / resetting: retry or go elsewhere */
	ACCEL_ENOMEM = -12,
	ACCEL_EBUSY = -16,       /* no free hardware queue (queue budget exhausted) */
	ACCEL_ENODEV = -19,      /* device removed, isolated, or handle used after fork */
	ACCEL_EINVAL = -22,      /* bad argument or outside device limits */
	ACCEL_EBADMSG = -74,     /* AES-GCM tag mismatch (no plaintext released) */
	ACCEL_ENOTSUP = -95,     /* opcode / size not supported by this device */
	ACCEL_EALREADY = -114,   /* a second thread tried to reap/wait on a queue */
	ACCEL_ETIMEDOUT = -110,  /* accel_wait timed out */
	ACCEL_ECANCELED = -125,  /* request cancelled (device reset, queue destroyed) */
	ACCEL_EQUEUE = -1000,    /* queue-level hardware error: the queue is dead */
};

/* ---- backends ---- */
enum accel_backend {
	ACCEL_BACKEND_EMU = 1,   /* emulated accelerator: engine threads, profiles, faults */
	ACCEL_BACKEND_CPU = 2,   /* run-to-completion on the submitting thread (libcrypto) */
	ACCEL_BACKEND_UADK = 3,  /* HiSilicon SEC2/HPRE through UADK (libwd, libwd_crypto) */
};

/* ---- opcodes (MUST MATCH ffm/Opcode.java) ---- */
enum accel_op {
	ACCEL_OP_GCM_SEAL = 1,    /* src -> dst (same length), tag written to desc.tag */
	ACCEL_OP_GCM_OPEN = 2,    /* src -> dst; desc.tag read; EBADMSG on mismatch, dst then zeroed */
	ACCEL_OP_SHA224 = 3,      /* one-shot digest of src into dst (28 bytes) */
	ACCEL_OP_SHA256 = 4,      /* 32 bytes */
	ACCEL_OP_SHA384 = 5,      /* 48 bytes */
	ACCEL_OP_SHA512 = 6,      /* 64 bytes */
	ACCEL_OP_RSA_PRIV_CRT = 7,/* dst = src^d mod n via CRT (raw; no padding), dst_len = n_len */
	ACCEL_OP_RSA_PUB = 8,     /* dst = src^e mod n (raw), dst_len = n_len */
	ACCEL_OP_MAX = 8,
};
#define ACCEL_OP_BIT(op) (1u << (op))

/* ---- session families ---- */
enum accel_family {
	ACCEL_FAMILY_AEAD = 1,    /* key = raw AES key, key_len 16/24/32 */
	ACCEL_FAMILY_RSA = 2,     /* key = struct accel_rsa_key, key_len = sizeof(struct accel_rsa_key) */
};

/* ---- emulator profiles (see shared/design/DEVICE-MODEL.md) ---- */
enum accel_profile {
	ACCEL_PROFILE_FAST = 0,     /* no added latency: tests and conformance */
	ACCEL_PROFILE_SEC_920 = 1,  /* SEC2-like: ~10 us base, ~2.5 GB/s per queue */
	ACCEL_PROFILE_HPRE_920 = 2, /* HPRE-like: RSA-2048 CRT ~80 us per op per engine, 8 engines */
};

/* ---- emulator faults: one per row of DEVICE-MODEL.md's fidelity table ---- */
enum accel_fault {
	ACCEL_FAULT_CLEAR = 0,        /* clear every armed fault; undo removal/isolation */
	ACCEL_FAULT_REQ_ERROR = 1,    /* next `count` requests complete with EIO, detail = param */
	ACCEL_FAULT_QUEUE_ERROR = 2,  /* every open queue's status word flips: submit/reap -> EQUEUE,
	                                 in-flight requests never complete */
	ACCEL_FAULT_LOST_COMPLETION = 3, /* next `count` completions are dropped */
	ACCEL_FAULT_RESET = 4,        /* transient reset for `param` ms: submit -> EAGAIN,
	                                 in-flight -> ECANCELED, then back */
	ACCEL_FAULT_REMOVE = 5,       /* device removed: every call -> ENODEV, opens fail */
	ACCEL_FAULT_ISOLATE = 6,      /* device isolated: every call -> ENODEV, opens fail */
	ACCEL_FAULT_QUEUE_BUDGET = 7, /* at most `param` queues may be open (EBUSY beyond) */
	ACCEL_FAULT_CORRUPT = 8,      /* next `count` results get one bit flipped (RSA: Bellcore
	                                 fault model; GCM seal: tag bit) */
	ACCEL_FAULT_FORK = 9,         /* handles behave as if used from a forked child: ENODEV */
	ACCEL_FAULT_DELAY = 10,       /* add `param` microseconds to each of the next `count`
	                                 requests (stall model) */
	ACCEL_FAULT_MAX = 10,
};

/* ---- health states ---- */
enum accel_health_state {
	ACCEL_HEALTH_OK = 0,
	ACCEL_HEALTH_RESETTING = 1,
	ACCEL_HEALTH_QUEUE_ERROR = 2, /* at least one queue is dead; new queues work */
	ACCEL_HEALTH_ISOLATED = 3,
	ACCEL_HEALTH_REMOVED = 4,
	ACCEL_HEALTH_FORKED = 5,
	ACCEL_HEALTH_UNAVAILABLE = 6,
};

/* Indices for accel_abi_sizeof(). */
enum accel_struct_id {
	ACCEL_STRUCT_DESC = 1,
	ACCEL_STRUCT_CQE = 2,
	ACCEL_STRUCT_CAPS = 3,
	ACCEL_STRUCT_HEALTH = 4,
	ACCEL_STRUCT_DEV_CONFIG = 5,
	ACCEL_STRUCT_RSA_KEY = 6,
	ACCEL_STRUCT_BN = 7,
};

/* Big-endian unsigned integer (RSA key parts). */
struct accel_bn {
	const uint8_t *data;
	uint32_t len;
	uint32_t reserved;
}; /* 16 bytes */

/*
 * RSA key for ACCEL_FAMILY_RSA sessions. Public ops use n and e; CRT private
 * ops use p, q, dp, dq, qinv (RFC 8017 section 3.2, second representation,
 * two primes only) and n. A public-only session leaves p..qinv zero-length.
 * The shim copies every part; the caller may wipe its copy after
 * accel_session_create returns.
 */
struct accel_rsa_key {
	uint32_t n_bits;       /* modulus size in bits */
	uint32_t flags;        /* ACCEL_RSA_KEY_* */
	struct accel_bn n, e, p, q, dp, dq, qinv;
}; /* 120 bytes */
#define ACCEL_RSA_KEY_HAS_CRT 1u

/*
 * Device configuration for accel_dev_open. Zero means "default" for each
 * field, so a zeroed struct is valid.
 */
struct accel_dev_config {
	uint32_t profile;      /* enum accel_profile (emu only) */
	uint32_t engines;      /* engine threads (emu only); 0 = profile default */
	int32_t numa_node;     /* -1 = any */
	uint32_t max_queues;   /* queue budget; 0 = backend default */
	uint32_t flags;        /* ACCEL_DEV_* */
	uint32_t reserved;
}; /* 24 bytes */
#define ACCEL_DEV_POISON_FREED 1u /* accel_buf_free poisons and quarantines (debug) */

/* Capabilities: what a device accepts; the router sends anything else to software. */
struct accel_caps {
	uint32_t backend;          /* enum accel_backend */
	uint32_t ops_mask;         /* ACCEL_OP_BIT(op) for each supported opcode */
	uint32_t aes_key_mask;     /* bit0: 16 bytes, bit1: 24, bit2: 32 */
	uint32_t gcm_iv_min;       /* bytes */
	uint32_t gcm_iv_max;       /* bytes */
	uint32_t gcm_tag_min;      /* bytes, seal */
	uint32_t gcm_tag_max;      /* bytes */
	uint32_t gcm_open_tag_min; /* bytes, open (SEC2: 16 in practice) */
	uint64_t gcm_aad_max;      /* bytes */
	uint64_t gcm_data_max;     /* bytes, payload + AAD */
	uint32_t gcm_flags;        /* ACCEL_GCM_* */
	uint32_t rsa_bits_mask;    /* bit0: 1024, bit1: 2048, bit2: 3072, bit3: 4096 */
	uint32_t rsa_min_bits;     /* if ACCEL_RSA_ANY_SIZE: any multiple of 8 in [min,max] */
	uint32_t rsa_max_bits;
	uint32_t rsa_flags;        /* ACCEL_RSA_* */
	uint32_t queue_depth_max;  /* ring entries (usable = depth - 1) */
	uint32_t queues_max;       /* queue budget */
	uint32_t engines;          /* parallel engines */
	uint64_t digest_data_max;  /* bytes per one-shot digest */
	uint32_t profile;          /* enum accel_profile (emu), else 0 */
	uint32_t reserved;
	char name[32];             /* "emu0", "cpu0", "hisi_sec2-0" */
	char driver[64];           /* what computes: "libcrypto 3.0.19 (EVP)", ... */
}; /* 192 bytes */
#define ACCEL_GCM_EMPTY_OK 1u      /* zero-length payload accepted */
#define ACCEL_RSA_ANY_SIZE 1u      /* any modulus size in [rsa_min_bits, rsa_max_bits] */
#define ACCEL_RSA_BLINDS_AND_VERIFIES 2u /* engine blinds private inputs and checks CRT results itself (cpu) */

struct accel_health {
	int32_t state;             /* enum accel_health_state */
	uint32_t queues_open;
	uint64_t submitted;        /* requests accepted by submit */
	uint64_t completed;        /* completions delivered by reap */
	uint64_t errors;           /* completions with status != OK and != EBADMSG */
	uint64_t faults_injected;  /* emu only */
	char reason[96];           /* human-readable; empty when OK */
}; /* 136 bytes */

/* One request. 96 bytes. */
struct accel_desc {
	uint64_t user_tag;         /* echoed in the completion */
	uint64_t session;          /* from accel_session_create; 0 for digests */
	uint32_t op;               /* enum accel_op */
	uint32_t flags;            /* reserved, 0 */
	const uint8_t *src;
	uint64_t src_len;
	uint8_t *dst;
	uint64_t dst_len;          /* capacity of dst */
	const uint8_t *aad;
	uint64_t aad_len;
	const uint8_t *iv;
	uint32_t iv_len;
	uint32_t tag_len;          /* GCM tag bytes, 12..16 (device caps may narrow) */
	uint8_t *tag;              /* seal: written; open: read */
};

/* One completion. 24 bytes. */
struct accel_cqe {
	uint64_t user_tag;
	int32_t status;            /* enum accel_status */
	uint32_t out_len;          /* bytes written to dst */
	uint32_t detail;           /* raw device code (EIO), 0 otherwise */
	uint32_t reserved;
};

typedef struct accel_dev accel_dev;
typedef struct accel_queue accel_queue;

/* ---- ABI ---- */
ACCEL_API uint32_t accel_abi_version(void);
ACCEL_API uint32_t accel_abi_sizeof(uint32_t struct_id); /* 0 for an unknown id */

/*
 * Is this backend usable in this process? Returns OK, or ENODEV/ENOTSUP with
 * a human-readable reason ("libcrypto.so.3 not found", "no /sys/class/uacce
 * devices") copied NUL-terminated into reason[0..reason_len).
 */
ACCEL_API int accel_backend_probe(uint32_t backend, char *reason, uint32_t reason_len);

/*
 * Which kernel computes each operation on the cpu engine (and the emulated
 * device, which computes with the same code) and why: NUL-terminated text,
 * one line per operation, cut to len bytes. ENODEV (with the reason) when
 * libcrypto cannot be loaded.
 */
ACCEL_API int accel_kernels(char *buf, uint32_t len);

/* ---- devices ---- */
ACCEL_API int accel_dev_open(uint32_t backend, const struct accel_dev_config *cfg, accel_dev **out);
ACCEL_API int accel_dev_caps(accel_dev *dev, struct accel_caps *caps);
ACCEL_API int accel_dev_health(accel_dev *dev, struct accel_health *health);
/*
 * Closes the device; every queue must have been destroyed first, and no
 * other device-level call (caps, health, queue create, buffers, emulator
 * control) may be inside on another thread: EBUSY otherwise. After it, the
 * handle is refused (EINVAL) without being dereferenced, by every
 * device-level call.
 */
ACCEL_API int accel_dev_close(accel_dev *dev);

/* ---- queues ---- */
/* depth: ring entries, power of two in [2, caps.queue_depth_max]. EBUSY past the budget. */
ACCEL_API int accel_queue_create(accel_dev *dev, uint32_t depth, accel_queue **out);
/*
 * Waits up to drain_ms for in-flight requests, cancels the rest (their
 * buffers are no longer touched once this returns), frees the queue and its
 * sessions' key material (wiped).
 */
ACCEL_API int accel_queue_destroy(accel_queue *q, uint32_t drain_ms);
/* Requests accepted but not yet reaped. */
ACCEL_API uint32_t accel_queue_inflight(accel_queue *q);
/* An eventfd readable when completions are pending (for selector integration); -1 if none. */
ACCEL_API int accel_queue_eventfd(accel_queue *q);

/* ---- sessions ---- */
ACCEL_API int accel_session_create(accel_queue *q, uint32_t family, const void *key,
				   uint32_t key_len, uint64_t *session);
/* The session must have no request in flight. Key material is wiped. */
ACCEL_API int accel_session_destroy(accel_queue *q, uint64_t session);

/* ---- data path ---- */
/*
 * Submits descs[0..n). On return *accepted holds how many were taken (a
 * prefix). Returns OK if all were taken, EAGAIN if the ring filled (or the
 * device is resetting) first, EQUEUE/ENODEV if the queue or device is dead
 * (then *accepted = 0). One call rings the doorbell once.
 */
ACCEL_API int accel_submit(accel_queue *q, const struct accel_desc *descs, uint32_t n,
			   uint32_t *accepted);
/* Copies up to max completions into cqes; *got = count. Never blocks. */
ACCEL_API int accel_reap(accel_queue *q, struct accel_cqe *cqes, uint32_t max, uint32_t *got);
/*
 * Blocks until at least one completion is pending or timeout_ms passes
 * (ETIMEDOUT). Call only from a platform thread: the reaper. EALREADY if
 * another thread is already waiting on this queue. emu/cpu: one other thread
 * may accel_reap meanwhile (reaps themselves stay one at a time); uadk:
 * waiting polls the hardware, so accel_reap is EALREADY while one waits.
 */
ACCEL_API int accel_wait(accel_queue *q, uint32_t timeout_ms);
/*
 * accel_wait that sleeps until min_nr completions are pending (io_uring's
 * min_complete): ACCEL_OK once the CQ holds min_nr (0 counts as 1), or at
 * timeout_ms with at least one; ETIMEDOUT with none. For a reaper that knows
 * no caller can be satisfied by fewer (a batch waiting for all of its
 * requests; UINT32_MAX: nothing is in flight, sleep until accel_wait_limit).
 * accel_wait_limit caps that count at nr (0 counts as 1) until the current
 * (or, if none is in progress, the next) wait returns; caps only lower it.
 * Call it after queueing requests whose caller can be satisfied by nr
 * completions (1 for a request awaited alone). Never blocks; EINVAL on a bad
 * handle.
 */
ACCEL_API int accel_wait_n(accel_queue *q, uint32_t min_nr, uint32_t timeout_ms);
ACCEL_API int accel_wait_limit(accel_queue *q, uint32_t nr);

/* ---- device-visible buffers ---- */
/* Pre-faulted, 64-byte aligned. NULL on failure. */
ACCEL_API void *accel_buf_alloc(accel_dev *dev, uint64_t len);
ACCEL_API void accel_buf_free(accel_dev *dev, void *buf, uint64_t len);

/* ---- emulator control (ENOTSUP on other backends) ---- */
ACCEL_API int accel_emu_set_profile(accel_dev *dev, uint32_t profile);
ACCEL_API int accel_emu_inject(accel_dev *dev, uint32_t fault, uint64_t count, uint64_t param);


/* ---- UACCE discovery (required since ABI 3) ---- */
/*
 * Lists the UACCE devices under /sys/class/uacce (root overridable with the
 * environment variable ACCEL_UACCE_SYSFS_ROOT; device nodes are looked up in
 * /dev, overridable with ACCEL_UACCE_DEV_ROOT), one line per device, sorted
 * by name, NUL-terminated:
 *
 *   name \t driver \t api \t flags \t algorithms \t available_instances \t
 *   isolate \t numa_node \t usable \t reason \n
 *
 * algorithms is the sysfs newline list joined with ','; a missing attribute
 * is "-" (numbers: -1); usable is 1 or 0; reason is empty when usable, else
 * why not ("no SVA (flags bit 0 clear): ...", "isolated ...", "no free
 * queues ...", "no permission on /dev/...", "no device node /dev/...",
 * "driver ... is not used by Accel", ...). Devices of other drivers
 * (hisi_zip, ...) are listed too, unusable.
 *
 * Returns the number of devices listed (>= 0), or ACCEL_ENOMEM when buf is
 * too small (buf then holds the complete lines that fit), ACCEL_EINVAL for
 * a NULL buf with len > 0. len 0 / NULL buf just counts.
 */
ACCEL_API int accel_uacce_list(char *buf, uint32_t len);

/* ---- synchronous fast path, cpu backend (required since ABI 3) ---- */
/*
 * Validates and computes one request on the calling thread and returns its
 * status (the cqe status accel_submit + accel_reap would give: OK, EBADMSG,
 * EINVAL, ...); *out_len = bytes written to dst. No ring, no completion, no
 * queue lock: requests of several threads on one queue run in parallel.
 * desc.user_tag is ignored. The buffers are read and written only during the
 * call (so Java may pass heap arrays through a critical downcall). Sessions
 * come from accel_session_create on the same queue. ENOTSUP on backends
 * other than cpu, ENODEV/EINVAL as for accel_submit.
 */
ACCEL_API int accel_execute(accel_queue *q, const struct accel_desc *desc, uint32_t *out_len);
/*
 * The same with every buffer as its own argument (so that Java can pass heap
 * arrays through a critical downcall, which cannot reach pointers inside a
 * struct), each as base + byte offset: Java passes the whole array (a
 * segment it can keep per array) and the offset, so a call allocates no
 * slice. GCM: op is ACCEL_OP_GCM_SEAL or _OPEN, dst has len bytes, tag
 * tag_len bytes (written by seal, read by open); an open that fails
 * (EBADMSG) leaves dst zeroed. Digest: op is ACCEL_OP_SHA224.._SHA512, dst
 * has dst_len >= the digest length bytes.
 */
ACCEL_API int accel_execute_gcm(accel_queue *q, uint64_t session, uint32_t op,
				const uint8_t *iv, uint64_t iv_off, uint32_t iv_len,
				const uint8_t *aad, uint64_t aad_off, uint64_t aad_len,
				const uint8_t *src, uint64_t src_off, uint64_t len,
				uint8_t *dst, uint64_t dst_off,
				uint8_t *tag, uint64_t tag_off, uint32_t tag_len);
/*
 * Keyed AES-GCM on the calling thread with no device, queue or session (ABI
 * 4): the cpu device's per-record path, which therefore takes no lock and
 * touches no shared counter. The caller owns the context's memory:
 * accel_gcm_key_bytes() bytes, 64-byte aligned. accel_gcm_key_init copies the
 * key (16, 24 or 32 bytes) and precomputes what the kernel needs (ipsec-mb
 * round and hash keys); ENOTSUP without libcrypto. accel_gcm_key_run takes
 * the buffers as accel_execute_gcm does and checks the host kernels' limits
 * (IV 1..128 bytes, tag 12..16, AAD and data each < 2^31); EINVAL for a
 * context that init did not build (a zeroed one included). The caller wipes
 * the context (the key is in it) and must not wipe or free it during a call.
 */
ACCEL_API uint32_t accel_gcm_key_bytes(void);
ACCEL_API int accel_gcm_key_init(void *ctx, uint64_t ctx_len, const uint8_t *key, uint32_t key_len);
ACCEL_API int accel_gcm_key_run(const void *ctx, uint64_t ctx_len, uint32_t op,
				const uint8_t *iv, uint64_t iv_off, uint32_t iv_len,
				const uint8_t *aad, uint64_t aad_off, uint64_t aad_len,
				const uint8_t *src, uint64_t src_off, uint64_t len,
				uint8_t *dst, uint64_t dst_off,
				uint8_t *tag, uint64_t tag_off, uint32_t tag_len);
ACCEL_API int accel_execute_digest(accel_queue *q, uint32_t op,
				   const uint8_t *src, uint64_t src_off, uint64_t len,
				   uint8_t *dst, uint64_t dst_off, uint32_t dst_len);
/*
 * RSA (ACCEL_OP_RSA_PRIV_CRT or _PUB) on the session's key: src has exactly
 * n_len bytes (big-endian, < n), dst has room for n_len; what accel_execute
 * checks, it checks. The cpu engine blinds and verifies private operations
 * itself (ACCEL_RSA_BLINDS_AND_VERIFIES).
 */
ACCEL_API int accel_execute_rsa(accel_queue *q, uint64_t session, uint32_t op,
				const uint8_t *src, uint64_t src_off, uint64_t src_len,
				uint8_t *dst, uint64_t dst_off, uint64_t dst_len);

/*
 * Host arithmetic around a private-key operation that another device computes
 * without blinding or checking it (emu, uadk), cpu backend only (required
 * since ABI 3). The session is an RSA session of this queue (n and e; CRT
 * parts unused); buffers as for accel_execute_rsa, n_len = bytes of n.
 *   ACCEL_RSA_HOST_BLIND: src = c (n_len bytes, < n); dst (>= 2 n_len) =
 *     c' = c r^e mod n, then n_len opaque bytes that unblind the device's
 *     result for c' (a secret: wipe them after use). Each call draws a new r
 *     (the session's squaring chain, fresh randomness every 32 uses).
 *   ACCEL_RSA_HOST_UNBLIND: src (3 n_len) = s' || c' || those opaque bytes,
 *     where s' is the device's c'^d mod n; dst (>= n_len) = c^d mod n, written
 *     only if s'^e mod n == c' (RFC 8017 RSAVP1: the CRT fault check).
 * Returns OK; EIO when the check fails (s' faulty: never release it); EINVAL
 * on bad arguments (c >= n, c' or the opaque part >= n, lengths, unknown op
 * or session); ENOTSUP on backends other than cpu. Nothing is written to dst
 * on failure.
 */
#define ACCEL_RSA_HOST_BLIND 1u
#define ACCEL_RSA_HOST_UNBLIND 2u
ACCEL_API int accel_rsa_host(accel_queue *q, uint64_t session, uint32_t op,
			     const uint8_t *src, uint64_t src_off, uint64_t src_len,
			     uint8_t *dst, uint64_t dst_off, uint64_t dst_len);

/*
 * Batch digest, cpu backend (required since ABI 3): n messages
 * (0 <= n <= ACCEL_DIGEST_BATCH_MAX) concatenated from data + data_off,
 * message i being lens[i] bytes long (the n native-endian uint32 at byte
 * offset lens_off from lens, e.g. a Java int[]; any alignment) and starting
 * where message i-1 ends; each lens[i] <= caps.digest_data_max. The n
 * digests of op (ACCEL_OP_SHA224.._SHA512) are written back to back from
 * out + out_off; out_len >= n * the digest length. out must not overlap the
 * messages. data may be NULL when every length is 0. Everything is checked
 * before any message is hashed (EINVAL; nothing written). The buffers are
 * touched only during the call, on the caller's thread. ENOTSUP on backends
 * other than cpu, ENODEV/EINVAL for the queue as for accel_execute; EIO if
 * libcrypto fails (digests then unspecified). Throughput: messages of
 * similar length batch best (SHA-2 multi-buffer lanes, src/sha_mb.c).
 */
#define ACCEL_DIGEST_BATCH_MAX 4096u
ACCEL_API int accel_execute_digest_batch(accel_queue *q, uint32_t op,
					 const uint8_t *data, uint64_t data_off,
					 const uint32_t *lens, uint64_t lens_off, uint32_t n,
					 uint8_t *out, uint64_t out_off, uint64_t out_len);

#ifdef __cplusplus
}
#endif
#endif /* ACCEL_SHIM_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * uadk_abi.h - the subset of UADK's public API (Linaro uadk: include/wd.h,
 * wd_alg_common.h, wd_aead.h, wd_cipher.h, wd_digest.h, wd_rsa.h; the 2.x
 * "v2" API) that backend_uadk.c binds with dlopen/dlsym, written out here so
 * the shim builds without UADK's headers. The test double
 * (tests/uadk_double/) implements exactly these declarations.
 *
 * Layouts mirror the UADK 2.x headers. Every struct the shim hands to UADK
 * by pointer is embedded in a zeroed UADK_PAD-byte union, so a newer UADK
 * that appended fields (e.g. mm_ops/mm_type in the session setups) reads
 * zeros (its defaults), never past our object.
 */
#ifndef ACCEL_UADK_ABI_H
#define ACCEL_UADK_ABI_H

#include <stdbool.h>
#include <stdint.h>

#define UADK_PAD 256

typedef uintptr_t wd_handle_t;	/* wd.h: #define handle_t uintptr_t */

/* wd.h error codes (positive; APIs return them negated) */
#define WD_SUCCESS 0
#define WD_HW_EACCESS 62	/* hardware access denied, e.g. resetting / queue error */
#define WD_VERIFY_ERR 64
#define WD_OUT_EPARA 66
#define WD_IN_EPARA 67	/* SEC2 also reports a GCM ICV (tag) mismatch with this */
#define WD_ENOPROC 68

enum { WD_FLAT_BUF = 0, WD_SGL_BUF = 1 };	/* enum wd_buff_type */
enum { CTX_MODE_SYNC = 0, CTX_MODE_ASYNC = 1 };	/* enum wd_ctx_mode */

struct wd_dtb {
	char *data;
	uint32_t dsize;
	uint32_t bsize;
};

/* wd.h struct uacce_dev: leading members only (stable since UADK 2.0). */
#define UADK_WD_NAME_SIZE 64
#define UADK_MAX_ATTR_STR_SIZE 384
#define UADK_PATH_STR_SIZE 256
#define UADK_MAX_DEV_NAME_LEN 256
struct uacce_dev {
	int flags;
	int numa_id;
	char api[UADK_WD_NAME_SIZE];
	char algs[UADK_MAX_ATTR_STR_SIZE];
	char dev_root[UADK_PATH_STR_SIZE];
	char char_dev_path[UADK_MAX_DEV_NAME_LEN];
	/* unsigned long qfrs_offs[UACCE_QFRT_MAX]; ... (not used) */
};

/* wd_alg_common.h */
struct wd_ctx {
	wd_handle_t ctx;
	uint8_t op_type;
	uint8_t ctx_mode;
};

struct wd_ctx_config {
	uint32_t ctx_num;
	struct wd_ctx *ctxs;
	void *priv;
};

struct wd_sched {
	const char *name;
	int sched_policy;
	wd_handle_t (*sched_init)(wd_handle_t h_sched_ctx, void *sched_param);
	uint32_t (*pick_next_ctx)(wd_handle_t h_sched_ctx, void *sched_key, const int sched_mode);
	int (*poll_policy)(wd_handle_t h_sched_ctx, uint32_t expect, uint32_t *count);
	wd_handle_t h_sched_ctx;
};

/* wd_cipher.h / wd_digest.h enums */
enum { WD_CIPHER_SM4 = 0, WD_CIPHER_AES = 1 };
enum { WD_CIPHER_GCM = 10 };
enum { WD_CIPHER_ENCRYPTION_DIGEST = 0, WD_CIPHER_DECRYPTION_DIGEST = 1 };	/* aead op */
enum {
	WD_DIGEST_SHA256 = 3,
	WD_DIGEST_SHA224 = 4,
	WD_DIGEST_SHA384 = 5,
	WD_DIGEST_SHA512 = 6,
};
enum { WD_DIGEST_NORMAL = 0 };
enum { WD_DIGEST_END = 0 };	/* has_next: final (one-shot) block */
enum { AEAD_MSG_BLOCK = 0 };
enum { WD_RSA_SIGN = 1, WD_RSA_VERIFY = 2 };

/* wd_aead.h */
struct wd_aead_sess_setup {
	int calg;	/* enum wd_cipher_alg */
	int cmode;	/* enum wd_cipher_mode */
	int dalg;	/* enum wd_digest_type (unused for GCM) */
	int dmode;	/* enum wd_digest_mode */
	void *sched_param;
	/* newer UADK: struct wd_mm_ops mm_ops; enum wd_mem_type mm_type; (zero = default) */
};

struct wd_aead_req;
typedef void *wd_alg_aead_cb_t(struct wd_aead_req *req, void *cb_param);

struct wd_aead_req {
	int op_type;
	void *src;
	void *dst;
	void *mac;
	void *iv;
	uint32_t in_bytes;
	uint32_t out_bytes;
	uint16_t iv_bytes;
	uint16_t mac_bytes;
	uint16_t assoc_bytes;
	uint16_t state;
	uint8_t data_fmt;
	wd_alg_aead_cb_t *cb;
	void *cb_param;
	int msg_state;	/* enum wd_aead_msg_state */
};

/* wd_digest.h */
struct wd_digest_sess_setup {
	int alg;
	int mode;
	void *sched_param;
	/* newer UADK: mm_ops, mm_type */
};

typedef void *wd_digest_cb_t(void *cb_param);

struct wd_digest_req {
	void *in;
	void *out;
	uint32_t in_bytes;
	uint32_t out_bytes;
	uint32_t out_buf_bytes;
	uint8_t *iv;
	uint32_t iv_bytes;
	uint16_t state;
	uint16_t has_next;
	uint8_t data_fmt;
	wd_digest_cb_t *cb;
	void *cb_param;
	uint64_t long_data_len;
};

/* wd_rsa.h */
typedef void (*wd_rsa_cb_t)(void *cb_param);

struct wd_rsa_sess_setup {
	uint16_t key_bits;
	bool is_crt;
	void *sched_param;
};

struct wd_rsa_req {
	void *src;
	void *dst;
	uint32_t src_bytes;
	uint32_t dst_bytes;
	wd_rsa_cb_t cb;
	void *cb_param;
	int status;
	uint8_t data_fmt;
	uint8_t op_type;
};

/* Every entry point the shim binds: X(return type, name, parameters). */
#define UADK_WD_FUNCS(X)                                                                          \
	X(struct uacce_dev *, wd_get_accel_dev, (const char *alg_name))                           \
	X(wd_handle_t, wd_request_ctx, (struct uacce_dev *dev))                                   \
	X(void, wd_release_ctx, (wd_handle_t h_ctx))

#define UADK_CRYPTO_FUNCS(X)                                                                      \
	X(int, wd_aead_init, (struct wd_ctx_config *config, struct wd_sched *sched))              \
	X(void, wd_aead_uninit, (void))                                                           \
	X(wd_handle_t, wd_aead_alloc_sess, (struct wd_aead_sess_setup *setup))                    \
	X(void, wd_aead_free_sess, (wd_handle_t h_sess))                                          \
	X(int, wd_aead_set_ckey, (wd_handle_t h_sess, const uint8_t *key, uint16_t key_len))      \
	X(int, wd_aead_set_authsize, (wd_handle_t h_sess, uint16_t authsize))                     \
	X(int, wd_do_aead_async, (wd_handle_t h_sess, struct wd_aead_req *req))                   \
	X(int, wd_aead_poll_ctx, (uint32_t idx, uint32_t expt, uint32_t *count))                  \
	X(int, wd_digest_init, (struct wd_ctx_config *config, struct wd_sched *sched))            \
	X(void, wd_digest_uninit, (void))                                                         \
	X(wd_handle_t, wd_digest_alloc_sess, (struct wd_digest_sess_setup *setup))                \
	X(void, wd_digest_free_sess, (wd_handle_t h_sess))                                        \
	X(int, wd_do_digest_async, (wd_handle_t h_sess, struct wd_digest_req *req))               \
	X(int, wd_digest_poll_ctx, (uint32_t idx, uint32_t expt, uint32_t *count))                \
	X(int, wd_rsa_init, (struct wd_ctx_config *config, struct wd_sched *sched))               \
	X(void, wd_rsa_uninit, (void))                                                            \
	X(wd_handle_t, wd_rsa_alloc_sess, (struct wd_rsa_sess_setup *setup))                      \
	X(void, wd_rsa_free_sess, (wd_handle_t sess))                                             \
	X(int, wd_rsa_set_pubkey_params, (wd_handle_t sess, struct wd_dtb *e, struct wd_dtb *n))  \
	X(int, wd_rsa_set_crt_prikey_params,                                                      \
	  (wd_handle_t sess, struct wd_dtb *dq, struct wd_dtb *dp, struct wd_dtb *qinv,           \
	   struct wd_dtb *q, struct wd_dtb *p))                                                   \
	X(int, wd_do_rsa_async, (wd_handle_t sess, struct wd_rsa_req *req))                       \
	X(int, wd_rsa_poll_ctx, (uint32_t idx, uint32_t expt, uint32_t *count))

#endif /* ACCEL_UADK_ABI_H */

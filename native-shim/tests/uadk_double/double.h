/* SPDX-License-Identifier: Apache-2.0 */
/*
 * double.h - TEST DOUBLE of UADK (libwd.so.2 + libwd_crypto.so.2), never
 * shipped. Built only for the shim's tests as libaccel_test_double_wd.so and
 * libaccel_test_double_wd_crypto.so; the uadk backend is pointed at them
 * with ACCEL_UADK_LIBWD / ACCEL_UADK_LIBWD_CRYPTO.
 *
 * It implements the subset of UADK's public API declared in
 * src/uadk_abi.h, computing real results with the shim's libcrypto kernels,
 * and models the behaviours the backend must handle: -EBUSY when a context
 * is full, out-of-order completion, injected send/completion/poll errors,
 * device removal (every later touch of a context is counted: the backend
 * must make none), use from a forked child (counted likewise), and "init
 * once per family per process" (a second wd_*_init fails with -EEXIST).
 *
 * Test control: accel_test_double_control() / accel_test_double_stat(),
 * exported by libaccel_test_double_wd.so (tests dlopen it by path).
 */
#ifndef ACCEL_TEST_DOUBLE_H
#define ACCEL_TEST_DOUBLE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "uadk_abi.h"

#define DBL_API __attribute__((visibility("default")))

enum dbl_cmd {
	DBL_RESET = 0,		/* clear every knob below */
	DBL_DEPTH = 1,		/* a: messages a context holds before -EBUSY (default 1024) */
	DBL_REORDER = 2,	/* a: 0 FIFO, 1 reverse (newest first), 2 interleaved */
	DBL_SEND_ERR = 3,	/* next b wd_do_*_async calls return a (negative errno) */
	DBL_RESULT_ERR = 4,	/* next b completions carry state a (e.g. 5, WD_IN_EPARA) */
	DBL_POLL_ERR = 5,	/* next b wd_*_poll_ctx calls return a (negative) */
	DBL_REMOVE = 6,		/* a=1: device gone: contexts answer -ENODEV, touches counted */
	DBL_CB_STYLE = 7,	/* a: digest/rsa callbacks get 0 = UADK's request copy, 1 = cb_param */
};

enum dbl_stat {
	DBL_STAT_TOUCH_AFTER_REMOVE = 0,
	DBL_STAT_TOUCH_OTHER_PID = 1,
	DBL_STAT_INIT_CALLS = 2,	/* every wd_*_init call (all families) */
	DBL_STAT_INIT_OK = 3,		/* successful ones */
	DBL_STAT_SENT = 4,
	DBL_STAT_COMPLETED = 5,
	DBL_STAT_CTX_OPEN = 6,
	DBL_STAT_EBUSY = 7,
	DBL_STAT_MAX = 8,
};

#define DBL_CTX_MAGIC 0x44424c43u
#define DBL_MAX_PENDING 1024

struct dbl_msg {
	int fam;			/* 0 aead, 1 digest, 2 rsa */
	wd_handle_t sess;
	union {
		struct wd_aead_req a;
		struct wd_digest_req d;
		struct wd_rsa_req r;
		uint8_t pad[UADK_PAD];
	} req;				/* UADK keeps a copy of the request, as the real one does */
};

struct dbl_ctx {
	uint32_t magic;
	int fd;				/* the opened (fake) /dev node */
	char dev[64];
	pthread_mutex_t lock;
	struct dbl_msg *pending[DBL_MAX_PENDING];
	uint32_t npending;
};

struct dbl_state {
	pthread_mutex_t lock;
	pid_t pid;			/* the process that loaded the double */
	long depth, reorder, cb_style;
	long send_err, send_err_count;
	long result_err, result_err_count;
	long poll_err, poll_err_count;
	long removed;
	long stat[DBL_STAT_MAX];
};

DBL_API struct dbl_state *accel_test_double_state(void);
DBL_API int accel_test_double_control(int cmd, long a, long b);
DBL_API long accel_test_double_stat(int which);

/* Counts and refuses a touch of a context after removal or from a forked child. */
static inline int dbl_touch(struct dbl_state *st)
{
	if (getpid() != st->pid) {
		__atomic_fetch_add(&st->stat[DBL_STAT_TOUCH_OTHER_PID], 1, __ATOMIC_RELAXED);
		return -ENODEV;
	}
	if (__atomic_load_n(&st->removed, __ATOMIC_RELAXED)) {
		__atomic_fetch_add(&st->stat[DBL_STAT_TOUCH_AFTER_REMOVE], 1, __ATOMIC_RELAXED);
		return -ENODEV;
	}
	return 0;
}

#endif /* ACCEL_TEST_DOUBLE_H */

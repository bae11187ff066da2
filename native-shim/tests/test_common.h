/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_common.h - tiny harness for the shim's C tests. Each test is one
 * program per feature; it prints "PASS name", "FAIL name: why" or
 * "SKIP name: reason" and exits 0, 1 or 77.
 */
#ifndef ACCEL_TEST_COMMON_H
#define ACCEL_TEST_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accel_shim.h"

static int t_failures;
static const char *t_name = "test";

#define T_CHECK_(ok, text, ...)                                                                   \
	do {                                                                                      \
		if (!(ok)) {                                                                      \
			t_failures++;                                                             \
			printf("FAIL %s: %s:%d: %s: ", t_name, __FILE__, __LINE__, text);         \
			printf(__VA_ARGS__);                                                      \
			printf("\n");                                                             \
			fflush(stdout);                                                           \
		}                                                                                 \
	} while (0)

#define CHECK(cond, ...) T_CHECK_(cond, #cond, __VA_ARGS__)

#define CHECK_RC(expr, want)                                                                      \
	do {                                                                                      \
		int rc_ = (expr);                                                                 \
		CHECK(rc_ == (want), "%s returned %d, want %d", #expr, rc_, (int)(want));         \
	} while (0)

/* Fatal: cannot continue this test program. */
#define REQUIRE(cond, ...)                                                                        \
	do {                                                                                      \
		int ok_ = !!(cond);                                                               \
		T_CHECK_(ok_, #cond, __VA_ARGS__);                                                    \
		if (!ok_)                                                                         \
			exit(1);                                                                  \
	} while (0)

static inline int t_done(void)
{
	if (t_failures) {
		printf("FAIL %s: %d check(s) failed\n", t_name, t_failures);
		return 1;
	}
	printf("PASS %s\n", t_name);
	return 0;
}

static inline const char *t_backend_name(uint32_t b)
{
	return b == ACCEL_BACKEND_EMU ? "emu" : b == ACCEL_BACKEND_CPU ? "cpu" : "uadk";
}

/*
 * SKIP when this (emulated) machine cannot start threads or processes: `make check-aarch64`
 * sets ACCEL_TEST_NO_THREADS when qemu-user cannot (the emu backend's engines are threads;
 * some tests fork).
 */
static inline void t_require_threads(void)
{
	const char *why = getenv("ACCEL_TEST_NO_THREADS");

	if (why && *why) {
		printf("SKIP %s: needs threads: %s\n", t_name, why);
		exit(77);
	}
}

/* SKIP only when libcrypto is genuinely absent: the shim cannot compute anything. */
static inline void t_require_backend(uint32_t backend)
{
	char reason[160];
	int rc;

	if (backend == ACCEL_BACKEND_EMU)
		t_require_threads();
	rc = accel_backend_probe(backend, reason, sizeof(reason));

	if (rc == ACCEL_ENODEV && strstr(reason, "libcrypto")) {
		printf("SKIP %s: %s\n", t_name, reason);
		exit(77);
	}
	REQUIRE(rc == ACCEL_OK, "probe(%s) = %d: %s", t_backend_name(backend), rc, reason);
}

static inline accel_dev *t_open(uint32_t backend, uint32_t profile, uint32_t engines)
{
	struct accel_dev_config cfg = { .profile = profile, .engines = engines, .numa_node = -1 };
	accel_dev *dev = NULL;

	t_require_backend(backend);
	REQUIRE(accel_dev_open(backend, &cfg, &dev) == ACCEL_OK && dev, "dev_open(%s)",
		t_backend_name(backend));
	return dev;
}

static inline accel_queue *t_queue(accel_dev *dev, uint32_t depth)
{
	accel_queue *q = NULL;
	int rc = accel_queue_create(dev, depth, &q);

	REQUIRE(rc == ACCEL_OK && q, "queue_create(depth %u) = %d", depth, rc);
	return q;
}

/* Destroys session s (0: none), then the queue, then the device, checking each answer. */
static inline void t_close_all(accel_dev *dev, accel_queue *q, uint64_t s)
{
	if (s)
		CHECK_RC(accel_session_destroy(q, s), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 0), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

static inline uint64_t t_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Reap until `want` completions arrived or timeout_ms passed; appends to
 * out[*have]. Returns the number reaped in this call.
 */
static inline uint32_t t_reap(accel_queue *q, struct accel_cqe *out, uint32_t *have,
			      uint32_t want, uint32_t timeout_ms)
{
	uint64_t end = t_now_ms() + timeout_ms;
	uint32_t start = *have;

	while (*have < want) {
		uint32_t got = 0;
		int rc = accel_reap(q, out + *have, want - *have, &got);

		if (rc != ACCEL_OK)
			break;
		*have += got;
		if (*have >= want || t_now_ms() >= end)
			break;
		if (!got) {
			rc = accel_wait(q, 50);
			if (rc != ACCEL_OK && rc != ACCEL_ETIMEDOUT)
				break;
		}
	}
	return *have - start;
}

/* Submit everything (reaping while the ring is full), then reap all. 0 on success. */
static inline int t_run(accel_queue *q, const struct accel_desc *d, uint32_t n,
			struct accel_cqe *out)
{
	uint32_t sent = 0, have = 0;
	uint64_t end = t_now_ms() + 20000;

	while (sent < n && t_now_ms() < end) {
		uint32_t acc = 0;
		int rc = accel_submit(q, d + sent, n - sent, &acc);

		if (rc != ACCEL_OK && rc != ACCEL_EAGAIN)
			return rc;
		sent += acc;
		if (sent < n)
			t_reap(q, out, &have, have + 1, 1000);
	}
	t_reap(q, out, &have, n, 20000);
	return have == n ? 0 : -1;
}

static inline int t_hex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex) / 2;

	if (n > max)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return (int)n;
}

static inline uint64_t t_aead_session(accel_queue *q, const uint8_t *key, uint32_t len)
{
	uint64_t s = 0;
	int rc = accel_session_create(q, ACCEL_FAMILY_AEAD, key, len, &s);

	REQUIRE(rc == ACCEL_OK && s, "aead session_create = %d", rc);
	return s;
}

static inline struct accel_desc t_sha256_desc(uint64_t tag, const void *src, uint64_t len,
					      uint8_t *dst)
{
	struct accel_desc d = { .user_tag = tag, .op = ACCEL_OP_SHA256, .src = src,
				.src_len = len, .dst = dst, .dst_len = 32 };
	return d;
}

static inline int t_status(const struct accel_cqe *c, uint32_t n, uint64_t tag)
{
	for (uint32_t i = 0; i < n; i++)
		if (c[i].user_tag == tag)
			return c[i].status;
	return 1;	/* not found */
}

#endif /* ACCEL_TEST_COMMON_H */

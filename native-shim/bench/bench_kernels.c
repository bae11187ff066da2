// SPDX-License-Identifier: Apache-2.0
/*
 * bench_kernels.c - C-level timing of the shim's compute kernels (not part of
 * `make check`: timings never gate tests). Build and run with
 *
 *   make bench-c                          (target/bench/bench_kernels)
 *   ACCEL_SHIM_KERNEL=evp target/bench/bench_kernels [seconds-per-point]
 *
 * Sections "shim": one request per accel_submit + accel_reap on the cpu
 * device, then per accel_execute (the synchronous fast path), for the kernel that
 * ACCEL_SHIM_KERNEL selects (see src/crypto_ipsecmb.c). Section "sha-raw":
 * libcrypto's low-level SHA256()/SHA512() one-shots against EVP_Digest
 * (the measurement behind the SHA kernel choice). Single thread; ns per
 * message and GB/s, best of 5 rounds.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel_shim.h"

static double secs = 0.3;
static volatile uint64_t sink;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void report(const char *what, uint64_t len, uint64_t ops, uint64_t ns)
{
	double per = (double)ns / (double)ops;

	printf("%-28s %8llu B  %12.1f ns/op  %7.3f GB/s\n", what, (unsigned long long)len, per,
	       (double)len / per);
}

static int use_execute;	/* 1: accel_execute (synchronous fast path) instead of submit + reap */

static int submit1(accel_queue *q, const struct accel_desc *d)
{
	struct accel_cqe c;
	uint32_t acc = 0, got = 0;

	if (use_execute)
		return accel_execute(q, d, &got);

	if (accel_submit(q, d, 1, &acc) || acc != 1 || accel_reap(q, &c, 1, &got) || got != 1)
		return -1;
	return c.status;
}

/*
 * Time `d` (repeated) for about `secs` seconds, in 5 rounds; reports the best round (on a shared
 * machine other processes only ever add time).
 */
static void time_desc(accel_queue *q, const char *what, struct accel_desc *d, uint64_t len)
{
	uint64_t batch = len >= 65536 ? 4 : len >= 4096 ? 64 : 1024, best_ops = 0, best_ns = 0;

	for (int i = 0; i < 100; i++)
		if (submit1(q, d)) {
			printf("%-28s %8llu B  failed\n", what, (unsigned long long)len);
			return;
		}
	for (int round = 0; round < 5; round++) {
		uint64_t ops = 0, t0 = now_ns(), t;

		do {
			for (uint64_t i = 0; i < batch; i++)
				submit1(q, d);
			ops += batch;
			t = now_ns();
		} while (t - t0 < (uint64_t)(secs * 1e9 / 5));
		if (!best_ops || (t - t0) * best_ops < best_ns * ops) {
			best_ops = ops;
			best_ns = t - t0;
		}
	}
	report(what, len, best_ops, best_ns);
}

static void bench_shim(void)
{
	static const uint64_t gcm_sizes[] = { 16, 64, 256, 1024, 16384, 1 << 20 };
	static const uint64_t sha_sizes[] = { 64, 1024, 16384, 1 << 20 };
	static const char *const sha_names[] = { "sha224", "sha256", "sha384", "sha512" };
	accel_dev *dev = NULL;
	accel_queue *q = NULL;
	struct accel_caps caps;
	uint8_t key[32] = { 1, 2, 3 }, iv[12] = { 9 }, tag[16], aad[16] = { 7 }, md[64];
	uint8_t *src = aligned_alloc(64, 1 << 20), *dst = aligned_alloc(64, 1 << 20);
	uint8_t *ct = aligned_alloc(64, 1 << 20);
	uint64_t sess = 0;
	char what[64];

	memset(src, 0x5a, 1 << 20);
	if (accel_dev_open(ACCEL_BACKEND_CPU, NULL, &dev) || accel_queue_create(dev, 4, &q) ||
	    accel_session_create(q, ACCEL_FAMILY_AEAD, key, 32, &sess)) {
		printf("cannot open the cpu device\n");
		exit(1);
	}
	accel_dev_caps(dev, &caps);
	printf("# %s, cpu device: %s\n", use_execute ? "accel_execute" : "accel_submit + accel_reap",
	       caps.driver);
	for (int aad_on = 0; aad_on < 2; aad_on++) {
		for (size_t i = 0; i < sizeof(gcm_sizes) / sizeof(gcm_sizes[0]); i++) {
			struct accel_desc d = { .session = sess, .op = ACCEL_OP_GCM_SEAL, .src = src,
						.src_len = gcm_sizes[i], .dst = dst,
						.dst_len = gcm_sizes[i], .aad = aad,
						.aad_len = aad_on ? 16 : 0, .iv = iv, .iv_len = 12,
						.tag_len = 16, .tag = tag };

			snprintf(what, sizeof(what), "gcm256 seal%s", aad_on ? " aad16" : "");
			time_desc(q, what, &d, gcm_sizes[i]);
			d.dst = ct;
			submit1(q, &d);	/* ct + tag: a valid message to open */
			d.op = ACCEL_OP_GCM_OPEN;
			d.src = ct;
			d.dst = dst;
			snprintf(what, sizeof(what), "gcm256 open%s", aad_on ? " aad16" : "");
			time_desc(q, what, &d, gcm_sizes[i]);
		}
	}
	for (int op = ACCEL_OP_SHA224; op <= ACCEL_OP_SHA512; op++)
		for (size_t i = 0; i < sizeof(sha_sizes) / sizeof(sha_sizes[0]); i++) {
			struct accel_desc d = { .op = (uint32_t)op, .src = src, .src_len = sha_sizes[i],
						.dst = md, .dst_len = 64 };

			time_desc(q, sha_names[op - ACCEL_OP_SHA224], &d, sha_sizes[i]);
		}
	accel_session_destroy(q, sess);
	accel_queue_destroy(q, 1000);
	accel_dev_close(dev);
	free(src);
	free(dst);
	free(ct);
}

/* ---- libcrypto SHA: low-level one-shots vs EVP_Digest ---- */
typedef unsigned char *(*sha_fn)(const unsigned char *, size_t, unsigned char *);
typedef const void *(*evp_md_fn)(void);
typedef int (*evp_digest_fn)(const void *, size_t, unsigned char *, unsigned int *, const void *,
			     void *);

static void bench_sha_raw(void)
{
	static const uint64_t sizes[] = { 64, 256, 1024, 16384, 1 << 20 };
	static const char *const names[2][2] = { { "SHA256", "EVP_sha256" }, { "SHA512", "EVP_sha512" } };
	void *h = dlopen("libcrypto.so.3", RTLD_NOW);
	uint8_t *src = aligned_alloc(64, 1 << 20), md[64];
	evp_digest_fn evp_digest;

	if (!h) {
		printf("# sha-raw: no libcrypto.so.3\n");
		return;
	}
	memset(src, 0x33, 1 << 20);
	*(void **)&evp_digest = dlsym(h, "EVP_Digest");
	printf("# sha-raw: libcrypto low-level one-shot vs EVP_Digest\n");
	for (int a = 0; a < 2; a++) {
		sha_fn low;
		evp_md_fn mdf;
		const void *mdp;

		*(void **)&low = dlsym(h, names[a][0]);
		*(void **)&mdf = dlsym(h, names[a][1]);
		mdp = mdf();
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			for (int way = 0; way < 2; way++) {
				uint64_t ops = 0, t0 = now_ns(), t;
				unsigned int l;
				char what[64];

				do {
					for (int k = 0; k < 16; k++) {
						if (way == 0)
							low(src, sizes[i], md);
						else
							evp_digest(src, sizes[i], md, &l, mdp, NULL);
					}
					ops += 16;
					sink += md[0];
					t = now_ns();
				} while (t - t0 < (uint64_t)(secs * 1e9));
				snprintf(what, sizeof(what), "%s()%s", way ? "EVP_Digest " : "",
					 way ? names[a][1] + 4 : names[a][0]);
				report(what, sizes[i], ops, t - t0);
			}
		}
	}
}

/*
 * ---- batch digests (accel_execute_digest_batch, issue 6) ----
 * 64 messages per batch: ns per message for one batch call against a loop of
 * accel_execute_digest (libcrypto per message), best of 5 rounds, in thread
 * CPU time (the machine is shared: wall time counts other processes' slices).
 * ACCEL_SHIM_SHA_MB=libcrypto times the batch call's portable path.
 */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void bench_sha_batch(void)
{
	static const uint32_t sizes[] = { 64, 256, 1024 };
	static const char *const names[] = { "sha224", "sha256", "sha384", "sha512" };
	enum { N = 64 };
	accel_dev *dev = NULL;
	accel_queue *q = NULL;
	uint8_t *src = aligned_alloc(64, N * 1024), *md = aligned_alloc(64, N * 64);
	uint32_t lens[N];
	char what[64];

	memset(src, 0x5a, N * 1024);
	if (accel_dev_open(ACCEL_BACKEND_CPU, NULL, &dev) || accel_queue_create(dev, 4, &q)) {
		printf("cannot open the cpu device\n");
		exit(1);
	}
	printf("# sha batch: %d messages per call, thread-CPU ns per message (ACCEL_SHIM_SHA_MB=%s)\n", N,
	       getenv("ACCEL_SHIM_SHA_MB") ? getenv("ACCEL_SHIM_SHA_MB") : "auto");
	for (uint32_t op = ACCEL_OP_SHA224; op <= ACCEL_OP_SHA512; op++)
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
			uint32_t len = sizes[z];

			for (int mode = 0; mode < 2; mode++) {
				uint64_t best_ops = 0, best_ns = 0;

				for (int i = 0; i < N; i++)
					lens[i] = len;
				for (int round = 0; round < 6; round++) {
					uint64_t ops = 0, t0 = cpu_ns(), t;

					do {
						int rc = 0;

						if (mode)
							rc = accel_execute_digest_batch(
								q, op, src, 0, lens, 0, N, md, 0, N * 64);
						else
							for (int i = 0; i < N && !rc; i++)
								rc = accel_execute_digest(
									q, op, src, (uint64_t)i * len, len,
									md, (uint64_t)i * 64, 64);
						if (rc) {
							printf("%s: failed %d\n", names[op - ACCEL_OP_SHA224], rc);
							exit(1);
						}
						ops += N;
						t = cpu_ns();
					} while (t - t0 < (uint64_t)(secs * 1e9 / 5));
					/* round 0 warms up */
					if (round && (!best_ops || (t - t0) * best_ops < best_ns * ops)) {
						best_ops = ops;
						best_ns = t - t0;
					}
				}
				snprintf(what, sizeof(what), "%s %s", names[op - ACCEL_OP_SHA224],
					 mode ? "batch x64" : "loop execute_digest");
				report(what, len, best_ops, best_ns);
			}
		}
	accel_queue_destroy(q, 1000);
	accel_dev_close(dev);
	free(src);
	free(md);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		secs = atof(argv[1]);
	if (getenv("BENCH_SHA_BATCH_ONLY")) {	/* issue 6's numbers alone */
		bench_sha_batch();
		return 0;
	}
	bench_shim();
	use_execute = 1;
	bench_shim();
	if (!getenv("BENCH_SKIP_RAW"))
		bench_sha_raw();
	bench_sha_batch();
	return 0;
}

// SPDX-License-Identifier: Apache-2.0
/*
 * bench_rsa.c - C-level timing of the shim's RSA kernels (not part of `make check`).
 *
 *   make bench-c && target/bench/bench_rsa [seconds-per-point]
 *
 * One accel_execute per operation on a cpu device (the synchronous fast path,
 * single thread): RSA private (CRT, with the cpu engine's blinding and CRT
 * check) and public (e = 65537) at 1024/2048/3072/4096 bits, with the fixed
 * keys of tests/rsa_keys.h. ops/s of the best of 5 rounds, timed in this
 * thread's CPU time (CLOCK_THREAD_CPUTIME_ID: on a shared 2-core machine the
 * wall clock also counts other processes' slices). With ACCEL_BENCH_EMU=1 the
 * same requests go through an emu device (submit + wait + reap, wall clock:
 * raw CRT without blinding or check, plus the round trip through an engine
 * thread). On the cpu device it also times accel_rsa_host: the host's blinding
 * and its check + unblinding of a device result (what Java calls around every
 * emu/uadk private-key operation).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel_shim.h"
#include "../tests/rsa_keys.h"

static double secs = 1.0;

static clockid_t clock_id = CLOCK_THREAD_CPUTIME_ID;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(clock_id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int run1(accel_queue *q, bool emu, const struct accel_desc *d)
{
	struct accel_cqe c;
	uint32_t acc = 0, got = 0;

	if (!emu)
		return accel_execute(q, d, &got);
	if (accel_submit(q, d, 1, &acc) || acc != 1 || accel_wait(q, 10000) ||
	    accel_reap(q, &c, 1, &got) || got != 1)
		return -1;
	return c.status;
}

static void time_op(accel_queue *q, bool emu, const char *what, const struct accel_desc *d)
{
	uint64_t best_ops = 0, best_ns = 0;

	for (int i = 0; i < 20; i++)
		if (run1(q, emu, d)) {
			printf("%-26s failed\n", what);
			return;
		}
	for (int round = 0; round < 5; round++) {
		uint64_t ops = 0, t0 = now_ns(), t;

		do {
			for (int i = 0; i < 8; i++)
				run1(q, emu, d);
			ops += 8;
			t = now_ns();
		} while (t - t0 < (uint64_t)(secs * 1e9 / 5));
		if (!best_ops || (t - t0) * best_ops < best_ns * ops) {
			best_ops = ops;
			best_ns = t - t0;
		}
	}
	printf("%-26s %10.1f ops/s  %9.2f us/op\n", what, 1e9 * (double)best_ops / (double)best_ns,
	       (double)best_ns / (double)best_ops / 1e3);
}

int main(int argc, char **argv)
{
	bool emu = getenv("ACCEL_BENCH_EMU") && atoi(getenv("ACCEL_BENCH_EMU"));
	struct accel_dev_config cfg = { .numa_node = -1, .engines = 1 };
	accel_dev *dev;
	accel_queue *q;

	if (argc > 1)
		secs = atof(argv[1]);
	if (emu)
		clock_id = CLOCK_MONOTONIC;	/* the work runs on the engine thread */
	if (accel_dev_open(emu ? ACCEL_BACKEND_EMU : ACCEL_BACKEND_CPU, &cfg, &dev) ||
	    accel_queue_create(dev, 8, &q)) {
		fprintf(stderr, "cannot open the %s device\n", emu ? "emu" : "cpu");
		return 1;
	}
	for (size_t i = 0; i < sizeof(t_rsa_keys) / sizeof(t_rsa_keys[0]); i++) {
		const struct t_rsa_key_bytes *k = &t_rsa_keys[i];
		struct accel_rsa_key key = {
			.n_bits = k->bits, .flags = ACCEL_RSA_KEY_HAS_CRT,
			.n = { k->n, k->n_len }, .e = { k->e, k->e_len }, .p = { k->p, k->p_len },
			.q = { k->q, k->q_len }, .dp = { k->dp, k->dp_len }, .dq = { k->dq, k->dq_len },
			.qinv = { k->qinv, k->qinv_len } };
		uint8_t src[512], dst[512];
		uint64_t s;
		char what[64];

		if (accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s)) {
			printf("rsa%u: session refused\n", k->bits);
			continue;
		}
		memset(src, 0x5a, k->n_len);
		src[0] = 0x01;	/* < n */
		struct accel_desc d = { .session = s, .op = ACCEL_OP_RSA_PRIV_CRT, .src = src,
					.src_len = k->n_len, .dst = dst, .dst_len = k->n_len };
		snprintf(what, sizeof(what), "rsa%u private (%s)", k->bits, emu ? "emu" : "cpu");
		time_op(q, emu, what, &d);
		d.op = ACCEL_OP_RSA_PUB;
		snprintf(what, sizeof(what), "rsa%u public  (%s)", k->bits, emu ? "emu" : "cpu");
		time_op(q, emu, what, &d);
		if (!emu) {
			uint8_t work[3 * 512], out[512];
			uint64_t best[2] = { UINT64_MAX, UINT64_MAX };

			/* a real device result for the blinded input, so that the check passes */
			if (accel_rsa_host(q, s, ACCEL_RSA_HOST_BLIND, src, 0, k->n_len, work,
					   k->n_len, 2 * k->n_len) ||
			    accel_execute_rsa(q, s, ACCEL_OP_RSA_PRIV_CRT, work, k->n_len, k->n_len,
					      work, 0, k->n_len)) {
				printf("rsa%u host ops failed\n", k->bits);
				accel_session_destroy(q, s);
				continue;
			}
			for (int round = 0; round < 5; round++) {
				uint64_t t0 = now_ns(), t1, t2;
				int n = 0, bad = 0;

				for (; n < 256; n++)	/* 8 refreshes of the blinding chain */
					bad |= accel_rsa_host(q, s, ACCEL_RSA_HOST_BLIND, src, 0,
							      k->n_len, dst, 0, 2 * k->n_len);
				t1 = now_ns();
				for (int i = 0; i < n; i++)
					bad |= accel_rsa_host(q, s, ACCEL_RSA_HOST_UNBLIND, work, 0,
							      3 * k->n_len, out, 0, k->n_len);
				t2 = now_ns();
				if (bad) {
					printf("rsa%u host ops failed\n", k->bits);
					break;
				}
				best[0] = (t1 - t0) / n < best[0] ? (t1 - t0) / n : best[0];
				best[1] = (t2 - t1) / n < best[1] ? (t2 - t1) / n : best[1];
			}
			printf("rsa%u host blind            %9.2f us/op\n", k->bits, best[0] / 1e3);
			printf("rsa%u host check + unblind  %9.2f us/op\n", k->bits, best[1] / 1e3);
		}
		accel_session_destroy(q, s);
	}
	accel_queue_destroy(q, 1000);
	accel_dev_close(dev);
	return 0;
}

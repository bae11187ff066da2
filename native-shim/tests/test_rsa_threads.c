// SPDX-License-Identifier: Apache-2.0
/*
 * One RSA session used by several threads at once. cpu: 4 threads call
 * accel_execute on the same session (the blinding pair is shared state, the
 * rest is read-only), each with its own inputs, for long enough to cross
 * blinding refreshes; every result equals the reference. emu: 4 engines
 * serve a batch on one session in parallel, every result right.
 */
#include <pthread.h>

#include "test_rsa_common.h"

#define T_THREADS 4
#define T_OPS 40

struct worker {
	accel_queue *q;
	uint64_t s;
	const struct t_rsa_key_bytes *k;
	uint8_t in[T_OPS][512], want[T_OPS][512];
	int bad;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	uint8_t out[512];

	for (int i = 0; i < T_OPS; i++) {
		struct accel_desc d = { .session = w->s, .op = ACCEL_OP_RSA_PRIV_CRT,
					.src = w->in[i], .src_len = w->k->n_len, .dst = out,
					.dst_len = w->k->n_len };
		uint32_t len = 0;

		if (accel_execute(w->q, &d, &len) != ACCEL_OK || len != w->k->n_len ||
		    memcmp(out, w->want[i], w->k->n_len))
			w->bad++;
	}
	return NULL;
}

static void cpu_threads(const struct t_rsa_key_bytes *k, unsigned *seed)
{
	accel_dev *dev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	accel_queue *q = t_queue(dev, 8);
	struct accel_rsa_key key = t_rsa_key(k, true);
	static struct worker w[T_THREADS];
	pthread_t th[T_THREADS];
	uint64_t s = 0;

	REQUIRE(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s) == 0, "session");
	for (int t = 0; t < T_THREADS; t++) {
		w[t] = (struct worker){ .q = q, .s = s, .k = k };
		for (int i = 0; i < T_OPS; i++) {
			t_rsa_random_input(k, w[t].in[i], seed);
			t_bn_modexp(k, w[t].in[i], true, w[t].want[i]);
		}
	}
	for (int t = 0; t < T_THREADS; t++)
		REQUIRE(pthread_create(&th[t], NULL, work, &w[t]) == 0, "pthread_create");
	for (int t = 0; t < T_THREADS; t++) {
		pthread_join(th[t], NULL);
		CHECK(w[t].bad == 0, "cpu rsa%u thread %d: %d of %d results wrong", k->bits, t,
		      w[t].bad, T_OPS);
	}
	CHECK_RC(accel_session_destroy(q, s), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

static void emu_engines(const struct t_rsa_key_bytes *k, unsigned *seed)
{
	accel_dev *dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 4);
	accel_queue *q = t_queue(dev, 64);
	struct accel_rsa_key key = t_rsa_key(k, true);
	static uint8_t in[48][512], out[48][512], want[48][512];
	struct accel_desc d[48];
	struct accel_cqe c[48];
	uint64_t s = 0;

	REQUIRE(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s) == 0, "session");
	for (int i = 0; i < 48; i++) {
		t_rsa_random_input(k, in[i], seed);
		t_bn_modexp(k, in[i], true, want[i]);
		d[i] = (struct accel_desc){ .user_tag = (uint64_t)i, .session = s,
					    .op = ACCEL_OP_RSA_PRIV_CRT, .src = in[i],
					    .src_len = k->n_len, .dst = out[i], .dst_len = k->n_len };
	}
	REQUIRE(t_run(q, d, 48, c) == 0, "emu batch");
	for (int i = 0; i < 48; i++) {
		uint64_t tag = c[i].user_tag;

		CHECK(c[i].status == 0 && tag < 48 && !memcmp(out[tag], want[tag], k->n_len),
		      "emu rsa%u request %llu: status %d", k->bits, (unsigned long long)tag,
		      c[i].status);
	}
	CHECK_RC(accel_session_destroy(q, s), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

int main(void)
{
	unsigned seed = (unsigned)time(NULL);

	t_name = "rsa_threads";
	t_require_threads();
	t_require_backend(ACCEL_BACKEND_CPU);
	REQUIRE(t_bn_load(), "libcrypto present for the shim but not for the reference");
	printf("  rsa_threads: seed %u\n", seed);
	cpu_threads(&t_rsa_keys[0], &seed);	/* 1024: many ops, many refreshes */
	cpu_threads(&t_rsa_keys[1], &seed);	/* 2048: the x2 kernel */
	emu_engines(&t_rsa_keys[1], &seed);
	return t_done();
}

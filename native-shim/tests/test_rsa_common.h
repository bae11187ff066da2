/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_rsa_common.h - RSA test helpers: the fixed keys of rsa_keys.h as
 * struct accel_rsa_key, random message representatives below n, and an
 * independent reference (libcrypto's plain BN_mod_exp with d or e, no CRT,
 * no Montgomery context of ours) loaded with dlopen like the shim loads it.
 */
#ifndef ACCEL_TEST_RSA_COMMON_H
#define ACCEL_TEST_RSA_COMMON_H

#include <dlfcn.h>
#include <stdbool.h>

#include "rsa_keys.h"
#include "test_common.h"

#define T_NKEYS (sizeof(t_rsa_keys) / sizeof(t_rsa_keys[0]))

static inline struct accel_rsa_key t_rsa_key(const struct t_rsa_key_bytes *k, bool crt)
{
	struct accel_rsa_key key = { .n_bits = k->bits, .n = { k->n, k->n_len },
				     .e = { k->e, k->e_len } };

	if (crt) {
		key.flags = ACCEL_RSA_KEY_HAS_CRT;
		key.p = (struct accel_bn){ .data = k->p, .len = k->p_len };
		key.q = (struct accel_bn){ .data = k->q, .len = k->q_len };
		key.dp = (struct accel_bn){ .data = k->dp, .len = k->dp_len };
		key.dq = (struct accel_bn){ .data = k->dq, .len = k->dq_len };
		key.qinv = (struct accel_bn){ .data = k->qinv, .len = k->qinv_len };
	}
	return key;
}

/* A random message representative in [0, n): a top byte below n's top byte. */
static inline void t_rsa_random_input(const struct t_rsa_key_bytes *k, uint8_t *out,
				      unsigned *seed)
{
	for (uint32_t i = 0; i < k->n_len; i++)
		out[i] = (uint8_t)rand_r(seed);
	out[0] %= k->n[0];
}

static struct {
	void *(*BN_bin2bn)(const uint8_t *, int, void *);
	int (*BN_bn2binpad)(const void *, uint8_t *, int);
	int (*BN_mod_exp)(void *, const void *, const void *, const void *, void *);
	void *(*BN_CTX_new)(void);
	void (*BN_CTX_free)(void *);
	void (*BN_free)(void *);
} t_bn;

/* Loads the reference; false (with a SKIP line printed by the caller) when libcrypto is absent. */
static inline bool t_bn_load(void)
{
	const char *name = getenv("ACCEL_SHIM_LIBCRYPTO");
	void *h = dlopen(name && *name ? name : "libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);

	if (!h && !(name && *name))
		h = dlopen("libcrypto.so", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
	*(void **)&t_bn.BN_bin2bn = dlsym(h, "BN_bin2bn");
	*(void **)&t_bn.BN_bn2binpad = dlsym(h, "BN_bn2binpad");
	*(void **)&t_bn.BN_mod_exp = dlsym(h, "BN_mod_exp");
	*(void **)&t_bn.BN_CTX_new = dlsym(h, "BN_CTX_new");
	*(void **)&t_bn.BN_CTX_free = dlsym(h, "BN_CTX_free");
	*(void **)&t_bn.BN_free = dlsym(h, "BN_free");
	REQUIRE(t_bn.BN_bin2bn && t_bn.BN_bn2binpad && t_bn.BN_mod_exp && t_bn.BN_CTX_new &&
		t_bn.BN_CTX_free && t_bn.BN_free, "libcrypto lacks a BN symbol");
	return true;
}

/* out = in^exp mod n (n_len bytes each), the reference. */
static inline void t_bn_modexp(const struct t_rsa_key_bytes *k, const uint8_t *in, bool priv,
			       uint8_t *out)
{
	void *ctx = t_bn.BN_CTX_new();
	void *b = t_bn.BN_bin2bn(in, (int)k->n_len, NULL);
	void *x = priv ? t_bn.BN_bin2bn(k->d, (int)k->d_len, NULL)
		       : t_bn.BN_bin2bn(k->e, (int)k->e_len, NULL);
	void *n = t_bn.BN_bin2bn(k->n, (int)k->n_len, NULL);
	void *r = t_bn.BN_bin2bn(in, 1, NULL);

	REQUIRE(ctx && b && x && n && r && t_bn.BN_mod_exp(r, b, x, n, ctx) &&
		t_bn.BN_bn2binpad(r, out, (int)k->n_len) == (int)k->n_len, "reference modexp");
	t_bn.BN_free(b);
	t_bn.BN_free(x);
	t_bn.BN_free(n);
	t_bn.BN_free(r);
	t_bn.BN_CTX_free(ctx);
}

#endif /* ACCEL_TEST_RSA_COMMON_H */

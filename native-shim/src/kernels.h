/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kernels.h - the bottom layer: the computations themselves (libcrypto,
 * ipsec-mb, AVX-512 IFMA RSA, multi-buffer SHA-2). Kernels see raw keys and
 * buffers only, never a device, queue or session, and call nothing above
 * them (tools/check-layers.sh enforces it).
 */
#ifndef ACCEL_KERNELS_H
#define ACCEL_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accel_shim.h"
#include "sha_mb.h"

/* ---- libcrypto kernels (crypto_libcrypto.c) ---- */
int shim_crypto_load(char *reason, size_t reason_len);
const char *shim_crypto_version(void);
int shim_gcm(bool seal, const uint8_t *key, uint32_t key_len, const uint8_t *iv, uint32_t iv_len,
	     const uint8_t *aad, uint64_t aad_len, const uint8_t *src, uint64_t len, uint8_t *dst,
	     uint8_t *tag, uint32_t tag_len);
int shim_digest(uint32_t op, const uint8_t *src, uint64_t len, uint8_t *dst, uint32_t *out_len);
uint32_t shim_digest_len(uint32_t op);

/* ---- kernel selection and AES-GCM on ipsec-mb (crypto_ipsecmb.c) ---- */
const char *shim_kernel_driver(void);
/* Which kernel computes each operation and why, one line each (accel_kernels). */
void shim_kernels_describe(char *buf, size_t len);
/*
 * Precomputed key data for key[0..key_len) (AEAD session create); *kd stays
 * NULL where EVP expands the key per request.
 */
int shim_gcm_prepare(const uint8_t *key, uint32_t key_len, void **kd);
void shim_gcm_release(void *kd);	/* wipe and free it (NULL: nothing) */
/* Bytes and alignment of precomputed key data in caller memory (accel_gcm_key_*). */
#define SHIM_GCM_KD_SIZE 1024
#define SHIM_GCM_KD_ALIGN 64
/*
 * The same precomputation into kd (SHIM_GCM_KD_SIZE bytes, SHIM_GCM_KD_ALIGN
 * aligned): *used = false where EVP expands the key per request (kd untouched).
 */
int shim_gcm_prepare_at(const uint8_t *key, uint32_t key_len, void *kd, bool *used);
int shim_gcm_run(bool seal, const uint8_t *key, uint32_t key_len, const void *kd,
		 const uint8_t *iv, uint32_t iv_len, const uint8_t *aad, uint64_t aad_len,
		 const uint8_t *src, uint64_t len, uint8_t *dst, uint8_t *tag, uint32_t tag_len);

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

#endif /* ACCEL_KERNELS_H */

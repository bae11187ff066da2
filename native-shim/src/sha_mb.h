/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sha_mb.h - multi-buffer SHA-2 (FIPS 180-4) over a batch of independent
 * messages: SHA-224/256 in 16 lanes and SHA-384/512 in 8 lanes of AVX-512,
 * or one message at a time through libcrypto (crypto_libcrypto.c) where the
 * CPU lacks AVX-512 (and on aarch64). Internal to the shim (hidden).
 */
#ifndef ACCEL_SHA_MB_H
#define ACCEL_SHA_MB_H

#include <stdint.h>

/*
 * Digests messages 0..n-1: message i has the length in the i-th native-endian
 * uint32 at lens (read bytewise: lens need not be aligned) and starts right
 * after message i-1 in data (data may be NULL when every length is 0). Its
 * digest (shim_digest_len(op) bytes) goes to out + i * that length. The
 * caller has validated op (ACCEL_OP_SHA224.._SHA512), n, every length and
 * the buffer sizes; out must not overlap data. Returns ACCEL_OK or ACCEL_EIO
 * (libcrypto failure on the portable path).
 */
int shim_sha_mb(uint32_t op, const uint8_t *data, const uint8_t *lens, uint32_t n, uint8_t *out);

/*
 * The kernel in use, chosen once per process: "avx512" or "libcrypto".
 * ACCEL_SHIM_SHA_MB=libcrypto forces the portable path (tests compare both).
 */
const char *shim_sha_mb_kernel(void);

#endif /* ACCEL_SHA_MB_H */

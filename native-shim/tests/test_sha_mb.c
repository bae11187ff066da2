// SPDX-License-Identifier: Apache-2.0
/*
 * accel_execute_digest_batch: every digest of random batches (0..300-byte
 * messages, lengths around the padding boundaries of FIPS 180-4 5.1.1/5.1.2,
 * a few 10 KiB ones) equals the single-message path (accel_execute,
 * libcrypto) for SHA-224/256/384/512, with the data, lengths and output at
 * odd offsets and nothing written outside the output; FIPS 180-2 "abc"
 * vectors; argument validation (nothing hashed or written on EINVAL); the
 * health counters. On x86-64 the program runs itself again with
 * ACCEL_SHIM_SHA_MB=sha-ni, =avx512 and =libcrypto so that every kernel the
 * CPU has (AVX-512, SHA-NI, the portable path) is checked at every batch
 * size (the default picks by batch size).
 */
#include "test_common.h"

#include <sys/wait.h>

static const uint32_t dlens[4] = { 28, 32, 48, 64 };
static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t rnd(uint32_t bound)
{
	rng ^= rng << 13;	/* xorshift64: deterministic, so a failure reproduces */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % bound);
}

static uint32_t pick_len(void)
{
	static const uint32_t edges[] = { 0, 1, 55, 56, 57, 63, 64, 65, 111, 112, 113,
					  119, 120, 127, 128, 129, 191, 192, 239, 240, 256 };
	uint32_t r = rnd(100);

	if (r < 2)
		return 10240;
	if (r < 40)
		return edges[rnd(sizeof(edges) / sizeof(edges[0]))];
	return rnd(301);
}

/* One batch of n messages with the given lengths, checked against accel_execute. */
static void check_batch(accel_queue *q, uint32_t op, uint32_t n, const uint32_t *len)
{
	uint32_t dlen = dlens[op - ACCEL_OP_SHA224], data_off = rnd(8), lens_off = rnd(4),
		 out_off = rnd(8), got;
	uint64_t total = 0, off = 0, out_len = (uint64_t)n * dlen;
	uint8_t *data, *out, ref[64];
	uint32_t *lens;
	int rc;

	for (uint32_t i = 0; i < n; i++)
		total += len[i];
	/* exact sizes: an over-read under ASan is a heap-buffer-overflow */
	data = malloc(data_off + total + 1);
	lens = calloc((size_t)n + 1, 4);
	out = malloc(out_off + out_len + 16);
	REQUIRE(data && lens && out, "malloc");
	for (uint64_t i = 0; i < data_off + total; i++)
		data[i] = (uint8_t)rnd(256);
	for (uint32_t i = 0; i < n; i++)
		memcpy((uint8_t *)lens + lens_off + 4 * (size_t)i, &len[i], 4);
	memset(out, 0xa5, out_off + out_len + 16);
	rc = accel_execute_digest_batch(q, op, data, data_off, lens, lens_off, n, out, out_off,
					out_len);
	CHECK(rc == ACCEL_OK, "op %u n %u: rc %d", op, n, rc);
	for (uint32_t i = 0; i < n && rc == ACCEL_OK; i++) {
		struct accel_desc d = { .op = op, .src = data + data_off + off, .src_len = len[i],
					.dst = ref, .dst_len = sizeof(ref) };

		REQUIRE(accel_execute(q, &d, &got) == ACCEL_OK && got == dlen, "reference");
		if (memcmp(ref, out + out_off + (size_t)i * dlen, dlen)) {
			CHECK(0, "op %u n %u: message %u (%u bytes) differs", op, n, i, len[i]);
			break;
		}
		off += len[i];
	}
	for (uint32_t i = 0; i < out_off; i++)
		CHECK(out[i] == 0xa5, "op %u: byte %u before out written", op, i);
	for (uint32_t i = 0; i < 16; i++)
		CHECK(out[out_off + out_len + i] == 0xa5, "op %u: byte %u after out written", op, i);
	free(data);
	free(lens);
	free(out);
}

static void kat_abc(accel_queue *q)
{
	static const char *const want[4] = {
		"23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
		"8086072ba1e7cc2358baeca134c825a7",
		"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	};
	/* "abc", "", "abc": three lanes, one of them empty (FIPS 180-2 appendices B.1, C.1, D.1) */
	const uint8_t data[6] = { 'a', 'b', 'c', 'a', 'b', 'c' };
	const uint32_t lens[3] = { 3, 0, 3 };

	for (uint32_t op = ACCEL_OP_SHA224; op <= ACCEL_OP_SHA512; op++) {
		uint32_t dlen = dlens[op - ACCEL_OP_SHA224];
		uint8_t out[3 * 64], w[64];

		REQUIRE(t_hex(want[op - ACCEL_OP_SHA224], w, sizeof(w)) == (int)dlen, "hex");
		CHECK_RC(accel_execute_digest_batch(q, op, data, 0, lens, 0, 3, out, 0, 3 * dlen),
			 ACCEL_OK);
		CHECK(!memcmp(out, w, dlen) && !memcmp(out + 2 * dlen, w, dlen), "abc op %u", op);
	}
}

static void validation(accel_dev *dev, accel_queue *q)
{
	uint8_t data[64] = { 1 }, out[2 * 64 + 1];
	uint32_t lens[2] = { 10, 20 }, big[2] = { 1, 0x80000000u }, zero[2] = { 0, 0 };
	uint8_t empty256[32];
	struct accel_health h0, h1;

	memset(out, 0x5a, sizeof(out));
	CHECK_RC(accel_execute_digest_batch(NULL, ACCEL_OP_SHA256, data, 0, lens, 0, 2, out, 0, 64),
		 ACCEL_EINVAL);
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_GCM_SEAL, data, 0, lens, 0, 2, out, 0, 128),
		 ACCEL_EINVAL);
	CHECK_RC(accel_execute_digest_batch(q, 0, data, 0, lens, 0, 2, out, 0, 128), ACCEL_EINVAL);
	CHECK_RC(accel_execute_digest_batch(q, 99, data, 0, lens, 0, 2, out, 0, 128), ACCEL_EINVAL);
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA256, data, 0, lens, 0,
					    ACCEL_DIGEST_BATCH_MAX + 1, out, 0, UINT64_MAX),
		 ACCEL_EINVAL);
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA256, data, 0, lens, 0, 2, out, 0, 63),
		 ACCEL_EINVAL);
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA512, data, 0, lens, 0, 2, out, 0, 127),
		 ACCEL_EINVAL);
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA224, data, 0, NULL, 0, 2, out, 0, 56),
		 ACCEL_EINVAL);
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA224, data, 0, lens, 0, 2, NULL, 0, 56),
		 ACCEL_EINVAL);
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA256, NULL, 0, lens, 0, 2, out, 0, 64),
		 ACCEL_EINVAL);
	/* a length over caps.digest_data_max (2^31 - 1): nothing hashed, nothing read beyond */
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA256, data, 0, big, 0, 2, out, 0, 64),
		 ACCEL_EINVAL);
	for (size_t i = 0; i < sizeof(out); i++)
		if (out[i] != 0x5a) {
			CHECK(0, "EINVAL wrote out[%zu]", i);
			break;
		}
	/* n = 0: nothing to do, any buffers */
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA384, NULL, 0, NULL, 0, 0, NULL, 0, 0),
		 ACCEL_OK);
	/* all-empty messages need no data array */
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA256, NULL, 0, zero, 0, 2, out, 0, 64),
		 ACCEL_OK);
	t_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", empty256, 32);
	CHECK(!memcmp(out, empty256, 32) && !memcmp(out + 32, empty256, 32), "empty digests");

	/* n requests in accel_health, like n accel_execute calls */
	REQUIRE(accel_dev_health(dev, &h0) == ACCEL_OK, "health");
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA256, data, 0, lens, 0, 2, out, 0, 64),
		 ACCEL_OK);
	CHECK_RC(accel_execute_digest_batch(q, ACCEL_OP_SHA256, data, 0, lens, 0, 2, out, 0, 1),
		 ACCEL_EINVAL);
	REQUIRE(accel_dev_health(dev, &h1) == ACCEL_OK, "health");
	CHECK(h1.submitted - h0.submitted == 4 && h1.completed - h0.completed == 4 &&
	      h1.errors - h0.errors == 2, "health +%llu/+%llu/+%llu",
	      (unsigned long long)(h1.submitted - h0.submitted),
	      (unsigned long long)(h1.completed - h0.completed),
	      (unsigned long long)(h1.errors - h0.errors));

	/* the emulated device has no synchronous path */
	if (!getenv("ACCEL_TEST_NO_THREADS") || !*getenv("ACCEL_TEST_NO_THREADS")) {
		accel_dev *emu = t_open(ACCEL_BACKEND_EMU, 0, 1);
		accel_queue *eq = t_queue(emu, 4);

		CHECK_RC(accel_execute_digest_batch(eq, ACCEL_OP_SHA256, data, 0, lens, 0, 2, out, 0,
						    64), ACCEL_ENOTSUP);
		CHECK_RC(accel_queue_destroy(eq, 1000), ACCEL_OK);
		CHECK_RC(accel_dev_close(emu), ACCEL_OK);
	}
}

int main(int argc, char **argv)
{
	const char *forced = getenv("ACCEL_SHIM_SHA_MB");
	accel_dev *dev;
	accel_queue *q;
	static uint32_t len[ACCEL_DIGEST_BATCH_MAX];

	(void)argc;
	static char name[64];

	snprintf(name, sizeof(name), "sha_mb%s%s%s", forced ? " (ACCEL_SHIM_SHA_MB=" : "",
		 forced ? forced : "", forced ? ")" : "");
	t_name = name;
	dev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	q = t_queue(dev, 4);

	kat_abc(q);
	for (uint32_t op = ACCEL_OP_SHA224; op <= ACCEL_OP_SHA512; op++) {
		/* lane-count edges: 1, 7-9, 15-17 messages; then random counts */
		static const uint32_t counts[] = { 1, 2, 7, 8, 9, 15, 16, 17, 33, 64 };

		for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
			for (uint32_t i = 0; i < counts[c]; i++)
				len[i] = pick_len();
			check_batch(q, op, counts[c], len);
		}
		for (int r = 0; r < 40; r++) {
			uint32_t n = 1 + rnd(200);

			for (uint32_t i = 0; i < n; i++)
				len[i] = pick_len();
			check_batch(q, op, n, len);
		}
		/* every message of one length: all lanes finish together */
		for (uint32_t i = 0; i < 64; i++)
			len[i] = 64;
		check_batch(q, op, 64, len);
		/* long messages in the lanes (not set aside as much longer than the mean) */
		for (uint32_t i = 0; i < 20; i++)
			len[i] = 10240 + 37 * i;
		check_batch(q, op, 20, len);
		/* the largest batch */
		for (uint32_t i = 0; i < ACCEL_DIGEST_BATCH_MAX; i++)
			len[i] = rnd(130);
		check_batch(q, op, ACCEL_DIGEST_BATCH_MAX, len);
	}
	validation(dev, q);
	CHECK_RC(accel_queue_destroy(q, 0), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);

#if defined(__x86_64__)
	/* the other kernels too (on aarch64 the portable one is the only one, checked above) */
	for (int k = 0; k < 3 && !forced; k++) {
		static const char *const modes[3] = { "sha-ni", "avx512", "libcrypto" };
		const char *mode = modes[k];
		pid_t pid;
		int st, child_failed;

		fflush(stdout);
		pid = fork();
		REQUIRE(pid >= 0, "fork");
		if (pid == 0) {
			setenv("ACCEL_SHIM_SHA_MB", mode, 1);
			execv("/proc/self/exe", argv);
			_exit(127);
		}
		REQUIRE(waitpid(pid, &st, 0) == pid, "waitpid");
		child_failed = !WIFEXITED(st) || WEXITSTATUS(st) != 0;
		CHECK(!child_failed, "ACCEL_SHIM_SHA_MB=%s run: status %d", mode, st);
	}
#else
	(void)argv;
#endif
	return t_done();
}

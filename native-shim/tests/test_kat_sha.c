// SPDX-License-Identifier: Apache-2.0
/*
 * SHA-2 known answers on every backend (FIPS 180-2 appendix examples):
 * "abc", the 448-bit message, the 896-bit message, and the empty message.
 */
#include "test_common.h"

#define M448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define M896 "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno" \
	     "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

static const struct kat {
	uint32_t op;
	const char *msg, *md;
} kats[] = {
	{ ACCEL_OP_SHA224, "abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7" },
	{ ACCEL_OP_SHA224, M448, "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525" },
	{ ACCEL_OP_SHA224, "", "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f" },
	{ ACCEL_OP_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ ACCEL_OP_SHA256, M448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ ACCEL_OP_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ ACCEL_OP_SHA384, "abc",
	  "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
	  "8086072ba1e7cc2358baeca134c825a7" },
	{ ACCEL_OP_SHA384, M896,
	  "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
	  "fcc7c71a557e2db966c3e9fa91746039" },
	{ ACCEL_OP_SHA512, "abc",
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	{ ACCEL_OP_SHA512, M896,
	  "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
	  "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
};
#define NK (sizeof(kats) / sizeof(kats[0]))

static void run(uint32_t backend)
{
	accel_dev *dev = t_open(backend, ACCEL_PROFILE_FAST, 0);
	accel_queue *q = t_queue(dev, 16);
	uint8_t out[NK][64], want[64];
	struct accel_desc d[NK];
	struct accel_cqe c[NK];

	memset(out, 0, sizeof(out));
	for (size_t i = 0; i < NK; i++)
		d[i] = (struct accel_desc){ .user_tag = 100 + i, .op = kats[i].op,
					    .src = (const uint8_t *)kats[i].msg,
					    .src_len = strlen(kats[i].msg), .dst = out[i],
					    .dst_len = 64 };
	REQUIRE(t_run(q, d, NK, c) == 0, "not all completed");
	for (size_t j = 0; j < NK; j++) {
		size_t i = c[j].user_tag - 100;
		int len = t_hex(kats[i].md, want, sizeof(want));

		CHECK(c[j].status == 0 && c[j].out_len == (uint32_t)len, "kat %zu status %d len %u", i,
		      c[j].status, c[j].out_len);
		CHECK(!memcmp(out[i], want, len), "kat %zu (op %u, '%.8s') digest", i, kats[i].op,
		      kats[i].msg);
	}
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	printf("  %s: %zu digests\n", t_backend_name(backend), NK);
}

int main(void)
{
	t_name = "kat_sha";
	run(ACCEL_BACKEND_EMU);
	run(ACCEL_BACKEND_CPU);
	return t_done();
}

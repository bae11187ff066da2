// SPDX-License-Identifier: Apache-2.0
/*
 * The uadk backend against the UADK test double: capabilities (the SEC2/HPRE
 * limits), every opcode's known answers (GCM: McGrew & Viega cases with a
 * 12-byte IV and a payload, seal/open/tampered/8-byte tag; SHA-2: FIPS 180-2
 * examples incl. the empty message; RSA: the 1024-bit raw known answers),
 * requests outside the limits refused, a differential run against the cpu
 * backend, and UADK initialised once per family per process.
 */
#include "test_uadk_common.h"

#include "rsa_key_1024.h"

#define BN(x) { .data = x, .len = sizeof(x) }
#define P64 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define P60 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define A20 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define K1 "feffe9928665731c6d6a8f9467308308"
#define IV12 "cafebabefacedbaddecaf888"
#define Z16 "00000000000000000000000000000000"
#define Z12 "000000000000000000000000"

static const struct gkat {
	int no;
	const char *k, *iv, *p, *a, *c, *t;
} gk[] = {
	{ 2, Z16, Z12, Z16, "", "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf" },
	{ 3, K1, IV12, P64, "",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ 4, K1, IV12, P60, A20,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ 9, K1 "feffe9928665731c", IV12, P64, "",
	  "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
	  "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256",
	  "9924a7c8587336bfb118024db8674a14" },
	{ 14, Z16 Z16, Z12, Z16, "", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919" },
	{ 16, K1 K1, IV12, P60, A20,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};
#define NG (sizeof(gk) / sizeof(gk[0]))

static const struct skat {
	uint32_t op;
	const char *msg, *md;
} sk[] = {
	{ ACCEL_OP_SHA224, "abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7" },
	{ ACCEL_OP_SHA224, "", "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f" },
	{ ACCEL_OP_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ ACCEL_OP_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ ACCEL_OP_SHA384, "abc",
	  "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
	  "8086072ba1e7cc2358baeca134c825a7" },
	{ ACCEL_OP_SHA384, "",
	  "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
	  "274edebfe76f65fbd51ad2f14898b95b" },
	{ ACCEL_OP_SHA512, "abc",
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	{ ACCEL_OP_SHA512, "",
	  "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
	  "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
};
#define NS (sizeof(sk) / sizeof(sk[0]))

static void caps(accel_dev *dev)
{
	struct accel_caps c;

	CHECK_RC(accel_dev_caps(dev, &c), ACCEL_OK);
	CHECK(c.backend == ACCEL_BACKEND_UADK, "backend %u", c.backend);
	CHECK(c.ops_mask == 0x1fe, "ops 0x%x", c.ops_mask);
	CHECK(c.gcm_iv_min == 12 && c.gcm_iv_max == 12, "iv %u..%u", c.gcm_iv_min, c.gcm_iv_max);
	CHECK(c.gcm_tag_min == 8 && c.gcm_tag_max == 16 && c.gcm_open_tag_min == 16, "tags");
	CHECK(c.gcm_aad_max == 65535 && c.gcm_data_max == (16u << 20) - 512, "aad/data max");
	CHECK(!(c.gcm_flags & ACCEL_GCM_EMPTY_OK), "empty GCM must be refused");
	CHECK(c.rsa_bits_mask == 0xf && !(c.rsa_flags & ACCEL_RSA_ANY_SIZE) &&
		      c.rsa_min_bits == 1024 && c.rsa_max_bits == 4096, "rsa sizes");
	CHECK(c.queue_depth_max == 1024 && c.queues_max == 4, "depth %u queues %u",
	      c.queue_depth_max, c.queues_max);
	CHECK(!strncmp(c.name, "uadk", 4) && strstr(c.driver, "hisi_sec2-0") &&
		      strstr(c.driver, "hisi_hpre-1"), "name '%s' driver '%s'", c.name, c.driver);
	printf("  %s: %s\n", c.name, c.driver);
}

static void gcm(accel_queue *q)
{
	for (size_t i = 0; i < NG; i++) {
		uint8_t k[32], iv[12], p[64], a[20], c[64], t[16], out[64], tag[16], back[64];
		int kl = t_hex(gk[i].k, k, 32), pl = t_hex(gk[i].p, p, 64), al = t_hex(gk[i].a, a, 20);
		uint64_t s;
		struct accel_desc d[4];
		struct accel_cqe cq[4];

		t_hex(gk[i].iv, iv, 12);
		t_hex(gk[i].c, c, 64);
		t_hex(gk[i].t, t, 16);
		s = t_aead_session(q, k, (uint32_t)kl);
		d[0] = (struct accel_desc){ .user_tag = 1, .session = s, .op = ACCEL_OP_GCM_SEAL,
					    .src = p, .src_len = (uint64_t)pl, .dst = out,
					    .dst_len = 64, .aad = al ? a : NULL,
					    .aad_len = (uint64_t)al, .iv = iv, .iv_len = 12,
					    .tag_len = 16, .tag = tag };
		REQUIRE(t_run(q, d, 1, cq) == 0, "seal %d", gk[i].no);
		CHECK(cq[0].status == 0 && cq[0].out_len == (uint32_t)pl, "seal %d: %d", gk[i].no,
		      cq[0].status);
		CHECK(!memcmp(out, c, (size_t)pl) && !memcmp(tag, t, 16), "seal %d known answer",
		      gk[i].no);
		/* open, tampered open, 8-byte tag seal (truncated known tag), 8-byte tag open refused */
		d[0].op = ACCEL_OP_GCM_OPEN;
		d[0].src = c;
		d[0].dst = back;
		d[0].tag = t;
		d[1] = d[0];
		d[1].user_tag = 2;
		d[1].dst = out;
		static uint8_t bad[16];
		memcpy(bad, t, 16);
		bad[15] ^= 1;
		d[1].tag = bad;
		d[2] = d[0];
		d[2].user_tag = 3;
		d[2].op = ACCEL_OP_GCM_SEAL;
		d[2].src = p;
		static uint8_t o8[64];
		d[2].dst = o8;
		d[2].tag_len = 8;
		static uint8_t t8[16];
		d[2].tag = t8;
		d[3] = d[0];
		d[3].user_tag = 4;
		d[3].tag_len = 8;
		REQUIRE(t_run(q, d, 4, cq) == 0, "open %d", gk[i].no);
		CHECK(t_status(cq, 4, 1) == 0 && !memcmp(back, p, (size_t)pl), "open %d", gk[i].no);
		CHECK(t_status(cq, 4, 2) == ACCEL_EBADMSG, "tampered %d: %d", gk[i].no,
		      t_status(cq, 4, 2));
		for (int j = 0; j < pl; j++)
			CHECK(out[j] == 0, "tampered %d: plaintext released", gk[i].no);
		CHECK(t_status(cq, 4, 3) == 0 && !memcmp(t8, t, 8), "8-byte tag %d", gk[i].no);
		CHECK(t_status(cq, 4, 4) == ACCEL_EINVAL, "open with 8-byte tag: %d",
		      t_status(cq, 4, 4));
		CHECK_RC(accel_session_destroy(q, s), ACCEL_OK);
	}

	/* outside the SEC2 limits: empty payload, 8-byte IV, AAD > 65535 */
	{
		uint8_t k[16] = { 0 }, iv[12] = { 0 }, buf[16], tag[16];
		static uint8_t big_aad[65536];
		uint64_t s = t_aead_session(q, k, 16);
		struct accel_desc d[3];
		struct accel_cqe cq[3];

		d[0] = (struct accel_desc){ .user_tag = 1, .session = s, .op = ACCEL_OP_GCM_SEAL,
					    .src = buf, .src_len = 0, .dst = buf, .dst_len = 16,
					    .iv = iv, .iv_len = 12, .tag_len = 16, .tag = tag };
		d[1] = d[0];
		d[1].user_tag = 2;
		d[1].src_len = 16;
		d[1].iv_len = 8;
		d[2] = d[1];
		d[2].user_tag = 3;
		d[2].iv_len = 12;
		d[2].aad = big_aad;
		d[2].aad_len = sizeof(big_aad);
		REQUIRE(t_run(q, d, 3, cq) == 0, "limits");
		for (int i = 1; i <= 3; i++)
			CHECK(t_status(cq, 3, (uint64_t)i) == ACCEL_EINVAL, "limit %d: %d", i,
			      t_status(cq, 3, (uint64_t)i));
	}
}

static void sha(accel_queue *q)
{
	struct accel_desc d[NS];
	struct accel_cqe c[NS];
	uint8_t out[NS][64], want[64];

	for (size_t i = 0; i < NS; i++)
		d[i] = (struct accel_desc){ .user_tag = i, .op = sk[i].op, .src = (const uint8_t *)sk[i].msg,
					    .src_len = strlen(sk[i].msg), .dst = out[i],
					    .dst_len = 64 };
	REQUIRE(t_run(q, d, NS, c) == 0, "sha");
	for (size_t i = 0; i < NS; i++) {
		int n = t_hex(sk[i].md, want, 64);

		CHECK(t_status(c, NS, i) == 0 && !memcmp(out[i], want, (size_t)n),
		      "sha op %u '%s'", sk[i].op, sk[i].msg);
		for (uint32_t j = 0; j < NS; j++)
			if (c[j].user_tag == i)
				CHECK(c[j].out_len == (uint32_t)n, "out_len %u", c[j].out_len);
	}
}

static void rsa(accel_queue *q)
{
	struct accel_rsa_key key = t_rsa1024();
	struct accel_rsa_key pub = { .n_bits = 1024, .n = BN(rsa_n), .e = BN(rsa_e) };
	struct accel_rsa_key odd = key;
	uint8_t o_pub[128], o_priv[128], big[128], o_big[128], o_cant[128];
	uint64_t s = 0, sp = 0, x = 0;
	struct accel_desc d[4];
	struct accel_cqe c[4];

	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s), ACCEL_OK);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &pub, sizeof(pub), &sp), ACCEL_OK);
	odd.n_bits = 1032;	/* HPRE: 1024/2048/3072/4096 only */
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &odd, sizeof(odd), &x), ACCEL_ENOTSUP);
	odd.n_bits = 2048;	/* n_bits must match n */
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &odd, sizeof(odd), &x), ACCEL_EINVAL);
	d[0] = (struct accel_desc){ .user_tag = 0, .session = s, .op = ACCEL_OP_RSA_PUB,
				    .src = rsa_m, .src_len = 128, .dst = o_pub, .dst_len = 128 };
	d[1] = d[0];
	d[1].user_tag = 1;
	d[1].op = ACCEL_OP_RSA_PRIV_CRT;
	d[1].dst = o_priv;
	memset(big, 0xff, sizeof(big));
	d[2] = d[1];
	d[2].user_tag = 2;
	d[2].src = big;
	d[2].dst = o_big;
	d[3] = d[1];
	d[3].user_tag = 3;
	d[3].session = sp;
	d[3].dst = o_cant;
	REQUIRE(t_run(q, d, 4, c) == 0, "rsa");
	CHECK(t_status(c, 4, 0) == 0 && !memcmp(o_pub, rsa_m_pub, 128), "public known answer");
	CHECK(t_status(c, 4, 1) == 0 && !memcmp(o_priv, rsa_m_priv, 128), "private known answer");
	CHECK(t_status(c, 4, 2) == ACCEL_EINVAL, "input >= n: %d", t_status(c, 4, 2));
	CHECK(t_status(c, 4, 3) == ACCEL_EINVAL, "CRT on public key: %d", t_status(c, 4, 3));
	CHECK_RC(accel_session_destroy(q, s), ACCEL_OK);
	CHECK_RC(accel_session_destroy(q, sp), ACCEL_OK);
}

/* Random sizes against the cpu backend (libcrypto): GCM with AAD, every SHA-2. */
static void differential(accel_queue *q)
{
	accel_dev *cdev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	accel_queue *cq = t_queue(cdev, 64);
	uint8_t key[32], iv[12], *src = malloc(70000), *aad = malloc(4096), *o1 = malloc(70000),
			   *o2 = malloc(70000), t1[16], t2[16];
	uint64_t s1, s2;
	unsigned seed = 12345;

	for (size_t i = 0; i < 70000; i++)
		src[i] = (uint8_t)rand_r(&seed);
	for (size_t i = 0; i < 4096; i++)
		aad[i] = (uint8_t)rand_r(&seed);
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)rand_r(&seed);
	memcpy(iv, src, 12);
	s1 = t_aead_session(q, key, 32);
	s2 = t_aead_session(cq, key, 32);
	for (int round = 0; round < 40; round++) {
		uint64_t len = 1 + (uint64_t)rand_r(&seed) % 69999, al = (uint64_t)rand_r(&seed) % 4096;
		uint32_t op = ACCEL_OP_SHA224 + (uint32_t)(round % 4);
		struct accel_desc d = { .user_tag = 7, .session = s1, .op = ACCEL_OP_GCM_SEAL,
					.src = src, .src_len = len, .dst = o1, .dst_len = 70000,
					.aad = aad, .aad_len = al, .iv = iv, .iv_len = 12,
					.tag_len = 16, .tag = t1 };
		struct accel_cqe c;

		REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0, "uadk seal %d", round);
		d.session = s2;
		d.dst = o2;
		d.tag = t2;
		REQUIRE(t_run(cq, &d, 1, &c) == 0 && c.status == 0, "cpu seal %d", round);
		CHECK(!memcmp(o1, o2, len) && !memcmp(t1, t2, 16), "gcm differs at round %d", round);
		d = (struct accel_desc){ .user_tag = 8, .op = op, .src = src, .src_len = len,
					 .dst = o1, .dst_len = 64 };
		REQUIRE(t_run(q, &d, 1, &c) == 0 && c.status == 0, "uadk sha %d", round);
		d.dst = o2;
		REQUIRE(t_run(cq, &d, 1, &c) == 0 && c.status == 0, "cpu sha %d", round);
		CHECK(!memcmp(o1, o2, 64), "sha differs at round %d", round);
	}
	accel_session_destroy(q, s1);
	accel_session_destroy(cq, s2);
	accel_queue_destroy(cq, 100);
	accel_dev_close(cdev);
	free(src);
	free(aad);
	free(o1);
	free(o2);
}

int main(void)
{
	accel_dev *dev, *dev2;
	accel_queue *q, *qs[5];
	struct accel_health h;

	t_name = "uadk_kat";
	t_uadk_setup("ok");
	dev = t_uadk_open(0);
	caps(dev);
	q = t_queue(dev, 64);
	gcm(q);
	sha(q);
	rsa(q);
	differential(q);

	/* one initialisation per family per process; the budget is shared */
	dev2 = t_uadk_open(0);
	if (t_uadk_real)
		printf("NOTE %s: wd_*_init call counts are the double's; not checked on real UADK\n",
		       t_name);
	else
		CHECK(dbl_stat(DBL_STAT_INIT_CALLS) == 3 && dbl_stat(DBL_STAT_INIT_OK) == 3,
		      "wd_*_init calls %ld ok %ld", dbl_stat(DBL_STAT_INIT_CALLS),
		      dbl_stat(DBL_STAT_INIT_OK));
	CHECK(dbl_stat(DBL_STAT_CTX_OPEN) == 12, "contexts %ld", dbl_stat(DBL_STAT_CTX_OPEN));
	for (int i = 0; i < 3; i++)
		qs[i] = t_queue(dev2, 8);
	CHECK_RC(accel_queue_create(dev2, 8, &qs[3]), ACCEL_EBUSY);
	CHECK_RC(accel_queue_destroy(qs[0], 0), ACCEL_OK);
	qs[0] = t_queue(dev, 8);
	CHECK_RC(accel_dev_health(dev, &h), ACCEL_OK);
	CHECK(h.state == ACCEL_HEALTH_OK && h.submitted > 0 && h.completed == h.submitted,
	      "health %d %" PRIu64 "/%" PRIu64, h.state, h.submitted, h.completed);
	for (int i = 0; i < 3; i++)
		CHECK_RC(accel_queue_destroy(qs[i], 0), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 100), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev2), ACCEL_OK);
	CHECK(dbl_stat(DBL_STAT_CTX_OPEN) == 0, "contexts leaked: %ld", dbl_stat(DBL_STAT_CTX_OPEN));
	/* re-initialised after the last close */
	dev = t_uadk_open(2);
	q = t_queue(dev, 8);
	sha(q);
	CHECK_RC(accel_queue_destroy(q, 100), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}

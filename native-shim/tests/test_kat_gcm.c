// SPDX-License-Identifier: Apache-2.0
/*
 * AES-GCM known answers on every backend: McGrew & Viega, "The Galois/Counter
 * Mode of Operation (GCM)", test cases 1-6 (AES-128; 5: 8-byte IV, 6: 60-byte
 * IV), 7 and 9 (AES-192), 13-16 (AES-256). Seal, open, tampered open
 * (EBADMSG, plaintext zeroed), truncated 12-byte tags.
 */
#include "test_common.h"

#define P64 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define P60 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define A20 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define K1 "feffe9928665731c6d6a8f9467308308"
#define IV12 "cafebabefacedbaddecaf888"
#define Z16 "00000000000000000000000000000000"
#define Z12 "000000000000000000000000"

static const struct kat {
	int no;
	const char *k, *iv, *p, *a, *c, *t;
} kats[] = {
	{ 1, Z16, Z12, "", "", "", "58e2fccefa7e3061367f1d57a4e7455a" },
	{ 2, Z16, Z12, Z16, "", "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf" },
	{ 3, K1, IV12, P64, "",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ 4, K1, IV12, P60, A20,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ 5, K1, "cafebabefacedbad", P60, A20,
	  "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423"
	  "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
	  "3612d2e79e3b0785561be14aaca2fccb" },
	{ 6, K1,
	  "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
	  "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
	  P60, A20,
	  "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca7"
	  "01e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
	  "619cc5aefffe0bfa462af43c1699d050" },
	{ 7, Z16 "0000000000000000", Z12, "", "", "", "cd33b28ac773f74ba00ed1f312572435" },
	{ 9, K1 "feffe9928665731c", IV12, P64, "",
	  "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
	  "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256",
	  "9924a7c8587336bfb118024db8674a14" },
	{ 13, Z16 Z16, Z12, "", "", "", "530f8afbc74536b9a963b4f1c4cb738b" },
	{ 14, Z16 Z16, Z12, Z16, "", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919" },
	{ 15, K1 K1, IV12, P64, "",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c" },
	{ 16, K1 K1, IV12, P60, A20,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};
#define NK (sizeof(kats) / sizeof(kats[0]))

struct bufs {
	uint8_t k[32], iv[64], p[64], a[32], c[64], t[16];
	int kl, ivl, pl, al;
	uint8_t out[64], tag[16], out2[64], out3[64], bad[16], tag12[16], out4[64];
	uint64_t sess;
};

static void run(uint32_t backend)
{
	accel_dev *dev = t_open(backend, ACCEL_PROFILE_FAST, 0);
	accel_queue *q = t_queue(dev, 64);
	static struct bufs b[NK];
	struct accel_desc d[NK * 4];
	struct accel_cqe c[NK * 4];
	uint32_t n = 0;

	memset(b, 0, sizeof(b));
	for (size_t i = 0; i < NK; i++) {
		const struct kat *k = &kats[i];
		struct bufs *x = &b[i];

		x->kl = t_hex(k->k, x->k, 32);
		x->ivl = t_hex(k->iv, x->iv, 64);
		x->pl = t_hex(k->p, x->p, 64);
		x->al = t_hex(k->a, x->a, 32);
		t_hex(k->c, x->c, 64);
		t_hex(k->t, x->t, 16);
		x->sess = t_aead_session(q, x->k, (uint32_t)x->kl);
		d[n++] = (struct accel_desc){ .user_tag = i * 4, .session = x->sess,
					      .op = ACCEL_OP_GCM_SEAL, .src = x->p, .src_len = x->pl,
					      .dst = x->out, .dst_len = 64, .aad = x->a,
					      .aad_len = x->al, .iv = x->iv, .iv_len = x->ivl,
					      .tag_len = 16, .tag = x->tag };
		/* open of the known ciphertext with the known tag */
		d[n] = d[n - 1];
		d[n].user_tag = i * 4 + 1;
		d[n].op = ACCEL_OP_GCM_OPEN;
		d[n].src = x->c;
		d[n].dst = x->out2;
		d[n++].tag = x->t;
		/* tampered tag: EBADMSG, no plaintext */
		memcpy(x->bad, x->t, 16);
		x->bad[15] ^= 1;
		memset(x->out3, 0x77, sizeof(x->out3));
		d[n] = d[n - 1];
		d[n].user_tag = i * 4 + 2;
		d[n].dst = x->out3;
		d[n++].tag = x->bad;
		/* a 96-bit tag is the leftmost 12 bytes of the full tag (SP 800-38D 7.1) */
		memcpy(x->tag12, x->t, 12);
		d[n] = d[n - 1];
		d[n].user_tag = i * 4 + 3;
		d[n].dst = x->out4;
		d[n].tag = x->tag12;
		d[n++].tag_len = 12;
	}
	REQUIRE(t_run(q, d, n, c) == 0, "not all completed");
	for (uint32_t j = 0; j < n; j++) {
		size_t i = c[j].user_tag / 4;
		struct bufs *x = &b[i];
		int no = kats[i].no;

		switch (c[j].user_tag % 4) {
		case 0:
			CHECK(c[j].status == 0 && c[j].out_len == (uint32_t)x->pl, "case %d seal %d", no, c[j].status);
			CHECK(!memcmp(x->out, x->c, x->pl), "case %d ciphertext", no);
			CHECK(!memcmp(x->tag, x->t, 16), "case %d tag", no);
			break;
		case 1:
			CHECK(c[j].status == 0, "case %d open %d", no, c[j].status);
			CHECK(!memcmp(x->out2, x->p, x->pl), "case %d plaintext", no);
			break;
		case 2:
			CHECK(c[j].status == ACCEL_EBADMSG && c[j].out_len == 0, "case %d bad tag %d", no, c[j].status);
			for (int k = 0; k < x->pl; k++)
				CHECK(x->out3[k] == 0, "case %d plaintext released", no);
			break;
		case 3:
			CHECK(c[j].status == 0 && !memcmp(x->out4, x->p, x->pl), "case %d 12-byte tag %d", no, c[j].status);
			break;
		}
	}
	for (size_t i = 0; i < NK; i++)
		CHECK_RC(accel_session_destroy(q, b[i].sess), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	printf("  %s: %zu cases x 4 ops\n", t_backend_name(backend), NK);
}

int main(void)
{
	t_name = "kat_gcm";
	run(ACCEL_BACKEND_EMU);
	run(ACCEL_BACKEND_CPU);
	return t_done();
}

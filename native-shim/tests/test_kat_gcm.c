// SPDX-License-Identifier: Apache-2.0
/*
 * AES-GCM known answers on every backend: McGrew & Viega, "The Galois/Counter
 * Mode of Operation (GCM)", test cases 1-6 (AES-128; 5: 8-byte IV, 6: 60-byte
 * IV), 7 and 9 (AES-192), 13-16 (AES-256). Seal, open, tampered open
 * (EBADMSG, plaintext zeroed), truncated 12-byte tags.
 *
 * Run with every AES-GCM kernel the machine offers: without
 * ACCEL_SHIM_KERNEL the program re-runs itself once per kernel (evp,
 * ipsecmb-sse, ipsecmb-avx_gen4, ipsecmb-vaes_avx512; one the CPU or the
 * installed libraries lack is reported and skipped) and compares a
 * differential digest over ~400 seal/open cases (all key sizes, IV lengths
 * 1-64, AAD 0-40, payloads 0-272 B and up to 64 KiB, 12/16-byte tags)
 * against the EVP kernel's.
 */
#include <stdbool.h>

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

/* FNV-1a over everything the kernel produced: the same on every correct kernel. */
static uint64_t fnv(uint64_t h, const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static int run1(accel_queue *q, struct accel_desc *d)
{
	struct accel_cqe c;

	REQUIRE(t_run(q, d, 1, &c) == 0, "not completed");
	return c.status;
}

/* Differential cases; returns the digest of all ciphertexts and tags. */
static uint64_t differential(void)
{
	static uint8_t src[65536 + 64], ct[65536 + 64], pt[65536 + 64];
	accel_dev *dev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	accel_queue *q = t_queue(dev, 4);
	uint8_t key[32], iv[64], aad[64], tag[16];
	uint64_t h = 0xcbf29ce484222325ull, sess[3];
	uint32_t x = 12345, ncases = 0;

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + (i >> 8));
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < 64; i++)
		iv[i] = aad[i] = (uint8_t)(i * 13 + 1);
	for (int k = 0; k < 3; k++)
		sess[k] = t_aead_session(q, key, 16 + 8 * k);
	for (uint32_t len = 0; len <= 65536 + 17; len = len < 272 ? len + 1 : len * 4 + 3) {
		uint32_t ivl, al, tl, k;
		struct accel_desc d;

		x = x * 1103515245u + 12345u;
		k = (x >> 8) % 3;
		ivl = (x >> 12) % 4 == 0 ? 1 + (x >> 16) % 64 : 12;
		al = (x >> 20) % 41;
		tl = (x >> 28) & 1 ? 12 : 16;
		d = (struct accel_desc){ .session = sess[k], .op = ACCEL_OP_GCM_SEAL, .src = src,
					 .src_len = len, .dst = ct, .dst_len = len, .aad = aad,
					 .aad_len = al, .iv = iv, .iv_len = ivl, .tag_len = tl,
					 .tag = tag };
		CHECK(run1(q, &d) == 0, "seal len %u iv %u aad %u", len, ivl, al);
		h = fnv(fnv(h, ct, len), tag, tl);
		d.op = ACCEL_OP_GCM_OPEN;
		d.src = ct;
		d.dst = pt;
		memset(pt, 0x55, len);
		CHECK(run1(q, &d) == 0 && !memcmp(pt, src, len), "open len %u iv %u aad %u", len,
		      ivl, al);
		if (len % 5 == 0) {	/* tampered: EBADMSG, nothing released */
			tag[len % tl] ^= 0x80;
			memset(pt, 0x55, len);
			CHECK(run1(q, &d) == ACCEL_EBADMSG, "tampered len %u", len);
			for (uint32_t i = 0; i < len; i++)
				if (pt[i]) {
					CHECK(0, "tampered len %u: plaintext released", len);
					break;
				}
		}
		ncases++;
	}
	for (int k = 0; k < 3; k++)
		CHECK_RC(accel_session_destroy(q, sess[k]), ACCEL_OK);
	CHECK_RC(accel_queue_destroy(q, 1000), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	printf("  differential: %u cases\n", ncases);
	return h;
}

static void driver_of(char *out, size_t len)
{
	accel_dev *dev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	struct accel_caps caps;

	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_OK);
	snprintf(out, len, "%s", caps.driver);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
}

/* One kernel, in this process (ACCEL_SHIM_KERNEL already set, or the default). */
static int one_kernel(void)
{
	char drv[64];

	driver_of(drv, sizeof(drv));
	printf("  kernel %s: %s\n", getenv("ACCEL_SHIM_KERNEL") ? getenv("ACCEL_SHIM_KERNEL") : "auto", drv);
	run(ACCEL_BACKEND_EMU);
	run(ACCEL_BACKEND_CPU);
	printf("DIGEST %016" PRIx64 "\n", differential());
	return t_done();
}

int main(int argc, char **argv)
{
	static const char *const kernels[] = { "evp", "ipsecmb-sse", "ipsecmb-avx_gen4",
					       "ipsecmb-vaes_avx512" };
	char self[4096], line[512], evp_digest[32] = "";
	ssize_t n;

	t_name = "kat_gcm";
	t_require_threads();	/* re-runs itself per kernel; qemu-user may not run processes */
	if (getenv("ACCEL_SHIM_KERNEL") || (argc > 1 && !strcmp(argv[1], "--one")))
		return one_kernel();
#if !defined(__x86_64__)
	/* ipsec-mb kernels are x86-only: libcrypto EVP is the one kernel here. */
	(void)self, (void)line, (void)evp_digest, (void)n, (void)kernels;
	return one_kernel();
#endif
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	REQUIRE(n > 0, "readlink /proc/self/exe");
	self[n] = 0;
	for (size_t k = 0; k < sizeof(kernels) / sizeof(kernels[0]); k++) {
		char digest[32] = "", cmd[4200];
		bool served = true;
		FILE *p;
		int st;

		setenv("ACCEL_SHIM_KERNEL", kernels[k], 1);
		snprintf(cmd, sizeof(cmd), "'%s' --one", self);
		p = popen(cmd, "r");
		REQUIRE(p, "popen");
		while (fgets(line, sizeof(line), p)) {
			if (!strncmp(line, "DIGEST ", 7)) {
				snprintf(digest, sizeof(digest), "%.16s", line + 7);
				continue;
			}
			/* a kernel the machine cannot run falls back to EVP: say so, skip it */
			if (strstr(line, "kernel ipsecmb-") && !strstr(line, "gcm:ipsec-mb"))
				served = false;
			printf("  [%s] %s", kernels[k], line);
		}
		st = pclose(p);
		CHECK(st == 0, "kernel %s: exit status %d", kernels[k], st);
		if (!served) {
			printf("  kernel %s not available here: skipped\n", kernels[k]);
			continue;
		}
		if (k == 0)
			snprintf(evp_digest, sizeof(evp_digest), "%s", digest);
		else
			CHECK(digest[0] && !strcmp(digest, evp_digest),
			      "kernel %s differs from evp: %s vs %s", kernels[k], digest, evp_digest);
	}
	unsetenv("ACCEL_SHIM_KERNEL");
	return t_done();
}

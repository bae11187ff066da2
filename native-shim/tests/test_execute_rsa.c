// SPDX-License-Identifier: Apache-2.0
/*
 * accel_execute_rsa (cpu backend): the flat base + offset form of an RSA
 * request computes the known answers from inside larger arrays, and rejects
 * what accel_execute rejects (wrong op, wrong length, input >= n), writing
 * nothing then; other backends answer ENOTSUP.
 */
#include "rsa_key_1024.h"
#include "test_common.h"


int main(void)
{
	accel_dev *dev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	accel_queue *q = t_queue(dev, 8);
	struct accel_rsa_key key = t_rsa1024();
	uint8_t in[128 + 7], out[128 + 11], big[128];
	uint64_t s = 0;

	t_name = "execute_rsa";
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s), ACCEL_OK);
	memcpy(in + 7, rsa_m, 128);
	memset(out, 0xa5, sizeof(out));
	CHECK_RC(accel_execute_rsa(q, s, ACCEL_OP_RSA_PRIV_CRT, in, 7, 128, out, 11, 128), ACCEL_OK);
	CHECK(!memcmp(out + 11, rsa_m_priv, 128), "private known answer at offsets");
	CHECK(out[10] == 0xa5, "wrote before dst");
	CHECK_RC(accel_execute_rsa(q, s, ACCEL_OP_RSA_PUB, in, 7, 128, out, 11, 128), ACCEL_OK);
	CHECK(!memcmp(out + 11, rsa_m_pub, 128), "public known answer at offsets");

	memset(out, 0xa5, sizeof(out));
	CHECK_RC(accel_execute_rsa(q, s, ACCEL_OP_SHA256, in, 7, 128, out, 11, 128), ACCEL_EINVAL);
	CHECK_RC(accel_execute_rsa(q, s, ACCEL_OP_RSA_PUB, in, 7, 127, out, 11, 128), ACCEL_EINVAL);
	CHECK_RC(accel_execute_rsa(q, s, ACCEL_OP_RSA_PUB, in, 7, 128, out, 11, 64), ACCEL_EINVAL);
	memset(big, 0xff, sizeof(big));	/* > n: "message representative out of range" */
	CHECK_RC(accel_execute_rsa(q, s, ACCEL_OP_RSA_PRIV_CRT, big, 0, 128, out, 11, 128), ACCEL_EINVAL);
	CHECK_RC(accel_execute_rsa(q, s + 1000, ACCEL_OP_RSA_PUB, in, 7, 128, out, 11, 128), ACCEL_EINVAL);
	for (size_t i = 0; i < sizeof(out); i++)
		if (out[i] != 0xa5) {
			CHECK(0, "a rejected request wrote dst[%zu]", i);
			break;
		}
	t_close_all(dev, q, s);

	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 0);
	q = t_queue(dev, 8);
	CHECK_RC(accel_session_create(q, ACCEL_FAMILY_RSA, &key, sizeof(key), &s), ACCEL_OK);
	CHECK_RC(accel_execute_rsa(q, s, ACCEL_OP_RSA_PUB, in, 7, 128, out, 11, 128), ACCEL_ENOTSUP);
	t_close_all(dev, q, s);
	return t_done();
}

// SPDX-License-Identifier: Apache-2.0
/* ABI: version and struct sizes/offsets the Java layouts are written against. */
#include <stddef.h>

#include "test_common.h"

int main(void)
{
	t_name = "abi";
	CHECK(accel_abi_version() == 4, "version %u", accel_abi_version());
	CHECK_RC((int)accel_abi_sizeof(ACCEL_STRUCT_DESC), 96);
	CHECK_RC((int)accel_abi_sizeof(ACCEL_STRUCT_CQE), 24);
	CHECK_RC((int)accel_abi_sizeof(ACCEL_STRUCT_CAPS), 192);
	CHECK_RC((int)accel_abi_sizeof(ACCEL_STRUCT_HEALTH), 136);
	CHECK_RC((int)accel_abi_sizeof(ACCEL_STRUCT_DEV_CONFIG), 24);
	CHECK_RC((int)accel_abi_sizeof(ACCEL_STRUCT_RSA_KEY), 120);
	CHECK_RC((int)accel_abi_sizeof(ACCEL_STRUCT_BN), 16);
	CHECK_RC((int)accel_abi_sizeof(0), 0);
	CHECK_RC((int)accel_abi_sizeof(99), 0);

	CHECK_RC((int)offsetof(struct accel_desc, op), 16);
	CHECK_RC((int)offsetof(struct accel_desc, src), 24);
	CHECK_RC((int)offsetof(struct accel_desc, iv), 72);
	CHECK_RC((int)offsetof(struct accel_desc, iv_len), 80);
	CHECK_RC((int)offsetof(struct accel_desc, tag), 88);
	CHECK_RC((int)offsetof(struct accel_cqe, status), 8);
	CHECK_RC((int)offsetof(struct accel_cqe, detail), 16);
	CHECK_RC((int)offsetof(struct accel_caps, gcm_aad_max), 32);
	CHECK_RC((int)offsetof(struct accel_caps, digest_data_max), 80);
	CHECK_RC((int)offsetof(struct accel_caps, name), 96);
	CHECK_RC((int)offsetof(struct accel_caps, driver), 128);
	CHECK_RC((int)offsetof(struct accel_health, reason), 40);
	CHECK_RC((int)offsetof(struct accel_rsa_key, n), 8);
	CHECK_RC((int)offsetof(struct accel_rsa_key, qinv), 104);
	return t_done();
}

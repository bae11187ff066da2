// SPDX-License-Identifier: Apache-2.0
/* accel_kernels: one line per operation naming its kernel; bad arguments; truncation. */
#include <string.h>

#include "test_common.h"

int main(void)
{
	char buf[1024], tiny[8];

	t_name = "kernels";
	CHECK_RC(accel_kernels(buf, sizeof(buf)), ACCEL_OK);
	for (const char *op = "aes-gcm\0sha-2 \0sha-2 batch\0rsa private\0rsa public\0"; *op;
	     op += strlen(op) + 1)
		CHECK(strstr(buf, op) != NULL, "no line for '%s' in:\n%s", op, buf);
	CHECK(buf[strlen(buf) - 1] == '\n', "last line not terminated");
	CHECK_RC(accel_kernels(NULL, 10), ACCEL_EINVAL);
	CHECK_RC(accel_kernels(buf, 0), ACCEL_EINVAL);
	CHECK_RC(accel_kernels(tiny, sizeof(tiny)), ACCEL_OK);
	CHECK(strlen(tiny) == sizeof(tiny) - 1, "cut to the buffer");
	printf("%s", buf);
	return t_done();
}
